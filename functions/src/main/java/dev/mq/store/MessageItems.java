package dev.mq.store;

import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.MessageKey;
import dev.mq.core.StoredMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item layout of queue messages, the one place that maps a {@link StoredMessage} to DynamoDB and
 * back ({@link DynamoDbQueueStore} reads and writes them, {@link LeaseWrites} moves them).
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
 * A message item holds body, attributes ({@code attrs}), the types of those not of plain {@code String}
 * ({@code atypes}, only when there are such: an item without it, as every item written before types,
 * has only {@code String} attributes), visibleAt (ms), lease token, receive count, group, dedup id,
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
 * id and expiresAt at the end of the window. Receive attempt record (FIFO): {@code pk =
 * <incarnation>#r#<attemptId>}, {@code sk = "r"} ({@link ReceiveAttemptItems}).
 * Catalog table: the queues ({@link QueueCatalogItems}), and beside them, under {@code pk = "counts"}, each queue incarnation's message counts ({@link MessageCounts}),
 * and message move tasks ({@link MoveTaskItems}).
 * Every item carries {@code v}, the layout version: 2 since parking, 3 since messages are counted from
 * the table's stream ({@link MessageCounts}; layout 3 items are laid out as layout 2's, and only they are
 * counted). Items of layout 1 are read as they are; a standard queue's messages found hidden in the
 * waiting partition (in flight or delayed when layout 1 wrote them) are read past like leases kept in
 * place, and parked, with a note so their handles follow, by a receive that finds more than its budget.
 */
final class MessageItems {
    static final String EXPIRES_AT = DynamoDbQueueStore.EXPIRES_AT;
    static final String LAYOUT_VERSION = DynamoDbQueueStore.LAYOUT_VERSION;

    private MessageItems() {}

    static String waiting(String incarnation, int shard) {
        return incarnation + "#" + shard;
    }

    static String parked(String incarnation, int shard) {
        return incarnation + "#" + shard + "#p";
    }

    static String notes(String incarnation, int shard) {
        return incarnation + "#" + shard + "#n";
    }

    static Map<String, AttributeValue> messageKey(MessageKey key) {
        String pk = key.isParked() ? parked(key.incarnation(), key.shard()) : waiting(key.incarnation(), key.shard());
        return Map.of("pk", s(pk), "sk", s(key.position()));
    }

    static Map<String, AttributeValue> noteKey(MessageKey leftBehind) {
        return Map.of("pk", s(notes(leftBehind.incarnation(), leftBehind.shard())), "sk", s(leftBehind.position()));
    }

    static Map<String, AttributeValue> dedupKey(String incarnation, String dedupId) {
        return Map.of("pk", s(incarnation + "#d#" + dedupId), "sk", s("d"));
    }

    static Map<String, AttributeValue> fromMessage(StoredMessage m) {
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
        if (!m.attributeTypes().isEmpty()) {
            Map<String, AttributeValue> types = new HashMap<>();
            m.attributeTypes().forEach((k, v) -> types.put(k, s(v)));
            item.put("atypes", AttributeValue.fromM(types));
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

    static StoredMessage toMessage(Map<String, AttributeValue> item, String incarnation, int shard) {
        Map<String, String> attributes = new HashMap<>();
        if (item.containsKey("attrs")) {
            item.get("attrs").m().forEach((k, v) -> attributes.put(k, v.s()));
        }
        Map<String, String> attributeTypes = new HashMap<>();
        if (item.containsKey("atypes")) {
            item.get("atypes").m().forEach((k, v) -> attributeTypes.put(k, v.s()));
        }
        MessageKey key = new MessageKey(incarnation, shard, item.get("sk").s());
        return new StoredMessage(
                key,
                item.containsKey("mid") ? item.get("mid").s() : key.id(),
                item.get("body").s(),
                Map.copyOf(attributes),
                millis(item, "sentAt"),
                millis(item, "visibleAt"),
                str(item, "lease"),
                integer(item, "rc"),
                item.containsKey("firstRecv") ? millis(item, "firstRecv") : null,
                str(item, "grp"),
                str(item, "dedup"),
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())),
                str(item, "src"),
                Map.copyOf(attributeTypes));
    }

    /**
     * The note that the lease {@code token} left {@code position}: taken over by another receive, or moved
     * by its holder to {@code forward}.
     */
    static Map<String, AttributeValue> note(
            MessageKey position, String token, MessageKey forward, Instant messageExpiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(noteKey(position));
        item.put("v", n(LAYOUT_VERSION));
        item.put("lease", s(token));
        if (forward != null) {
            item.put("fwd", s(forward.position()));
        }
        item.put(EXPIRES_AT, n(messageExpiresAt.getEpochSecond()));
        return item;
    }

    static Instant dueOf(MessageKey parkedKey) {
        return Instant.ofEpochMilli(Long.parseLong(
                parkedKey.position().substring(0, parkedKey.position().indexOf('#'))));
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static int integer(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    static Instant millis(Map<String, AttributeValue> item, String name) {
        return Instant.ofEpochMilli(Long.parseLong(item.get(name).n()));
    }
}
