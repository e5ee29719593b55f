package dev.mq.store;

import static dev.mq.store.Conditions.NEW_ITEM;
import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;
import static dev.mq.store.StoreCalls.throwIfThrottled;

import dev.mq.core.MoveTask;
import dev.mq.core.QueueStore.StoredMoveTask;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Message move tasks in the catalog table:
 * <ul>
 *   <li>a task: {@code pk = "move#<source queue>"}, {@code sk = "t#<id>"} (ids sort by start, so a source's
 *       tasks newest first are one query), with {@code handle}, {@code status}, {@code inc} (the source's
 *       incarnation), {@code dest}, {@code rate}, {@code moved}, {@code toMove}, {@code reason},
 *       {@code startedAt} (ms) and {@code expiresAt} (TTL, s);</li>
 *   <li>a source's running mark: {@code pk = "moving"}, {@code sk = <source queue>}, with the running
 *       task's {@code id} and {@code inc}: written only if absent (one running task per source), and all
 *       in one partition, so every running task of the deployment is one small query.</li>
 * </ul>
 */
final class MoveTaskItems {
    private static final String RUNNING_PK = "moving";
    private static final String TASK_PREFIX = "t#";

    private final DynamoDbClient client;
    private final Tables tables;

    MoveTaskItems(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    Optional<StoredMoveTask> create(StoredMoveTask task, Instant expiresAt) {
        String source = task.task().source();
        Map<String, AttributeValue> mark = new HashMap<>(runningKey(source));
        mark.put("id", s(task.id()));
        mark.put("inc", s(task.incarnation()));
        return call(() -> {
            try {
                client.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder()
                                .put(p -> p.tableName(tables.catalog())
                                        .item(mark)
                                        .conditionExpression(NEW_ITEM)
                                        .returnValuesOnConditionCheckFailure(
                                                ReturnValuesOnConditionCheckFailure.ALL_OLD))
                                .build(),
                        TransactWriteItem.builder()
                                .put(p -> p.tableName(tables.catalog())
                                        .item(fromTask(task, expiresAt))
                                        .conditionExpression(NEW_ITEM))
                                .build()));
                return Optional.empty();
            } catch (TransactionCanceledException e) {
                throwIfThrottled(e);
                CancellationReason onMark = e.cancellationReasons().get(0);
                if (onMark.hasItem() && onMark.item().containsKey("id")) {
                    Optional<StoredMoveTask> running =
                            get(source, onMark.item().get("id").s());
                    if (running.isPresent()) {
                        return running;
                    }
                }
                return running(source).or(() -> {
                    throw new QueueException(
                            ErrorCode.UNAVAILABLE,
                            "a move task of " + source + " was being started at the same time; retry");
                });
            }
        });
    }

    Optional<StoredMoveTask> running(String source) {
        return call(() -> {
            Map<String, AttributeValue> mark = client.getItem(r -> r.tableName(tables.catalog())
                            .key(runningKey(source))
                            .consistentRead(true))
                    .item();
            if (mark == null || mark.isEmpty()) {
                return Optional.empty();
            }
            return get(source, mark.get("id").s());
        });
    }

    List<String> sourcesWithRunning() {
        List<String> sources = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> client.query(r -> r.tableName(tables.catalog())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(RUNNING_PK)))
                    .projectionExpression("sk")
                    .exclusiveStartKey(from)));
            page.items().forEach(i -> sources.add(i.get("sk").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return sources;
    }

    Optional<StoredMoveTask> get(String source, String id) {
        return call(() -> {
            Map<String, AttributeValue> item = client.getItem(r -> r.tableName(tables.catalog())
                            .key(taskKey(source, id))
                            .consistentRead(true))
                    .item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toTask(item));
        });
    }

    void addMoved(String source, String id, long moved) {
        call(() -> {
            try {
                client.updateItem(r -> r.tableName(tables.catalog())
                        .key(taskKey(source, id))
                        .updateExpression("ADD moved :n")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":n", n(moved))));
            } catch (ConditionalCheckFailedException gone) {
                // its record expired: nobody can read the count any more
            }
            return null;
        });
    }

    boolean end(String source, String id, MoveTask.Status status, String reason, Instant expiresAt) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", s(status.name()));
        values.put(":running", s(MoveTask.Status.RUNNING.name()));
        values.put(":ttl", n(expiresAt.getEpochSecond()));
        String update = "SET #status = :status, expiresAt = :ttl";
        if (reason != null) {
            values.put(":reason", s(reason));
            update += ", reason = :reason";
        }
        String set = update;
        return call(() -> {
            try {
                client.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder()
                                .update(u -> u.tableName(tables.catalog())
                                        .key(taskKey(source, id))
                                        .updateExpression(set)
                                        .conditionExpression("#status = :running")
                                        .expressionAttributeNames(Map.of("#status", "status"))
                                        .expressionAttributeValues(values))
                                .build(),
                        TransactWriteItem.builder()
                                .delete(d -> d.tableName(tables.catalog())
                                        .key(runningKey(source))
                                        .conditionExpression("id = :id")
                                        .expressionAttributeValues(Map.of(":id", s(id))))
                                .build()));
                return true;
            } catch (TransactionCanceledException e) {
                throwIfThrottled(e);
                return false;
            }
        });
    }

    List<StoredMoveTask> list(String source, String incarnation, int limit, Instant now) {
        List<StoredMoveTask> tasks = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = call(() -> client.query(r -> r.tableName(tables.catalog())
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :t)")
                    .filterExpression("inc = :inc AND expiresAt > :nowSec")
                    .expressionAttributeValues(Map.of(
                            ":pk", s(taskPk(source)),
                            ":t", s(TASK_PREFIX),
                            ":inc", s(incarnation),
                            ":nowSec", n(now.getEpochSecond())))
                    .scanIndexForward(false)
                    .consistentRead(true)
                    .limit(limit)
                    .exclusiveStartKey(from)));
            page.items().stream().limit(limit - tasks.size()).forEach(i -> tasks.add(toTask(i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && tasks.size() < limit);
        return tasks;
    }

    private static String taskPk(String source) {
        return "move#" + source;
    }

    private static Map<String, AttributeValue> taskKey(String source, String id) {
        return Map.of("pk", s(taskPk(source)), "sk", s(TASK_PREFIX + id));
    }

    private static Map<String, AttributeValue> runningKey(String source) {
        return Map.of("pk", s(RUNNING_PK), "sk", s(source));
    }

    private static Map<String, AttributeValue> fromTask(StoredMoveTask stored, Instant expiresAt) {
        MoveTask t = stored.task();
        Map<String, AttributeValue> item = new HashMap<>(taskKey(t.source(), stored.id()));
        item.put("v", n(DynamoDbQueueStore.LAYOUT_VERSION));
        item.put("handle", s(t.taskHandle()));
        item.put("status", s(t.status().name()));
        item.put("inc", s(stored.incarnation()));
        if (t.destination() != null) {
            item.put("dest", s(t.destination()));
        }
        if (t.maxPerSecond() != null) {
            item.put("rate", n(t.maxPerSecond()));
        }
        item.put("moved", n(t.moved()));
        item.put("toMove", n(t.toMove()));
        if (t.failureReason() != null) {
            item.put("reason", s(t.failureReason()));
        }
        item.put("startedAt", n(t.startedAt().toEpochMilli()));
        item.put(DynamoDbQueueStore.EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return item;
    }

    private static StoredMoveTask toTask(Map<String, AttributeValue> item) {
        String source = item.get("pk").s().substring("move#".length());
        MoveTask task = new MoveTask(
                item.get("handle").s(),
                MoveTask.Status.valueOf(item.get("status").s()),
                source,
                item.containsKey("dest") ? item.get("dest").s() : null,
                item.containsKey("rate") ? Integer.valueOf(item.get("rate").n()) : null,
                Long.parseLong(item.get("moved").n()),
                Long.parseLong(item.get("toMove").n()),
                item.containsKey("reason") ? item.get("reason").s() : null,
                Instant.ofEpochMilli(Long.parseLong(item.get("startedAt").n())));
        return new StoredMoveTask(
                item.get("sk").s().substring(TASK_PREFIX.length()),
                item.get("inc").s(),
                task);
    }
}
