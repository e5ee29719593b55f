package dev.mq.store;

import static dev.mq.store.Conditions.CURRENT_LEASE;
import static dev.mq.store.Conditions.LEASE_FROM_READ;
import static dev.mq.store.Conditions.NEVER_LEASED;
import static dev.mq.store.Conditions.NEW_ITEM;
import static dev.mq.store.Conditions.SAME_LEASE_AS_READ;
import static dev.mq.store.MessageItems.dueOf;
import static dev.mq.store.MessageItems.fromMessage;
import static dev.mq.store.MessageItems.messageKey;
import static dev.mq.store.MessageItems.note;
import static dev.mq.store.MessageItems.noteKey;
import static dev.mq.store.MessageItems.str;
import static dev.mq.store.MessageItems.toMessage;
import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;
import static dev.mq.store.StoreCalls.sleep;
import static dev.mq.store.StoreCalls.throwIfThrottled;

import dev.mq.core.MessageKey;
import dev.mq.core.QueueStore.LeaseOutcome;
import dev.mq.core.StoredMessage;
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
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The writes that decide who holds a message: leases (in place, or parking the message until the lease
 * ends), parking, moves to another queue, and the ack and visibility change of a lease, which follow
 * the lease notes a move leaves behind. Each is conditional on what was read ({@link Conditions}).
 */
final class LeaseWrites {
    /** A handle follows at most this many moves its holder made (each a visibility change made sooner). */
    private static final int MAX_NOTE_HOPS = 8;

    private final DynamoDbClient client;
    private final Tables tables;

