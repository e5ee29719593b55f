package dev.mq.store;

import static dev.mq.store.MessageItems.dedupKey;
import static dev.mq.store.MessageItems.dueOf;
import static dev.mq.store.MessageItems.fromMessage;
import static dev.mq.store.MessageItems.messageKey;
import static dev.mq.store.MessageItems.notes;
import static dev.mq.store.MessageItems.parked;
import static dev.mq.store.MessageItems.toMessage;
import static dev.mq.store.MessageItems.waiting;
import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;
import static dev.mq.store.StoreCalls.sleep;

import dev.mq.core.MessageIds;
import dev.mq.core.MessageKey;
import dev.mq.core.MoveTask;
import dev.mq.core.Page;
import dev.mq.core.QueueConfig;
import dev.mq.core.QueueCounts;
import dev.mq.core.QueueStore;
import dev.mq.core.StoredMessage;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The queue store over DynamoDB: the catalog's queues ({@link QueueCatalogItems}), message reads and
 * bulk writes here, and the conditional writes of leases ({@link LeaseWrites}). The item layout, and
 * why parked messages have a partition of their own, are described in {@link MessageItems}; the
 * conditions, one per invariant, in {@link Conditions}. These classes are the only ones that see a
 * message's {@code AttributeValue}s.
 */
public final class DynamoDbQueueStore implements QueueStore {
    private static final Logger LOG = Logger.getLogger(DynamoDbQueueStore.class.getName());
    static final String EXPIRES_AT = "expiresAt";
    static final String LAYOUT_VERSION = Integer.toString(MessageCounts.COUNTED_FROM_LAYOUT);
    private static final int BATCH_WRITE_MAX = 25;
    private static final int BATCH_WRITE_RETRIES = 6;

    private final DynamoDbClient client;
    private final Tables tables;
    private final MessageCounts counts;
    private final Runnable beforeCounts;
    private final QueueCatalogItems catalog;
    private final LeaseWrites leases;
    private final ReceiveAttemptItems attempts;
    private final MoveTaskItems moveTasks;

    public DynamoDbQueueStore(DynamoDbClient client, Tables tables) {
        this(client, tables, () -> {});
    }

    /**
     * @param beforeCounts runs before counts are read: where the counter runs beside the store (the local
     *     server), it lets the counter catch up with the stream, so counts are exact at once
     */
    public DynamoDbQueueStore(DynamoDbClient client, Tables tables, Runnable beforeCounts) {
        this.client = client;
        this.tables = tables;
        this.counts = new MessageCounts(client, tables);
        this.beforeCounts = beforeCounts;
        this.catalog = new QueueCatalogItems(client, tables);
        this.leases = new LeaseWrites(client, tables);
        this.attempts = new ReceiveAttemptItems(client, tables);
        this.moveTasks = new MoveTaskItems(client, tables);
    }

    // ================================================================ catalog

    @Override
    public Optional<QueueConfig> getQueue(String name) {
        return catalog.getQueue(name);
    }

    @Override
    public Optional<QueueConfig> createQueue(QueueConfig config) {
        return catalog.createQueue(config);
    }

    @Override
    public boolean updateQueue(QueueConfig config) {
        return catalog.updateQueue(config);
    }

    /**
     * Removes the queue and then its consumers, which belong to the removed incarnation. The queue is
     * gone once its item is: a failure removing a consumer is logged, not thrown, and what is left is
     * never answered (it belongs to an incarnation that no longer exists) and is replaced by the next
     * consumer of that name.
     */
    @Override
    public Optional<QueueConfig> deleteQueue(String name) {
        Optional<QueueConfig> removed = catalog.deleteQueue(name);
        removed.ifPresent(queue -> {
            try {
                DynamoDbConsumerStore.deleteAllOf(client, tables, name, queue.incarnation());
            } catch (QueueException e) {
                LOG.warning(() ->
                        "queue " + name + " deleted; its consumers are left unreachable (" + e.getMessage() + ")");
            }
        });
        return removed;
    }

    @Override
    public Page<QueueConfig> listQueues(String prefix, int limit, String afterName) {
        return catalog.listQueues(prefix, limit, afterName);
    }

    // ================================================================ messages

    @Override
    public void put(StoredMessage message) {
        call(() -> client.putItem(r -> r.tableName(tables.messages()).item(fromMessage(message))));
    }

    @Override
    public Set<String> putAll(List<StoredMessage> messages) {
        List<WriteRequest> writes = messages.stream()
                .map(m -> WriteRequest.builder()
                        .putRequest(PutRequest.builder().item(fromMessage(m)).build())
                        .build())
                .toList();
        Set<String> unwritten = batchWrite(writes).stream()
                .map(w -> w.putRequest().item().get("sk").s())
                .collect(Collectors.toSet());
        return messages.stream()
                .filter(m -> unwritten.contains(m.key().position()))
                .map(StoredMessage::messageId)
                .collect(Collectors.toSet());
    }

