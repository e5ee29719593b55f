package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.Page;
import dev.mq.core.Subscription;
import dev.mq.core.TopicConfig;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicStore;
import dev.mq.core.filters.FilterScope;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The item layout of topics. Catalog table: a topic is {@code pk = "topic"}, {@code sk = <name>}; a
 * subscription is {@code pk = "sub#<topic>"}, {@code sk = <name>}. Topic log table (with a stream of new
 * images): a published message is {@code pk = <incarnation>#m#<messageId>}, {@code sk = "m"}, kept for a
 * day (TTL) so the fan-out can be replayed; a deduplication record is {@code pk = <incarnation>#d#<id>},
 * {@code sk = "d"}.
 */
public final class DynamoDbTopicStore implements TopicStore {
    private static final String TOPIC_PK = "topic";
    static final String MESSAGE_SK = "m";

    private final DynamoDbClient client;
    private final Tables tables;

    public DynamoDbTopicStore(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    @Override
    public Optional<TopicConfig> getTopic(String name) {
        return call(() -> Optional.ofNullable(emptyToNull(client.getItem(r -> r.tableName(tables.catalog())
                                .key(key(TOPIC_PK, name))
                                .consistentRead(true))
                        .item()))
                .map(DynamoDbTopicStore::toTopic));
    }

    @Override
    public Optional<TopicConfig> createTopic(TopicConfig topic) {
        Map<String, AttributeValue> item = new HashMap<>(key(TOPIC_PK, topic.name()));
        item.put("v", n(DynamoDbQueueStore.LAYOUT_VERSION));
        item.put("inc", s(topic.incarnation()));
        item.put("createdAt", n(topic.createdAt().toEpochMilli()));
        return call(() -> {
            try {
                client.putItem(r -> r.tableName(tables.catalog())
                        .item(item)
                        .conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return Optional.empty();
            } catch (ConditionalCheckFailedException exists) {
                return exists.hasItem() ? Optional.of(toTopic(exists.item())) : getTopic(topic.name());
            }
        });
    }

    @Override
    public Optional<TopicConfig> deleteTopic(String name) {
        Optional<TopicConfig> removed =
                call(() -> Optional.ofNullable(emptyToNull(client.deleteItem(r -> r.tableName(tables.catalog())
                                        .key(key(TOPIC_PK, name))
                                        .returnValues(ReturnValue.ALL_OLD))
                                .attributes()))
                        .map(DynamoDbTopicStore::toTopic));
        // Subscriptions go with their topic, so a topic created again under the name starts with none.
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> client.query(r -> r.tableName(tables.catalog())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(subscriptionsOf(name))))
                    .projectionExpression("pk, sk")
                    .exclusiveStartKey(from)));
            for (Map<String, AttributeValue> k : page.items()) {
                call(() -> client.deleteItem(r -> r.tableName(tables.catalog()).key(k)));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return removed;
    }

    @Override
    public Page<TopicConfig> listTopics(int limit, String afterName) {
        return CatalogPages.list(
                client,
                tables.catalog(),
                TOPIC_PK,
                "",
                limit,
                afterName,
                DynamoDbTopicStore::toTopic,
                TopicConfig::name);
    }

    @Override
    public Optional<Subscription> getSubscription(String topic, String name) {
        return call(() -> Optional.ofNullable(emptyToNull(client.getItem(r -> r.tableName(tables.catalog())
                                .key(key(subscriptionsOf(topic), name))
                                .consistentRead(true))
                        .item()))
                .map(DynamoDbTopicStore::toSubscription));
    }

    @Override
    public void putSubscription(Subscription sub) {
        Map<String, AttributeValue> item = new HashMap<>(key(subscriptionsOf(sub.topic()), sub.name()));
        item.put("v", n(DynamoDbQueueStore.LAYOUT_VERSION));
        item.put("topic", s(sub.topic()));
        item.put("tinc", s(sub.topicIncarnation()));
        item.put("createdAt", n(sub.createdAt().toEpochMilli()));
        putIfPresent(item, "queue", sub.queue());
        putIfPresent(item, "endpoint", sub.endpoint());
        putIfPresent(item, "secret", sub.secret());
        putIfPresent(item, "filter", sub.filterJson());
        if (sub.filterScope() != FilterScope.ATTRIBUTES) { // the default, as for items written before scopes
            item.put("fscope", s(sub.filterScope().wireName()));
        }
        putIfPresent(item, "dlq", sub.deadLetterQueue());
        call(() -> client.putItem(r -> r.tableName(tables.catalog()).item(item)));
    }

    @Override
    public boolean deleteSubscription(String topic, String name) {
        return call(() -> emptyToNull(client.deleteItem(r -> r.tableName(tables.catalog())
                                .key(key(subscriptionsOf(topic), name))
                                .returnValues(ReturnValue.ALL_OLD))
                        .attributes())
                != null);
    }

    @Override
    public Page<Subscription> listSubscriptions(String topic, int limit, String afterName) {
        return CatalogPages.list(
                client,
                tables.catalog(),
                subscriptionsOf(topic),
                "",
                limit,
                afterName,
                DynamoDbTopicStore::toSubscription,
                Subscription::name);
    }

    @Override
    public void publish(TopicMessage message, Instant keepUntil) {
        call(() -> client.putItem(r -> r.tableName(tables.topicLog()).item(fromMessage(message, keepUntil))));
    }

    @Override
    public Optional<String> publishDeduplicated(
            TopicMessage message, Instant keepUntil, String dedupId, Instant dedupExpiresAt, Instant now) {
        return DedupWrites.put(
                client,
                tables.topicLog(),
                fromMessage(message, keepUntil),
                message.messageId(),
                key(message.topicIncarnation() + "#d#" + dedupId, "d"),
                dedupExpiresAt,
                now);
    }

    @Override
    public long deleteExpired(Instant now) {
        return ExpiredItems.sweep(client, tables.topicLog(), now);
    }

    // ---- layout

    private static String subscriptionsOf(String topic) {
        return "sub#" + topic;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    private static Map<String, AttributeValue> fromMessage(TopicMessage m, Instant keepUntil) {
        Map<String, AttributeValue> item = new HashMap<>(key(m.topicIncarnation() + "#m#" + m.messageId(), MESSAGE_SK));
        item.put("v", n(DynamoDbQueueStore.LAYOUT_VERSION));
        item.put("topic", s(m.topic()));
        item.put("tinc", s(m.topicIncarnation()));
        item.put("mid", s(m.messageId()));
        item.put("body", s(m.body()));
        if (!m.attributes().isEmpty()) {
            Map<String, AttributeValue> attrs = new HashMap<>();
            m.attributes().forEach((k, v) -> attrs.put(k, s(v)));
            item.put("attrs", AttributeValue.fromM(attrs));
        }
        if (!m.attributeTypes().isEmpty()) {
            Map<String, AttributeValue> types = new HashMap<>();
            m.attributeTypes().forEach((k, v) -> types.put(k, s(v)));
            item.put("atypes", AttributeValue.fromM(types));
        }
        item.put("publishedAt", n(m.publishedAt().toEpochMilli()));
        item.put(DynamoDbQueueStore.EXPIRES_AT, n(keepUntil.getEpochSecond()));
        return item;
    }

    private static TopicConfig toTopic(Map<String, AttributeValue> item) {
        return new TopicConfig(
                item.get("sk").s(),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())),
                item.get("inc").s());
    }

    private static Subscription toSubscription(Map<String, AttributeValue> item) {
        return new Subscription(
                item.get("topic").s(),
                item.get("sk").s(),
                item.get("tinc").s(),
                str(item, "queue"),
                str(item, "endpoint"),
                str(item, "secret"),
                str(item, "filter"),
                FilterScope.fromWire(str(item, "fscope")),
                str(item, "dlq"),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Map<String, AttributeValue> emptyToNull(Map<String, AttributeValue> item) {
        return item == null || item.isEmpty() ? null : item;
    }
}
