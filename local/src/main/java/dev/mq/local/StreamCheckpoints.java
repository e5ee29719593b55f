package dev.mq.local;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * How far the stream poller got in each shard, kept in the catalog table beside queues and topics, so a
 * server restarted on the same data directory resumes after the last record it fanned out (and an
 * in-memory server keeps them exactly as long as the rest of its data).
 *
 * <p>Item: {@code pk = "checkpoint"}, {@code sk = "<streamArn>|<shardId>"}, {@code v = 1}, {@code seq} =
 * the sequence number of the last record fully handled (absent while none was), {@code ended = true}
 * once the shard is closed and read to its end, so a restart does not read it again. A second reader of
 * the same stream keeps its own: {@code sk = "<reader>|<streamArn>|<shardId>"} (stream ARNs begin with
 * {@code arn:}, so the first reader's keys never match another's prefix).
 */
final class StreamCheckpoints {
    static final String PK = "checkpoint";
    private static final int LAYOUT_VERSION = 1;

    /**
     * @param sequenceNumber the last record handled in the shard, or null when none was
     * @param ended          the shard is closed and everything in it was handled
     */
    record Checkpoint(String sequenceNumber, boolean ended) {}

    private final DynamoDbClient client;
    private final String table;
    /** Put before the stream ARN in every key; empty for the stream's first reader. */
    private final String readerPrefix;

    StreamCheckpoints(DynamoDbClient client, String table) {
        this(client, table, null);
    }

    /** @param reader names a further reader of a stream that another already checkpoints; null for the first */
    StreamCheckpoints(DynamoDbClient client, String table, String reader) {
        this.client = client;
        this.table = table;
        this.readerPrefix = reader == null ? "" : reader + "|";
    }

    /** Every checkpoint of the stream, by shard id. */
    Map<String, Checkpoint> load(String streamArn) {
        String prefix = readerPrefix + streamArn + "|";
        Map<String, Checkpoint> found = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(r -> r.tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(PK), ":prefix", s(prefix)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue seq = item.get("seq");
                AttributeValue ended = item.get("ended");
                found.put(
                        item.get("sk").s().substring(prefix.length()),
                        new Checkpoint(
                                seq == null ? null : seq.s(), ended != null && Boolean.TRUE.equals(ended.bool())));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return found;
    }

    void save(String streamArn, String shardId, Checkpoint checkpoint) {
        Map<String, AttributeValue> item = new HashMap<>(key(streamArn, shardId));
        item.put("v", AttributeValue.fromN(Integer.toString(LAYOUT_VERSION)));
        if (checkpoint.sequenceNumber() != null) {
            item.put("seq", s(checkpoint.sequenceNumber()));
        }
        if (checkpoint.ended()) {
            item.put("ended", AttributeValue.fromBool(true));
        }
        client.putItem(r -> r.tableName(table).item(item));
    }

    /** Forgets the checkpoint of a shard the stream no longer lists (its records are gone). */
    void delete(String streamArn, String shardId) {
        client.deleteItem(r -> r.tableName(table).key(key(streamArn, shardId)));
    }

    private Map<String, AttributeValue> key(String streamArn, String shardId) {
        return Map.of("pk", s(PK), "sk", s(readerPrefix + streamArn + "|" + shardId));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
