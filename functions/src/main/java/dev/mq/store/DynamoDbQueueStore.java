package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;
import static dev.mq.store.StoreCalls.sleep;
import static dev.mq.store.StoreCalls.throwIfThrottled;

import dev.mq.core.MessageIds;
import dev.mq.core.MessageKey;
import dev.mq.core.Page;
import dev.mq.core.QueueConfig;
import dev.mq.core.QueueCounts;
import dev.mq.core.QueueStore;
import dev.mq.core.StoredMessage;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The one class that knows the DynamoDB item layout.
 *
 * <p>Messages table, key {@code pk} (S) + {@code sk} (S), three partitions per queue shard:
 * <ul>
 *   <li>waiting: {@code pk = <incarnation>#<shard>}, {@code sk = <id>} (time-ordered, given on arrival in
 *       the queue): messages that were visible when written, and the leases receives keep in place;</li>
 *   <li>parked: {@code pk = <incarnation>#<shard>#p}, {@code sk = <due millis, 13 digits>#<id>}: a standard
 *       queue's delayed messages and the leases that park, in the order they come due;</li>
 *   <li>lease notes: {@code pk = <incarnation>#<shard>#n}, {@code sk = <the position a lease left>}, the
 *       token of that lease and, when its holder moved the message, where to ({@code fwd}): so a handle
 *       whose lease a later receive took over is told {@code LeaseLost}, and one whose message its own
 *       visibility change moved still reaches it.</li>
 * </ul>
 * A message item holds body, attributes, visibleAt (ms), lease token, receive count, group, dedup id,
 * expiresAt (TTL, s), and {@code mid}, its messageId, only where that differs from its id (a message
 * that was moved to another queue), so a sent message's item carries no extra bytes.
 *
 * <p>Why parked messages have a partition of their own: a receive reads a shard from its head, and
 * DynamoDB charges for every item read, also those a filter then drops. With leased and delayed messages
 * in arrival order among the others, a receive read past every one of them (2,000 delayed messages made
 * a one-message receive cost ~250 read units). Now a receive reads the parked partition only up to the
 * present ({@code sk < now}) and the waiting partition from its head, and the hidden messages it reads
 * past there are the few leases kept in place within a budget (see {@code HiddenBudget}): its
 * reads grow with what it returns, not with what is in flight or delayed. A lease in place is one update
 * (1 write unit for 1 KB: send 1 + lease 1 + ack 1 = 3 a message); a lease that parks moves the message,
 * a put and a delete in one transaction (4 write units for 1 KB: 6 a message; without the transaction a
 * crash or a lost answer between the two writes left the message in both places, and the copy was
 * delivered again after the other was acked). A FIFO queue keeps every lease in place in the waiting
 * partition: its group order rests on arrival positions, so its receives still read past the in-flight
 * head of each group.
 *
 * <p>Deduplication record: {@code pk = <incarnation>#d#<dedupId>}, {@code sk = "d"}, the first message's
 * id and expiresAt at the end of the window.
 * Catalog table: {@code pk = "queue"}, {@code sk = <name>}, so a listing is one sorted query; beside
 * them, under {@code pk = "counts"}, each queue incarnation's message counts ({@link MessageCounts}).
 * Every item carries {@code v}, the layout version: 2 since parking, 3 since messages are counted from
 * the table's stream ({@link MessageCounts}; layout 3 items are laid out as layout 2's, and only they are
 * counted). Items of layout 1 are read as they are; a standard queue's messages found hidden in the
 * waiting partition (in flight or delayed when layout 1 wrote them) are read past like leases kept in
 * place, and parked, with a note so their handles follow, by a receive that finds more than its budget.
 */
public final class DynamoDbQueueStore implements QueueStore {
    static final String EXPIRES_AT = "expiresAt";
    static final String LAYOUT_VERSION = Integer.toString(MessageCounts.COUNTED_FROM_LAYOUT);
    private static final String QUEUE_PK = "queue";
    private static final int BATCH_WRITE_MAX = 25;
    private static final int BATCH_WRITE_RETRIES = 6;
    /** A handle follows at most this many moves its holder made (each a visibility change made sooner). */
    private static final int MAX_NOTE_HOPS = 8;

    // ---- the conditions, one per invariant

    /** A lease is taken only from a visible, unexpired message whose lease is still the one read. */
    private static final String LEASE_FROM_READ =
            "visibleAt <= :now AND expiresAt > :nowSec AND ";
    private static final String NEVER_LEASED = "attribute_not_exists(lease)";
    private static final String SAME_LEASE_AS_READ = "lease = :read";
    /** Ack and visibility change act only for the current lease. */
    private static final String CURRENT_LEASE = "lease = :token";
    private static final String NEW_ITEM = "attribute_not_exists(pk)";
    /** A change applies to the incarnation and version it was made from. */
    private static final String SAME_VERSION = "inc = :inc AND ver = :ver";

    private final DynamoDbClient client;
    private final Tables tables;
    private final MessageCounts counts;
    private final Runnable beforeCounts;

    public DynamoDbQueueStore(DynamoDbClient client, Tables tables) {
        this(client, tables, () -> { });
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
    }

    // ================================================================ catalog

    @Override
    public Optional<QueueConfig> getQueue(String name) {
        return call(() -> {
            Map<String, AttributeValue> item = client.getItem(r -> r.tableName(tables.catalog())
                    .key(queueKey(name)).consistentRead(true)).item();
            return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toQueue(item));
        });
    }

    @Override
    public Optional<QueueConfig> createQueue(QueueConfig config) {
        return call(() -> {
            try {
                client.putItem(r -> r.tableName(tables.catalog()).item(fromQueue(config))
                        .conditionExpression(NEW_ITEM)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return Optional.empty();
            } catch (ConditionalCheckFailedException exists) {
                return exists.hasItem() ? Optional.of(toQueue(exists.item())) : getQueue(config.name());
            }
        });
    }

    @Override
    public boolean updateQueue(QueueConfig config) {
        return call(() -> {
            try {
                client.putItem(r -> r.tableName(tables.catalog()).item(fromQueue(config))
                        .conditionExpression(SAME_VERSION)
                        .expressionAttributeValues(Map.of(":inc", s(config.incarnation()),
                                ":ver", n(config.version() - 1))));
                return true;
            } catch (ConditionalCheckFailedException changedOrGone) {
                return false;
            }
        });
    }

    @Override
    public Optional<QueueConfig> deleteQueue(String name) {
        return call(() -> {
            Map<String, AttributeValue> old = client.deleteItem(r -> r.tableName(tables.catalog())
                    .key(queueKey(name)).returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD))
                    .attributes();
            return old == null || old.isEmpty() ? Optional.empty() : Optional.of(toQueue(old));
        });
    }

    @Override
    public Page<QueueConfig> listQueues(String prefix, int limit, String afterName) {
        return CatalogPages.list(client, tables.catalog(), QUEUE_PK, prefix, limit, afterName,
                DynamoDbQueueStore::toQueue, QueueConfig::name);
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
        return item;
    }

    private static QueueConfig toQueue(Map<String, AttributeValue> item) {
        QueueAttributes attributes = new QueueAttributes(
                integer(item, "vt"), integer(item, "ret"), integer(item, "delay"), integer(item, "wait"),
                integer(item, "maxBytes"), integer(item, "dedupWin"), item.get("cbd").bool(),
                item.containsKey("dlq") ? item.get("dlq").s() : null,
                item.containsKey("mrc") ? integer(item, "mrc") : null);
        return new QueueConfig(item.get("sk").s(), item.get("fifo").bool(),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())), item.get("inc").s(),
                integer(item, "shards"), attributes, item.containsKey("ver") ? Long.parseLong(item.get("ver").n()) : 0);
    }

    // ================================================================ messages

    @Override
    public void put(StoredMessage message) {
        call(() -> client.putItem(r -> r.tableName(tables.messages()).item(fromMessage(message))));
    }

    @Override
    public Set<String> putAll(List<StoredMessage> messages) {
        List<WriteRequest> writes = messages.stream()
                .map(m -> WriteRequest.builder().putRequest(PutRequest.builder().item(fromMessage(m)).build()).build())
                .toList();
        Set<String> unwritten = batchWrite(writes).stream().map(w -> w.putRequest().item().get("sk").s())
                .collect(Collectors.toSet());
        return messages.stream().filter(m -> unwritten.contains(m.key().position())).map(StoredMessage::messageId)
                .collect(Collectors.toSet());
    }

    @Override
    public Optional<String> putDeduplicated(StoredMessage message, String dedupId, Instant dedupExpiresAt,
                                            Instant now) {
        return DedupWrites.put(client, tables.messages(), fromMessage(message), message.messageId(),
                dedupKey(message.key().incarnation(), dedupId), dedupExpiresAt, now);
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

    private ScanPage query(String incarnation, int shard, String condition, String filter,
                           Map<String, AttributeValue> values, int limit) {
        return query(incarnation, shard, condition, filter, values, limit, null);
    }

    private ScanPage query(String incarnation, int shard, String condition, String filter,
                           Map<String, AttributeValue> values, int limit, String afterParked) {
        return call(() -> {
            QueryRequest.Builder query = QueryRequest.builder().tableName(tables.messages())
                    .keyConditionExpression(condition).filterExpression(filter)
                    .expressionAttributeValues(values).limit(limit);
            if (afterParked != null) {
                query.exclusiveStartKey(Map.of("pk", values.get(":pk"), "sk", s(afterParked)));
            }
            QueryResponse response = client.query(query.build());
            List<StoredMessage> items = response.items().stream().map(i -> toMessage(i, incarnation, shard)).toList();
            String last = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey().get("sk").s() : null;
            return new ScanPage(items, last);
        });
    }

    @Override
    public boolean lease(StoredMessage read, String newToken, Instant visibleUntil, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSec", n(now.getEpochSecond()));
        values.put(":until", n(visibleUntil.toEpochMilli()));
        values.put(":token", s(newToken));
        values.put(":rc", n(read.receiveCount() + 1));
        String condition = LEASE_FROM_READ + leaseAsRead(read, values);
        return call(() -> {
            try {
                client.updateItem(r -> r.tableName(tables.messages()).key(messageKey(read.key()))
                        .updateExpression("SET visibleAt = :until, lease = :token, rc = :rc, "
                                + "firstRecv = if_not_exists(firstRecv, :now)")
                        .conditionExpression(condition)
                        .expressionAttributeValues(values));
                return true;
            } catch (ConditionalCheckFailedException taken) {
                return false;
            }
        });
    }

    @Override
    public Optional<MessageKey> leaseByParking(StoredMessage read, String newToken, Instant visibleUntil,
                                               Instant now) {
        MessageKey to = MessageKey.parked(read.key().incarnation(), read.key().shard(), visibleUntil, read.key().id());
        StoredMessage leased = read.leased(to, newToken, visibleUntil, now);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSec", n(now.getEpochSecond()));
        String asRead = LEASE_FROM_READ + leaseAsRead(read, values);
        Map<String, AttributeValue> takeover = read.leaseToken() == null ? null
                : note(read.key(), read.leaseToken(), null, read.expiresAt());
        return relocate(read.key(), asRead, values, fromMessage(leased), takeover) ? Optional.of(to) : Optional.empty();
    }

    @Override
    public boolean park(StoredMessage read) {
        MessageKey to = MessageKey.parked(read.key().incarnation(), read.key().shard(), read.visibleAt(), read.key().id());
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":visibleAt", n(read.visibleAt().toEpochMilli()));
        String unchanged = "visibleAt = :visibleAt AND " + leaseAsRead(read, values);
        Map<String, AttributeValue> forward = read.leaseToken() == null ? null
                : note(read.key(), read.leaseToken(), to, read.expiresAt());
        return relocate(read.key(), unchanged, values, fromMessage(read.placed(to, read.visibleAt())), forward);
    }

    /**
     * Moves a message in one transaction: the new item is put where nothing is, the old one deleted under
     * {@code condition} (the step that decides who wins a race), and, where the move leaves a receipt
     * handle behind, its lease note is written, all or nothing. So a move never leaves the message in two
     * places (one of which a crash or a lost answer would otherwise deliver again, even after an ack) nor
     * in none. A transaction costs twice the write units of the same writes made one by one: 4 for a 1 KB
     * message, where an update in place costs 1; that is the price of receives that do not read past what
     * is in flight or delayed. A lost answer is settled by sending the same transaction again: its
     * client token makes DynamoDB apply it at most once.
     *
     * @param note the lease note to write with the move (see {@link #note}), or null
     * @return false when the condition failed: another receive, an ack or a visibility change came first
     */
    private boolean relocate(MessageKey from, String condition, Map<String, AttributeValue> values,
                             Map<String, AttributeValue> copy, Map<String, AttributeValue> note) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(p -> p.tableName(tables.messages()).item(copy)
                .conditionExpression(NEW_ITEM)).build());
        if (note != null) {
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(tables.messages()).item(note)).build());
        }
        writes.add(TransactWriteItem.builder().delete(d -> d.tableName(tables.messages()).key(messageKey(from))
                .conditionExpression(condition).expressionAttributeValues(values)).build());
        String token = java.util.UUID.randomUUID().toString();
        for (int attempt = 1; ; attempt++) {
            try {
                return call(() -> {
                    try {
                        client.transactWriteItems(r -> r.transactItems(writes).clientRequestToken(token));
                        return true;
                    } catch (TransactionCanceledException e) {
                        throwIfThrottled(e);
                        return false;
                    }
                });
            } catch (QueueException unknown) {
                if (unknown.code() == ErrorCode.THROTTLED || attempt >= 3) {
                    throw unknown; // applied or not, the message is in exactly one place
                }
                sleep(10L << attempt);
            }
        }
    }

    /**
     * The note that the lease {@code token} left {@code position}: taken over by another receive, or moved
     * by its holder to {@code forward}.
     */
    private static Map<String, AttributeValue> note(MessageKey position, String token, MessageKey forward,
                                                    Instant messageExpiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(noteKey(position));
        item.put("v", n(LAYOUT_VERSION));
        item.put("lease", s(token));
        if (forward != null) {
            item.put("fwd", s(forward.position()));
        }
        item.put(EXPIRES_AT, n(messageExpiresAt.getEpochSecond()));
        return item;
    }

    /** Where a handle's lease went when its position is empty: moved on by its holder, or taken over. */
    private Optional<LeaseOutcome> followNote(MessageKey key, String token, java.util.function.Function<MessageKey, LeaseOutcome> retry,
                                              int hops) {
        Map<String, AttributeValue> note = call(() -> client.getItem(r -> r.tableName(tables.messages())
                .key(noteKey(key)).consistentRead(true)).item());
        if (note == null || note.isEmpty() || !token.equals(str(note, "lease"))) {
            return Optional.empty();
        }
        if (!note.containsKey("fwd")) {
            return Optional.of(LeaseOutcome.LEASE_LOST);
        }
        if (hops >= MAX_NOTE_HOPS) {
            return Optional.empty();
        }
        return Optional.of(retry.apply(new MessageKey(key.incarnation(), key.shard(), note.get("fwd").s())));
    }

    @Override
    public LeaseOutcome delete(MessageKey key, String leaseToken) {
        return delete(key, leaseToken, 0);
    }

    private LeaseOutcome delete(MessageKey key, String leaseToken, int hops) {
        LeaseOutcome outcome = call(() -> {
            try {
                client.deleteItem(r -> r.tableName(tables.messages()).key(messageKey(key))
                        .conditionExpression(CURRENT_LEASE)
                        .expressionAttributeValues(Map.of(":token", s(leaseToken)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return LeaseOutcome.DONE;
            } catch (ConditionalCheckFailedException e) {
                return failedLease(e);
            }
        });
        if (outcome != LeaseOutcome.GONE) {
            return outcome;
        }
        return followNote(key, leaseToken, next -> delete(next, leaseToken, hops + 1), hops).orElse(LeaseOutcome.GONE);
    }

    @Override
    public LeaseOutcome changeVisibility(MessageKey key, String leaseToken, Instant visibleAt) {
        return changeVisibility(key, leaseToken, visibleAt, 0);
    }

    private LeaseOutcome changeVisibility(MessageKey key, String leaseToken, Instant visibleAt, int hops) {
        LeaseOutcome outcome = key.isParked() && visibleAt.isBefore(dueOf(key))
                ? parkSooner(key, leaseToken, visibleAt)
                : changeInPlace(key, leaseToken, visibleAt);
        if (outcome != LeaseOutcome.GONE) {
            return outcome;
        }
        return followNote(key, leaseToken, next -> changeVisibility(next, leaseToken, visibleAt, hops + 1), hops)
                .orElse(LeaseOutcome.GONE);
    }

    /**
     * A later visibility stays in place: the message keeps its position, and with it its handle, at the
     * price that receives read past it once its first due time has passed (until it is acked or due).
     */
    private LeaseOutcome changeInPlace(MessageKey key, String leaseToken, Instant visibleAt) {
        return call(() -> {
            try {
                client.updateItem(r -> r.tableName(tables.messages()).key(messageKey(key))
                        .updateExpression("SET visibleAt = :visibleAt")
                        .conditionExpression(CURRENT_LEASE)
                        .expressionAttributeValues(Map.of(":token", s(leaseToken),
                                ":visibleAt", n(visibleAt.toEpochMilli())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return LeaseOutcome.DONE;
            } catch (ConditionalCheckFailedException e) {
                return failedLease(e);
            }
        });
    }

    /** A sooner visibility must move the message to where receives look at that time; a note forwards the handle. */
    private LeaseOutcome parkSooner(MessageKey key, String leaseToken, Instant visibleAt) {
        Map<String, AttributeValue> item = call(() -> client.getItem(r -> r.tableName(tables.messages())
                .key(messageKey(key)).consistentRead(true)).item());
        if (item == null || item.isEmpty()) {
            return LeaseOutcome.GONE;
        }
        StoredMessage current = toMessage(item, key.incarnation(), key.shard());
        if (!leaseToken.equals(current.leaseToken())) {
            return LeaseOutcome.LEASE_LOST;
        }
        MessageKey to = MessageKey.parked(key.incarnation(), key.shard(), visibleAt, key.id());
        boolean moved = relocate(key, CURRENT_LEASE, new HashMap<>(Map.of(":token", s(leaseToken))),
                fromMessage(current.placed(to, visibleAt)), note(key, leaseToken, to, current.expiresAt()));
        return moved ? LeaseOutcome.DONE : LeaseOutcome.LEASE_LOST; // taken over (or acked) since the read
    }

    /** A failed lease condition: no item means the message is gone, another lease means it was taken over. */
    private static LeaseOutcome failedLease(ConditionalCheckFailedException e) {
        return e.hasItem() && !e.item().isEmpty() ? LeaseOutcome.LEASE_LOST : LeaseOutcome.GONE;
    }

    private static Instant dueOf(MessageKey parkedKey) {
        return Instant.ofEpochMilli(Long.parseLong(parkedKey.position().substring(0, parkedKey.position().indexOf('#'))));
    }

    @Override
    public boolean move(StoredMessage read, StoredMessage copy, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSec", n(now.getEpochSecond()));
        String condition = LEASE_FROM_READ + leaseAsRead(read, values);
        TransactWriteItem remove = TransactWriteItem.builder().delete(d -> d.tableName(tables.messages())
                .key(messageKey(read.key())).conditionExpression(condition).expressionAttributeValues(values)).build();
        TransactWriteItem add = TransactWriteItem.builder().put(p -> p.tableName(tables.messages())
                .item(fromMessage(copy)).conditionExpression(NEW_ITEM)).build();
        return call(() -> {
            try {
                client.transactWriteItems(r -> r.transactItems(remove, add));
                return true;
            } catch (TransactionCanceledException e) {
                throwIfThrottled(e);
                return false; // the source changed (leased, acked, moved) or a concurrent move won
            }
        });
    }

    @Override
    public QueueCounts counts(String incarnation) {
        beforeCounts.run();
        return counts.read(incarnation);
    }

    @Override
    public List<StoredMessage> dueParked(String incarnation, int shard, Instant now, int limit) {
        // every position due at or before now sorts below the due key of the next millisecond
        Map<String, AttributeValue> values = Map.of(":pk", s(parked(incarnation, shard)),
                ":due", s(MessageKey.dueKey(now.plusMillis(1))));
        return query(incarnation, shard, "pk = :pk AND sk < :due", null, values, limit).items();
    }

    @Override
    public ScanPage newestWaiting(String incarnation, int shard, Instant since, int limit) {
        return call(() -> {
            QueryResponse response = client.query(r -> r.tableName(tables.messages())
                    .keyConditionExpression("pk = :pk AND sk >= :since")
                    .expressionAttributeValues(Map.of(":pk", s(waiting(incarnation, shard)),
                            ":since", s(MessageIds.lowestAt(since))))
                    .scanIndexForward(false).limit(limit));
            List<StoredMessage> items = response.items().stream().map(i -> toMessage(i, incarnation, shard)).toList();
            String last = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey().get("sk").s() : null;
            return new ScanPage(items, last);
        });
    }

    @Override
    public long deleteAll(String incarnation, int shards) {
        long removed = 0;
        List<String> partitions = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            partitions.addAll(List.of(waiting(incarnation, shard), parked(incarnation, shard), notes(incarnation, shard)));
        }
        for (String pk : partitions) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = call(() -> client.query(r -> r.tableName(tables.messages())
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                        .projectionExpression("pk, sk").exclusiveStartKey(from)));
                deleteKeys(page.items());
                removed += page.count();
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        return removed;
    }

    @Override
    public void removeExpired(StoredMessage read, Instant now) {
        call(() -> {
            try {
                client.deleteItem(r -> r.tableName(tables.messages()).key(messageKey(read.key()))
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

    private void deleteKeys(List<Map<String, AttributeValue>> keys) {
        List<WriteRequest> left = batchWrite(keys.stream()
                .map(k -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build())
                .toList());
        if (!left.isEmpty()) {
            throw new QueueException(ErrorCode.THROTTLED, "the store is busy; " + left.size()
                    + " items were not deleted yet, retry shortly");
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
                    BatchWriteItemResponse response = call(() -> client.batchWriteItem(
                            r -> r.requestItems(Map.of(tables.messages(), chunk))));
                    pending = response.hasUnprocessedItems()
                            ? response.unprocessedItems().getOrDefault(tables.messages(), List.of()) : List.of();
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

    private static String leaseAsRead(StoredMessage read, Map<String, AttributeValue> values) {
        if (read.leaseToken() == null) {
            return NEVER_LEASED;
        }
        values.put(":read", s(read.leaseToken()));
        return SAME_LEASE_AS_READ;
    }

    private static String waiting(String incarnation, int shard) {
        return incarnation + "#" + shard;
    }

    private static String parked(String incarnation, int shard) {
        return incarnation + "#" + shard + "#p";
    }

    private static String notes(String incarnation, int shard) {
        return incarnation + "#" + shard + "#n";
    }

    private static Map<String, AttributeValue> messageKey(MessageKey key) {
        String pk = key.isParked() ? parked(key.incarnation(), key.shard()) : waiting(key.incarnation(), key.shard());
        return Map.of("pk", s(pk), "sk", s(key.position()));
    }

    private static Map<String, AttributeValue> noteKey(MessageKey leftBehind) {
        return Map.of("pk", s(notes(leftBehind.incarnation(), leftBehind.shard())), "sk", s(leftBehind.position()));
    }

    private static Map<String, AttributeValue> dedupKey(String incarnation, String dedupId) {
        return Map.of("pk", s(incarnation + "#d#" + dedupId), "sk", s("d"));
    }

    private static Map<String, AttributeValue> fromMessage(StoredMessage m) {
        Map<String, AttributeValue> item = new HashMap<>(messageKey(m.key()));
        item.put("v", n(LAYOUT_VERSION));
        if (!m.messageId().equals(m.key().id())) {
            item.put("mid", s(m.messageId()));
        }
        item.put("body", s(m.body()));
        if (!m.attributes().isEmpty()) {
            Map<String, AttributeValue> attrs = new HashMap<>();
            m.attributes().forEach((k, v) -> attrs.put(k, s(v)));
            item.put("attrs", AttributeValue.fromM(attrs));
        }
        item.put("sentAt", n(m.sentAt().toEpochMilli()));
        item.put("visibleAt", n(m.visibleAt().toEpochMilli()));
        if (m.leaseToken() != null) {
            item.put("lease", s(m.leaseToken()));
        }
        item.put("rc", n(m.receiveCount()));
        if (m.firstReceivedAt() != null) {
            item.put("firstRecv", n(m.firstReceivedAt().toEpochMilli()));
        }
        if (m.groupId() != null) {
            item.put("grp", s(m.groupId()));
        }
        if (m.deduplicationId() != null) {
            item.put("dedup", s(m.deduplicationId()));
        }
        if (m.sourceQueue() != null) {
            item.put("src", s(m.sourceQueue()));
        }
        item.put(EXPIRES_AT, n(m.expiresAt().getEpochSecond()));
        return item;
    }

    private static StoredMessage toMessage(Map<String, AttributeValue> item, String incarnation, int shard) {
        Map<String, String> attributes = new HashMap<>();
        if (item.containsKey("attrs")) {
            item.get("attrs").m().forEach((k, v) -> attributes.put(k, v.s()));
        }
        MessageKey key = new MessageKey(incarnation, shard, item.get("sk").s());
        return new StoredMessage(key, item.containsKey("mid") ? item.get("mid").s() : key.id(), item.get("body").s(),
                Map.copyOf(attributes), millis(item, "sentAt"), millis(item, "visibleAt"), str(item, "lease"),
                integer(item, "rc"), item.containsKey("firstRecv") ? millis(item, "firstRecv") : null,
                str(item, "grp"), str(item, "dedup"),
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())), str(item, "src"));
    }

    // ================================================================ plumbing

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static int integer(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    private static Instant millis(Map<String, AttributeValue> item, String name) {
        return Instant.ofEpochMilli(Long.parseLong(item.get(name).n()));
    }
}