    @Override
    public Optional<String> putDeduplicated(
            StoredMessage message, String dedupId, Instant dedupExpiresAt, Instant now) {
        return DedupWrites.put(
                client,
                tables.messages(),
                fromMessage(message),
                message.messageId(),
                dedupKey(message.key().incarnation(), dedupId),
                dedupExpiresAt,
                now);
    }

    @Override
    public ScanPage scan(String incarnation, int shard, String afterId, int limit, boolean visibleOnly, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(waiting(incarnation, shard)));
        String condition = "pk = :pk";
        if (afterId != null) {
            condition += " AND sk > :after";
            values.put(":after", s(afterId));
        }
        String filter = null;
        if (visibleOnly) {
            filter = "visibleAt <= :now AND expiresAt > :nowSec";
            values.put(":now", n(now.toEpochMilli()));
            values.put(":nowSec", n(now.getEpochSecond()));
        }
        return query(incarnation, shard, condition, filter, values, limit);
    }

    @Override
    public ScanPage scanParked(String incarnation, int shard, String afterPosition, int limit, Instant dueBy) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(parked(incarnation, shard)));
        ScanPage page = query(incarnation, shard, "pk = :pk", null, values, limit, afterPosition);
        if (dueBy == null) {
            return page;
        }
        // No bound on the key: the read goes on to the first message not yet due, at most a page of them,
        // so the caller learns when to look again.
        List<StoredMessage> due = new ArrayList<>();
        for (StoredMessage m : page.items()) {
            if (dueOf(m.key()).isAfter(dueBy)) {
                return new ScanPage(due, null, dueOf(m.key()));
            }
            due.add(m);
        }
        return new ScanPage(due, page.lastEvaluatedId(), null);
    }

    private ScanPage query(
            String incarnation,
            int shard,
            String condition,
            String filter,
            Map<String, AttributeValue> values,
            int limit) {
        return query(incarnation, shard, condition, filter, values, limit, null);
    }

    private ScanPage query(
            String incarnation,
            int shard,
            String condition,
            String filter,
            Map<String, AttributeValue> values,
            int limit,
            String afterParked) {
        return call(() -> {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(tables.messages())
                    .keyConditionExpression(condition)
                    .filterExpression(filter)
                    .expressionAttributeValues(values)
                    .limit(limit);
            if (afterParked != null) {
                query.exclusiveStartKey(Map.of("pk", values.get(":pk"), "sk", s(afterParked)));
            }
            QueryResponse response = client.query(query.build());
            List<StoredMessage> items = response.items().stream()
                    .map(i -> toMessage(i, incarnation, shard))
                    .toList();
            String last = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey().get("sk").s()
                    : null;
            return new ScanPage(items, last);
        });
    }

    // ================================================================ leases

    @Override
    public boolean lease(StoredMessage read, String newToken, Instant visibleUntil, Instant now) {
        return leases.lease(read, newToken, visibleUntil, now);
    }

    @Override
    public Optional<MessageKey> leaseByParking(StoredMessage read, String newToken, Instant visibleUntil, Instant now) {
        return leases.leaseByParking(read, newToken, visibleUntil, now);
    }

    @Override
    public boolean park(StoredMessage read) {
        return leases.park(read);
    }

    @Override
    public LeaseOutcome delete(MessageKey key, String leaseToken) {
        return leases.delete(key, leaseToken);
    }

    @Override
    public LeaseOutcome changeVisibility(MessageKey key, String leaseToken, Instant visibleAt) {
        return leases.changeVisibility(key, leaseToken, visibleAt);
    }

    @Override
    public boolean move(StoredMessage read, StoredMessage copy, Instant now) {
        return leases.move(read, copy, now);
    }

    // ================================================================ reads and bulk writes

    @Override
    public QueueCounts counts(String incarnation) {
        beforeCounts.run();
        return counts.read(incarnation);
    }

    @Override
    public List<StoredMessage> dueParked(String incarnation, int shard, Instant now, int limit) {
        // every position due at or before now sorts below the due key of the next millisecond
        Map<String, AttributeValue> values =
                Map.of(":pk", s(parked(incarnation, shard)), ":due", s(MessageKey.dueKey(now.plusMillis(1))));
        return query(incarnation, shard, "pk = :pk AND sk < :due", null, values, limit)
                .items();
    }

    @Override
    public ScanPage newestWaiting(String incarnation, int shard, Instant since, int limit) {
        return call(() -> {
            QueryResponse response = client.query(r -> r.tableName(tables.messages())
                    .keyConditionExpression("pk = :pk AND sk >= :since")
                    .expressionAttributeValues(
                            Map.of(":pk", s(waiting(incarnation, shard)), ":since", s(MessageIds.lowestAt(since))))
                    .scanIndexForward(false)
                    .limit(limit));
            List<StoredMessage> items = response.items().stream()
                    .map(i -> toMessage(i, incarnation, shard))
                    .toList();
            String last = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey().get("sk").s()
                    : null;
            return new ScanPage(items, last);
        });
    }

    @Override
    public long deleteAll(String incarnation, int shards) {
        long removed = 0;
        List<String> partitions = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            partitions.addAll(
                    List.of(waiting(incarnation, shard), parked(incarnation, shard), notes(incarnation, shard)));
        }
        for (String pk : partitions) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = call(() -> client.query(r -> r.tableName(tables.messages())
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(pk)))
                        .projectionExpression("pk, sk")
                        .exclusiveStartKey(from)));
                deleteKeys(page.items());
                removed += page.count();
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }
        return removed;
    }

    @Override
    public void removeExpired(StoredMessage read, Instant now) {
        call(() -> {
            try {
                client.deleteItem(r -> r.tableName(tables.messages())
                        .key(messageKey(read.key()))
                        .conditionExpression(EXPIRES_AT + " <= :nowSec")
                        .expressionAttributeValues(Map.of(":nowSec", n(now.getEpochSecond()))));
            } catch (ConditionalCheckFailedException alreadyGone) {
                // removed by another receive, or by TTL
            }
            return null;
        });
    }

    @Override
    public long deleteExpired(Instant now) {
        return ExpiredItems.sweep(client, tables.messages(), now);
    }

    // ================================================================ single messages, receive attempts

    @Override
    public Optional<StoredMessage> get(MessageKey key) {
        return call(() -> {
            Map<String, AttributeValue> item = client.getItem(r ->
                            r.tableName(tables.messages()).key(messageKey(key)).consistentRead(true))
                    .item();
            return item == null || item.isEmpty()
                    ? Optional.empty()
                    : Optional.of(toMessage(item, key.incarnation(), key.shard()));
        });
    }

    @Override
    public void putReceiveAttempt(String incarnation, String attemptId, List<Lease> leases, Instant expiresAt) {
        attempts.put(incarnation, attemptId, leases, expiresAt);
    }

    @Override
    public Optional<List<Lease>> receiveAttempt(String incarnation, String attemptId, Instant now) {
        return attempts.get(incarnation, attemptId, now);
    }

    // ================================================================ message move tasks

    @Override
    public Optional<StoredMoveTask> createMoveTask(StoredMoveTask task, Instant expiresAt) {
        return moveTasks.create(task, expiresAt);
    }

    @Override
    public Optional<StoredMoveTask> runningMoveTask(String source) {
        return moveTasks.running(source);
    }

    @Override
    public List<String> sourcesWithRunningMoveTasks() {
        return moveTasks.sourcesWithRunning();
    }

    @Override
    public Optional<StoredMoveTask> moveTask(String source, String id) {
        return moveTasks.get(source, id);
    }

    @Override
    public void addMovedMessages(String source, String id, long moved) {
        moveTasks.addMoved(source, id, moved);
    }

    @Override
    public boolean endMoveTask(
            String source, String id, MoveTask.Status status, String failureReason, Instant expiresAt) {
        return moveTasks.end(source, id, status, failureReason, expiresAt);
    }

    @Override
    public List<StoredMoveTask> moveTasks(String source, String incarnation, int limit, Instant now) {
        return moveTasks.list(source, incarnation, limit, now);
    }

    private void deleteKeys(List<Map<String, AttributeValue>> keys) {
        List<WriteRequest> left = batchWrite(keys.stream()
                .map(k -> WriteRequest.builder()
                        .deleteRequest(DeleteRequest.builder().key(k).build())
                        .build())
                .toList());
        if (!left.isEmpty()) {
            throw new QueueException(
                    ErrorCode.THROTTLED,
                    "the store is busy; " + left.size() + " items were not deleted yet, retry shortly");
        }
    }

    /**
     * BatchWriteItem in chunks of 25, re-sending what DynamoDB left unprocessed with a growing pause;
     * answers what is not known to be written. When a call fails before anything was written, the
     * store's error is thrown instead.
     */
    private List<WriteRequest> batchWrite(List<WriteRequest> writes) {
        List<WriteRequest> unprocessed = new ArrayList<>();
        boolean wroteSome = false;
        for (int from = 0; from < writes.size(); from += BATCH_WRITE_MAX) {
            List<WriteRequest> pending = writes.subList(from, Math.min(writes.size(), from + BATCH_WRITE_MAX));
            for (int attempt = 0; !pending.isEmpty() && attempt <= BATCH_WRITE_RETRIES; attempt++) {
                if (attempt > 0) {
                    sleep(10L << attempt);
                }
                List<WriteRequest> chunk = pending;
                try {
                    BatchWriteItemResponse response =
                            call(() -> client.batchWriteItem(r -> r.requestItems(Map.of(tables.messages(), chunk))));
                    pending = response.hasUnprocessedItems()
                            ? response.unprocessedItems().getOrDefault(tables.messages(), List.of())
                            : List.of();
                    wroteSome |= pending.size() < chunk.size();
                } catch (QueueException e) {
                    if (!wroteSome) {
                        throw e;
                    }
                    unprocessed.addAll(pending);
                    unprocessed.addAll(writes.subList(Math.min(writes.size(), from + BATCH_WRITE_MAX), writes.size()));
                    return unprocessed;
                }
            }
            unprocessed.addAll(pending);
        }
        return unprocessed;
    }
}