    LeaseWrites(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    boolean lease(StoredMessage read, String newToken, Instant visibleUntil, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSec", n(now.getEpochSecond()));
        values.put(":until", n(visibleUntil.toEpochMilli()));
        values.put(":token", s(newToken));
        values.put(":rc", n(read.receiveCount() + 1));
        String condition = LEASE_FROM_READ + leaseAsRead(read, values);
        return call(() -> {
            try {
                client.updateItem(r -> r.tableName(tables.messages())
                        .key(messageKey(read.key()))
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

    Optional<MessageKey> leaseByParking(StoredMessage read, String newToken, Instant visibleUntil, Instant now) {
        MessageKey to = MessageKey.parked(
                read.key().incarnation(),
                read.key().shard(),
                visibleUntil,
                read.key().id());
        StoredMessage leased = read.leased(to, newToken, visibleUntil, now);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSec", n(now.getEpochSecond()));
        String asRead = LEASE_FROM_READ + leaseAsRead(read, values);
        Map<String, AttributeValue> takeover =
                read.leaseToken() == null ? null : note(read.key(), read.leaseToken(), null, read.expiresAt());
        return relocate(read.key(), asRead, values, fromMessage(leased), takeover) ? Optional.of(to) : Optional.empty();
    }

    boolean park(StoredMessage read) {
        MessageKey to = MessageKey.parked(
                read.key().incarnation(),
                read.key().shard(),
                read.visibleAt(),
                read.key().id());
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":visibleAt", n(read.visibleAt().toEpochMilli()));
        String unchanged = "visibleAt = :visibleAt AND " + leaseAsRead(read, values);
        Map<String, AttributeValue> forward =
                read.leaseToken() == null ? null : note(read.key(), read.leaseToken(), to, read.expiresAt());
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
    private boolean relocate(
            MessageKey from,
            String condition,
            Map<String, AttributeValue> values,
            Map<String, AttributeValue> copy,
            Map<String, AttributeValue> note) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder()
                .put(p -> p.tableName(tables.messages()).item(copy).conditionExpression(NEW_ITEM))
                .build());
        if (note != null) {
            writes.add(TransactWriteItem.builder()
                    .put(p -> p.tableName(tables.messages()).item(note))
                    .build());
        }
        writes.add(TransactWriteItem.builder()
                .delete(d -> d.tableName(tables.messages())
                        .key(messageKey(from))
                        .conditionExpression(condition)
                        .expressionAttributeValues(values))
                .build());
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

    /** Where a handle's lease went when its position is empty: moved on by its holder, or taken over. */
    private Optional<LeaseOutcome> followNote(
            MessageKey key, String token, java.util.function.Function<MessageKey, LeaseOutcome> retry, int hops) {
        Map<String, AttributeValue> note = call(() -> client.getItem(
                        r -> r.tableName(tables.messages()).key(noteKey(key)).consistentRead(true))
                .item());
        if (note == null || note.isEmpty() || !token.equals(str(note, "lease"))) {
            return Optional.empty();
        }
        if (!note.containsKey("fwd")) {
            return Optional.of(LeaseOutcome.LEASE_LOST);
        }
        if (hops >= MAX_NOTE_HOPS) {
            return Optional.empty();
        }
        return Optional.of(retry.apply(
                new MessageKey(key.incarnation(), key.shard(), note.get("fwd").s())));
    }

    LeaseOutcome delete(MessageKey key, String leaseToken) {
        return delete(key, leaseToken, 0);
    }

    private LeaseOutcome delete(MessageKey key, String leaseToken, int hops) {
        LeaseOutcome outcome = call(() -> {
            try {
                client.deleteItem(r -> r.tableName(tables.messages())
                        .key(messageKey(key))
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
        return followNote(key, leaseToken, next -> delete(next, leaseToken, hops + 1), hops)
                .orElse(LeaseOutcome.GONE);
    }

    LeaseOutcome changeVisibility(MessageKey key, String leaseToken, Instant visibleAt) {
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
                client.updateItem(r -> r.tableName(tables.messages())
                        .key(messageKey(key))
                        .updateExpression("SET visibleAt = :visibleAt")
                        .conditionExpression(CURRENT_LEASE)
                        .expressionAttributeValues(
                                Map.of(":token", s(leaseToken), ":visibleAt", n(visibleAt.toEpochMilli())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return LeaseOutcome.DONE;
            } catch (ConditionalCheckFailedException e) {
                return failedLease(e);
            }
        });
    }

    /** A sooner visibility must move the message to where receives look at that time; a note forwards the handle. */
    private LeaseOutcome parkSooner(MessageKey key, String leaseToken, Instant visibleAt) {
        Map<String, AttributeValue> item = call(() -> client.getItem(
                        r -> r.tableName(tables.messages()).key(messageKey(key)).consistentRead(true))
                .item());
        if (item == null || item.isEmpty()) {
            return LeaseOutcome.GONE;
        }
        StoredMessage current = toMessage(item, key.incarnation(), key.shard());
        if (!leaseToken.equals(current.leaseToken())) {
            return LeaseOutcome.LEASE_LOST;
        }
        MessageKey to = MessageKey.parked(key.incarnation(), key.shard(), visibleAt, key.id());
        boolean moved = relocate(
                key,
                CURRENT_LEASE,
                new HashMap<>(Map.of(":token", s(leaseToken))),
                fromMessage(current.placed(to, visibleAt)),
                note(key, leaseToken, to, current.expiresAt()));
        return moved ? LeaseOutcome.DONE : LeaseOutcome.LEASE_LOST; // taken over (or acked) since the read
    }

    /** A failed lease condition: no item means the message is gone, another lease means it was taken over. */
    private static LeaseOutcome failedLease(ConditionalCheckFailedException e) {
        return e.hasItem() && !e.item().isEmpty() ? LeaseOutcome.LEASE_LOST : LeaseOutcome.GONE;
    }

    boolean move(StoredMessage read, StoredMessage copy, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(now.toEpochMilli()));
        values.put(":nowSec", n(now.getEpochSecond()));
        String condition = LEASE_FROM_READ + leaseAsRead(read, values);
        TransactWriteItem remove = TransactWriteItem.builder()
                .delete(d -> d.tableName(tables.messages())
                        .key(messageKey(read.key()))
                        .conditionExpression(condition)
                        .expressionAttributeValues(values))
                .build();
        TransactWriteItem add = TransactWriteItem.builder()
                .put(p -> p.tableName(tables.messages()).item(fromMessage(copy)).conditionExpression(NEW_ITEM))
                .build();
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

    private static String leaseAsRead(StoredMessage read, Map<String, AttributeValue> values) {
        if (read.leaseToken() == null) {
            return NEVER_LEASED;
        }
        values.put(":read", s(read.leaseToken()));
        return SAME_LEASE_AS_READ;
    }
}
