package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.MessageKey;
import dev.mq.core.QueueCounts;
import dev.mq.core.StoredMessage.MessageState;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Per-queue message counts kept from the messages table's stream, so that stats and metrics read one small
 * item instead of every message.
 *
 * <p>Counts item, in the catalog table: {@code pk = "counts"}, {@code sk = <queue incarnation>}, {@code vis},
 * {@code inf}, {@code del}: the messages counted visible, in flight and delayed (see
 * {@link QueueCounts#countedAs}), and per message partition ({@code <shard>} or {@code <shard>#p}) the
 * sequence number of the last stream record counted from it ({@code seq <partition>}). A queue deleted
 * and created again has a new incarnation, so it starts from no counts; the old item expires.
 *
 * <p>Each stream record of a message item (one with a {@code body}) counts its old image -1 and its new
 * image +1, so an insert adds one, a removal (ack, purge, TTL) takes one away, a lease that parks a
 * message (put + delete) moves one between states, and a change in place moves one when its state
 * changes. A batch of records costs one UpdateItem (ADD) per queue incarnation in it, never one per message.
 * Items written before counting began (layout version below {@link #COUNTED_FROM_LAYOUT}) are counted
 * neither when written nor when removed, so they never make a count drift; they are left out until they
 * are moved (a lease writes them anew) or gone.
 *
 * <p>Delivered twice: Lambda and the local poller hand a batch again when its handler failed or stopped
 * before its checkpoint, and may start it later than before (after a record that failed). Records of
 * one partition always come from one stream shard (a split's children after their parent), in
 * sequence order, so an update adds only records newer than the partition's stored sequence number, and
 * is conditional on that: when a retried batch's records were counted already, the failed condition
 * answers the stored numbers (at no extra read) and the update is made again with only the newer ones.
 * A retry therefore changes nothing it counted before, whatever part of the batch that was.
 */
public final class MessageCounts {
    static final String PK = "counts";
    /** Message items of this layout version and later are counted. */
    static final int COUNTED_FROM_LAYOUT = 3;
    /**
     * A counts item no record touched for this long is removed by TTL: by then every message it counted
     * has expired (retention is at most a year, a delivery time at most a retention period ahead).
     */
    private static final Duration KEEP_UNTOUCHED = Duration.ofDays(2 * 366 + 2);
    /** Sequence numbers are decimal strings of up to 40 digits; padded, they compare as text. */
    private static final int SEQUENCE_DIGITS = 40;

    private static final int MAX_ATTEMPTS = 5;

    /**
     * One stream record of the messages table.
     *
     * @param oldImage the item before, or null; new image likewise. Only {@code pk}, {@code sk}, {@code v},
     *     {@code rc}, {@code visibleAt} and whether there is a {@code body} are read.
     */
    public record Change(
            String sequenceNumber, Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage) {}

    private final DynamoDbClient client;
    private final Tables tables;

    public MessageCounts(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    /** The counts of a queue incarnation; none before its first counted record. */
    public QueueCounts read(String incarnation) {
        Map<String, AttributeValue> item =
                call(() -> client.getItem(r -> r.tableName(tables.catalog()).key(key(incarnation)))
                        .item());
        if (item == null || item.isEmpty()) {
            return QueueCounts.NONE;
        }
        return new QueueCounts(number(item, "vis"), number(item, "inf"), number(item, "del"));
    }

    /**
     * Counts a batch of records (in stream order) with one update per queue incarnation in it.
     *
     * @param now when: the counts item of an incarnation expires {@link #KEEP_UNTOUCHED} after its last record
     */
    public void count(List<Change> changes, Instant now) {
        Map<String, List<Counted>> byIncarnation = new LinkedHashMap<>();
        for (Change change : changes) {
            String sequence = pad(change.sequenceNumber());
            counted(change.oldImage(), -1, sequence, byIncarnation);
            counted(change.newImage(), +1, sequence, byIncarnation);
        }
        byIncarnation.forEach((incarnation, counted) -> apply(incarnation, counted, now));
    }

    /** One image's part: {@code sign} in {@code state}, from record {@code sequence} of {@code partition}. */
    private record Counted(String partition, String sequence, MessageState state, int sign) {}

    private static void counted(
            Map<String, AttributeValue> image, int sign, String sequence, Map<String, List<Counted>> byIncarnation) {
        if (image == null
                || !image.containsKey("body")
                || !image.containsKey("pk")
                || !image.containsKey("sk")
                || layout(image) < COUNTED_FROM_LAYOUT) {
            return; // lease notes, dedup records, and messages written before counting began
        }
        String pk = image.get("pk").s();
        int hash = pk.indexOf('#');
        if (hash < 0) {
            return;
        }
        String incarnation = pk.substring(0, hash);
        String partition = pk.substring(hash + 1);
        boolean parked = partition.endsWith("#p");
        int shard;
        try {
            shard = Integer.parseInt(parked ? partition.substring(0, partition.length() - 2) : partition);
        } catch (NumberFormatException notAMessagePartition) {
            return;
        }
        MessageKey key = new MessageKey(incarnation, shard, image.get("sk").s());
        if (key.isParked() != parked) {
            return;
        }
        MessageState state =
                QueueCounts.countedAs(key, Instant.ofEpochMilli(number(image, "visibleAt")), (int) number(image, "rc"));
        byIncarnation
                .computeIfAbsent(incarnation, i -> new ArrayList<>())
                .add(new Counted(partition, sequence, state, sign));
    }

    private void apply(String incarnation, List<Counted> counted, Instant now) {
        Map<String, String> done = Map.of();
        for (int attempt = 1; ; attempt++) {
            Map<String, String> countedBefore = done;
            List<Counted> fresh = counted.stream()
                    .filter(c -> c.sequence().compareTo(countedBefore.getOrDefault(c.partition(), "")) > 0)
                    .toList();
            if (fresh.isEmpty()) {
                return;
            }
            Map<String, AttributeValue> countedAlready = update(incarnation, fresh, now);
            if (countedAlready == null) {
                return;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new QueueException(
                        ErrorCode.UNAVAILABLE,
                        "the counts of " + incarnation
                                + " changed under every attempt to count a batch; it is counted again on retry");
            }
            done = sequences(countedAlready);
        }
    }

    /**
     * ADDs the records' counts and sets each partition's last sequence number, if none of them was counted;
     * answers null then, or else the item as it is (which says what was counted).
     */
    private Map<String, AttributeValue> update(String incarnation, List<Counted> counted, Instant now) {
        long[] delta = new long[MessageState.values().length];
        Map<String, String> first = new HashMap<>();
        Map<String, String> last = new HashMap<>();
        for (Counted c : counted) {
            delta[c.state().ordinal()] += c.sign();
            first.putIfAbsent(c.partition(), c.sequence());
            last.put(c.partition(), c.sequence());
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":vis", n(delta[MessageState.VISIBLE.ordinal()]));
        values.put(":inf", n(delta[MessageState.IN_FLIGHT.ordinal()]));
        values.put(":del", n(delta[MessageState.DELAYED.ordinal()]));
        values.put(":v", n(COUNTED_FROM_LAYOUT));
        values.put(":ttl", n(now.plus(KEEP_UNTOUCHED).getEpochSecond()));
        List<String> conditions = new ArrayList<>();
        StringBuilder set = new StringBuilder("SET v = :v, expiresAt = :ttl");
        int i = 0;
        for (String partition : last.keySet()) {
            String name = "#s" + i;
            names.put(name, sequenceAttribute(partition));
            values.put(":f" + i, s(first.get(partition)));
            values.put(":l" + i, s(last.get(partition)));
            conditions.add("(attribute_not_exists(" + name + ") OR " + name + " < :f" + i + ")");
            set.append(", ").append(name).append(" = :l").append(i);
            i++;
        }
        return call(() -> {
            try {
                client.updateItem(r -> r.tableName(tables.catalog())
                        .key(key(incarnation))
                        .updateExpression(set + " ADD vis :vis, inf :inf, del :del")
                        .conditionExpression(String.join(" AND ", conditions))
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return null;
            } catch (ConditionalCheckFailedException countedBefore) {
                return countedBefore.hasItem() ? countedBefore.item() : Map.of();
            }
        });
    }

    private static Map<String, String> sequences(Map<String, AttributeValue> item) {
        Map<String, String> found = new HashMap<>();
        if (item != null) {
            item.forEach((name, value) -> {
                if (name.startsWith(SEQUENCE_PREFIX)) {
                    found.put(name.substring(SEQUENCE_PREFIX.length()), value.s());
                }
            });
        }
        return found;
    }

    private static final String SEQUENCE_PREFIX = "seq ";

    private static String sequenceAttribute(String partition) {
        return SEQUENCE_PREFIX + partition;
    }

    private static String pad(String sequenceNumber) {
        return "0".repeat(Math.max(0, SEQUENCE_DIGITS - sequenceNumber.length())) + sequenceNumber;
    }

    private static Map<String, AttributeValue> key(String incarnation) {
        return Map.of("pk", s(PK), "sk", s(incarnation));
    }

    private static int layout(Map<String, AttributeValue> image) {
        AttributeValue v = image.get("v");
        return v == null || v.n() == null ? 1 : Integer.parseInt(v.n());
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
