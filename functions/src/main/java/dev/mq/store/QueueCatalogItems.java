package dev.mq.store;

import static dev.mq.store.Conditions.NEW_ITEM;
import static dev.mq.store.Conditions.SAME_VERSION;
import static dev.mq.store.MessageItems.integer;
import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.Page;
import dev.mq.core.QueueConfig;
import dev.mq.model.QueueAttributes;
import dev.mq.model.RedriveAllowPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Queues in the catalog table: {@code pk = "queue"}, {@code sk = <name>}, so a listing is one sorted
 * query; an item holds the queue's incarnation, shards, version, attributes and tags. Attributes added
 * later are absent from entries written before them, and read as their defaults: {@code modAt} as
 * {@code createdAt}, no {@code rap} as allowAll, no {@code tags} as none.
 */
final class QueueCatalogItems {
    private static final String QUEUE_PK = "queue";
    private static final String LAYOUT_VERSION = DynamoDbQueueStore.LAYOUT_VERSION;

    private final DynamoDbClient client;
    private final Tables tables;

    QueueCatalogItems(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    Optional<QueueConfig> getQueue(String name) {
        return call(() -> {
            Map<String, AttributeValue> item = client.getItem(r ->
                            r.tableName(tables.catalog()).key(queueKey(name)).consistentRead(true))
                    .item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toQueue(item));
        });
    }

    Optional<QueueConfig> createQueue(QueueConfig config) {
        return call(() -> {
            try {
                client.putItem(r -> r.tableName(tables.catalog())
                        .item(fromQueue(config))
                        .conditionExpression(NEW_ITEM)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return Optional.empty();
            } catch (ConditionalCheckFailedException exists) {
                return exists.hasItem() ? Optional.of(toQueue(exists.item())) : getQueue(config.name());
            }
        });
    }

    boolean updateQueue(QueueConfig config) {
        return call(() -> {
            try {
                client.putItem(r -> r.tableName(tables.catalog())
                        .item(fromQueue(config))
                        .conditionExpression(SAME_VERSION)
                        .expressionAttributeValues(
                                Map.of(":inc", s(config.incarnation()), ":ver", n(config.version() - 1))));
                return true;
            } catch (ConditionalCheckFailedException changedOrGone) {
                return false;
            }
        });
    }

    Optional<QueueConfig> deleteQueue(String name) {
        return call(() -> {
            Map<String, AttributeValue> old = client.deleteItem(r -> r.tableName(tables.catalog())
                            .key(queueKey(name))
                            .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD))
                    .attributes();
            return old == null || old.isEmpty() ? Optional.empty() : Optional.of(toQueue(old));
        });
    }

    Page<QueueConfig> listQueues(String prefix, int limit, String afterName) {
        return CatalogPages.list(
                client,
                tables.catalog(),
                QUEUE_PK,
                prefix,
                limit,
                afterName,
                QueueCatalogItems::toQueue,
                QueueConfig::name);
    }

    private static Map<String, AttributeValue> queueKey(String name) {
        return Map.of("pk", s(QUEUE_PK), "sk", s(name));
    }

    private static Map<String, AttributeValue> fromQueue(QueueConfig q) {
        QueueAttributes a = q.attributes();
        Map<String, AttributeValue> item = new HashMap<>(queueKey(q.name()));
        item.put("v", n(LAYOUT_VERSION));
        item.put("inc", s(q.incarnation()));
        item.put("createdAt", n(q.createdAt().toEpochMilli()));
        item.put("fifo", AttributeValue.fromBool(q.fifo()));
        item.put("shards", n(q.shards()));
        item.put("ver", n(q.version()));
        item.put("vt", n(a.visibilityTimeoutSeconds()));
        item.put("ret", n(a.messageRetentionSeconds()));
        item.put("delay", n(a.delaySeconds()));
        item.put("wait", n(a.receiveWaitSeconds()));
        item.put("maxBytes", n(a.maxMessageBytes()));
        item.put("dedupWin", n(a.deduplicationWindowSeconds()));
        item.put("cbd", AttributeValue.fromBool(a.contentBasedDeduplication()));
        if (a.deadLetterQueue() != null) {
            item.put("dlq", s(a.deadLetterQueue()));
            item.put("mrc", n(a.maxReceiveCount()));
        }
        RedriveAllowPolicy policy = a.redriveAllowPolicy();
        if (policy.permission() != RedriveAllowPolicy.Permission.ALLOW_ALL) {
            item.put("rap", s(policy.permission().wireName()));
        }
        if (!policy.sourceQueues().isEmpty()) {
            item.put(
                    "rapSrc",
                    AttributeValue.fromL(
                            policy.sourceQueues().stream().map(StoreCalls::s).toList()));
        }
        item.put("modAt", n(q.modifiedAt().toEpochMilli()));
        if (!q.tags().isEmpty()) {
            Map<String, AttributeValue> tags = new HashMap<>();
            q.tags().forEach((k, v) -> tags.put(k, s(v)));
            item.put("tags", AttributeValue.fromM(tags));
        }
        return item;
    }

    private static QueueConfig toQueue(Map<String, AttributeValue> item) {
        QueueAttributes attributes = new QueueAttributes(
                integer(item, "vt"),
                integer(item, "ret"),
                integer(item, "delay"),
                integer(item, "wait"),
                integer(item, "maxBytes"),
                integer(item, "dedupWin"),
                item.get("cbd").bool(),
                item.containsKey("dlq") ? item.get("dlq").s() : null,
                item.containsKey("mrc") ? integer(item, "mrc") : null,
                item.containsKey("rap")
                        ? new RedriveAllowPolicy(
                                RedriveAllowPolicy.Permission.fromWire(
                                        item.get("rap").s()),
                                item.containsKey("rapSrc")
                                        ? item.get("rapSrc").l().stream()
                                                .map(AttributeValue::s)
                                                .toList()
                                        : List.of())
                        : RedriveAllowPolicy.ALLOW_ALL);
        Map<String, String> tags = new HashMap<>();
        if (item.containsKey("tags")) {
            item.get("tags").m().forEach((k, v) -> tags.put(k, v.s()));
        }
        return new QueueConfig(
                item.get("sk").s(),
                item.get("fifo").bool(),
                time(item, "createdAt"),
                item.get("inc").s(),
                integer(item, "shards"),
                attributes,
                item.containsKey("ver") ? Long.parseLong(item.get("ver").n()) : 0,
                item.containsKey("modAt") ? time(item, "modAt") : null,
                tags);
    }

    private static Instant time(Map<String, AttributeValue> item, String name) {
        return Instant.ofEpochMilli(Long.parseLong(item.get(name).n()));
    }
}
