package dev.mq.testing;

import dev.mq.store.MessageCounts;
import dev.mq.store.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What the counter's event source mapping does in AWS, on demand: reads the messages table's stream in
 * DynamoDB Local from where it left off and counts what is new. Given to the store as the step before
 * counts are read, stats in tests are exact at once, as on the local server.
 */
public final class CountsFeed {
    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final MessageCounts counts;
    /** Per shard, the last record counted. */
    private final Map<String, String> positions = new HashMap<>();

    public CountsFeed(LocalDynamoDb db, Tables tables) {
        this.streams = db.streams();
        this.streamArn = db.client()
                .describeTable(r -> r.tableName(tables.messages()))
                .table()
                .latestStreamArn();
        this.counts = new MessageCounts(db.client(), tables);
    }

    /** Counts every record written since the last catch-up or read, as one batch. */
    public synchronized void catchUp() {
        List<MessageCounts.Change> batch = read();
        if (!batch.isEmpty()) {
            counts.count(batch, Instant.now());
        }
    }

    /** Hands {@code changes} to the counter as one batch: new ones, or a batch delivered again. */
    public void count(List<MessageCounts.Change> changes) {
        counts.count(changes, Instant.now());
    }

    /** Reads the records written since the last catch-up or read, without counting them. */
    public synchronized List<MessageCounts.Change> read() {
        List<MessageCounts.Change> now = new ArrayList<>();
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn))
                .streamDescription()
                .shards()) {
            String iterator = iterator(shard.shardId());
            while (iterator != null) {
                String from = iterator;
                GetRecordsResponse page =
                        streams.getRecords(r -> r.shardIterator(from).limit(1000));
                if (page.records().isEmpty()) {
                    break;
                }
                page.records().stream().map(CountsFeed::change).forEach(now::add);
                positions.put(
                        shard.shardId(),
                        page.records().get(page.records().size() - 1).dynamodb().sequenceNumber());
                iterator = page.nextShardIterator();
            }
        }
        return now;
    }

    private String iterator(String shardId) {
        String after = positions.get(shardId);
        for (int attempt = 1; ; attempt++) {
            try {
                return streams.getShardIterator(r -> {
                            r.streamArn(streamArn).shardId(shardId);
                            if (after == null) {
                                r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                            } else {
                                r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                        .sequenceNumber(after);
                            }
                        })
                        .shardIterator();
            } catch (TrimmedDataAccessException freshStream) {
                if (attempt >= 3) {
                    throw freshStream; // DynamoDB Local's new streams answer this for a moment
                }
            }
        }
    }

    private static MessageCounts.Change change(Record record) {
        return new MessageCounts.Change(
                record.dynamodb().sequenceNumber(),
                record.dynamodb().hasOldImage() ? record.dynamodb().oldImage() : null,
                record.dynamodb().hasNewImage() ? record.dynamodb().newImage() : null);
    }
}
