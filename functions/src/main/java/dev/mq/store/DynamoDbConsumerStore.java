package dev.mq.store;

import static dev.mq.store.Conditions.NO_CURRENT_CONSUMER;
import static dev.mq.store.Conditions.SAME_QUEUE_INCARNATION;
import static dev.mq.store.MessageItems.integer;
import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.Consumer;
import dev.mq.core.ConsumerStore;
import dev.mq.core.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Consumers in the catalog table, all in one partition: {@code pk = "consumer"}, {@code sk =
 * <queue>#<name>} ({@code #} is in no name), so one queue's consumers are one query (a prefix of the sort
 * key), and every consumer of the deployment is one query too, which push delivery's sweep reads. An item
 * holds {@code queue}, {@code name}, the queue's incarnation {@code qinc}, the target ({@code fn}, or
 * {@code endpoint} and {@code secret}), {@code batch}, {@code window}, {@code conc} and {@code createdAt}
 * (epoch milliseconds). Consumers are few and change seldom, so one partition holds them all.
 */
public final class DynamoDbConsumerStore implements ConsumerStore {
    static final String CONSUMER_PK = "consumer";

    private final DynamoDbClient client;
    private final Tables tables;

    public DynamoDbConsumerStore(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    @Override
    public Optional<Consumer> get(String queue, String name) {
        return call(() -> Optional.ofNullable(emptyToNull(client.getItem(r -> r.tableName(tables.catalog())
                                .key(key(queue, name))
                                .consistentRead(true))
                        .item()))
                .map(DynamoDbConsumerStore::toConsumer));
    }

    @Override
    public Optional<Consumer> create(Consumer consumer) {
        return call(() -> {
            try {
                client.putItem(r -> r.tableName(tables.catalog())
                        .item(fromConsumer(consumer))
                        .conditionExpression(NO_CURRENT_CONSUMER)
                        .expressionAttributeValues(Map.of(":inc", s(consumer.queueIncarnation())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return Optional.empty();
            } catch (ConditionalCheckFailedException exists) {
                return exists.hasItem()
                        ? Optional.of(toConsumer(exists.item()))
                        : get(consumer.queue(), consumer.name());
            }
        });
    }

    @Override
    public boolean delete(String queue, String name, String queueIncarnation) {
        return call(() -> deleteOf(client, tables, key(queue, name), queueIncarnation));
    }

    @Override
    public Page<Consumer> list(String queue, int limit, String afterName) {
        String prefix = sortKeyPrefix(queue);
        return CatalogPages.list(
                client,
                tables.catalog(),
                CONSUMER_PK,
                prefix,
                limit,
                afterName == null ? null : prefix + afterName,
                DynamoDbConsumerStore::toConsumer,
                Consumer::name);
    }

    @Override
    public List<Consumer> consumersOf(String queue) {
        return queryAll(sortKeyPrefix(queue));
    }

    @Override
    public List<Consumer> all() {
        return queryAll("");
    }

    /**
     * Deletes the consumers a deleted queue incarnation had, each only if it still belongs to that
     * incarnation (a consumer of the queue created again meanwhile stays).
     */
    static void deleteAllOf(DynamoDbClient client, Tables tables, String queue, String queueIncarnation) {
        for (Map<String, AttributeValue> item : query(client, tables, sortKeyPrefix(queue), "pk, sk, qinc")) {
            if (queueIncarnation.equals(item.get("qinc").s())) {
                call(() ->
                        deleteOf(client, tables, Map.of("pk", item.get("pk"), "sk", item.get("sk")), queueIncarnation));
            }
        }
    }

    // ---- layout

    private static boolean deleteOf(
            DynamoDbClient client, Tables tables, Map<String, AttributeValue> key, String queueIncarnation) {
        try {
            client.deleteItem(r -> r.tableName(tables.catalog())
                    .key(key)
                    .conditionExpression(SAME_QUEUE_INCARNATION)
                    .expressionAttributeValues(Map.of(":inc", s(queueIncarnation))));
            return true;
        } catch (ConditionalCheckFailedException goneOrOther) {
            return false;
        }
    }

    private List<Consumer> queryAll(String prefix) {
        return query(client, tables, prefix, null).stream()
                .map(DynamoDbConsumerStore::toConsumer)
                .toList();
    }

    /** Every item of the consumer partition whose sort key starts with {@code prefix}, page after page. */
    private static List<Map<String, AttributeValue>> query(
            DynamoDbClient client, Tables tables, String prefix, String projection) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(CONSUMER_PK));
        String condition = "pk = :pk";
        if (!prefix.isEmpty()) {
            condition += " AND begins_with(sk, :prefix)";
            values.put(":prefix", s(prefix));
        }
        String keyCondition = condition;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> client.query(r -> r.tableName(tables.catalog())
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeValues(values)
                    .projectionExpression(projection)
                    .exclusiveStartKey(from)));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static String sortKeyPrefix(String queue) {
        return queue + "#";
    }

    private static Map<String, AttributeValue> key(String queue, String name) {
        return Map.of("pk", s(CONSUMER_PK), "sk", s(sortKeyPrefix(queue) + name));
    }

    private static Map<String, AttributeValue> fromConsumer(Consumer c) {
        Map<String, AttributeValue> item = new HashMap<>(key(c.queue(), c.name()));
        item.put("v", n(DynamoDbQueueStore.LAYOUT_VERSION));
        item.put("queue", s(c.queue()));
        item.put("name", s(c.name()));
        item.put("qinc", s(c.queueIncarnation()));
        if (c.functionArn() != null) {
            item.put("fn", s(c.functionArn()));
        }
        if (c.endpoint() != null) {
            item.put("endpoint", s(c.endpoint()));
            item.put("secret", s(c.secret()));
        }
        item.put("batch", n(c.batchSize()));
        item.put("window", n(c.batchWindowSeconds()));
        item.put("conc", n(c.maxConcurrency()));
        item.put("createdAt", n(c.createdAt().toEpochMilli()));
        return item;
    }

    private static Consumer toConsumer(Map<String, AttributeValue> item) {
        return new Consumer(
                item.get("queue").s(),
                item.get("name").s(),
                item.get("qinc").s(),
                str(item, "fn"),
                str(item, "endpoint"),
                str(item, "secret"),
                integer(item, "batch"),
                integer(item, "window"),
                integer(item, "conc"),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Map<String, AttributeValue> emptyToNull(Map<String, AttributeValue> item) {
        return item == null || item.isEmpty() ? null : item;
    }
}
