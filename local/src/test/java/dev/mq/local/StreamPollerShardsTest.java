package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Shard lineage, which a running server meets every four hours when DynamoDB Local rolls its shards
 * over: DynamoDB Local's embedded form can roll them at will, so a parent is read to its end before its
 * child, and a restart neither reads an ended shard again nor skips what a parent still held.
 */
class StreamPollerShardsTest {
    private static final String LOG_TABLE = "log";
    private static final String CATALOG_TABLE = "catalog";

    private AmazonDynamoDBLocal dynamoDb;
    private DynamoDbClient client;

    @BeforeEach
    void start() {
        dynamoDb = DynamoDBEmbedded.create(true);
        client = dynamoDb.dynamoDbClient();
        create(CATALOG_TABLE, false);
        create(LOG_TABLE, true);
    }

    @AfterEach
    void stop() {
        dynamoDb.shutdownNow();
    }

    /** Every record's {@code pk} in the order the handler got them. */
    private static final class Recorder {
        final List<String> handled = Collections.synchronizedList(new ArrayList<>());

        StreamPoller start(AmazonDynamoDBLocal dynamoDb) {
            return StreamPoller.start(
                    dynamoDb.dynamoDbStreamsClient(),
                    dynamoDb.dynamoDbClient(),
                    LOG_TABLE,
                    CATALOG_TABLE,
                    (event, context) -> {
                        event.getRecords()
                                .forEach(r -> handled.add(
                                        r.getDynamodb().getKeys().get("pk").getS()));
                        return new StreamsEventResponse(List.of());
                    });
        }
    }

    @Test
    void rollover_parentIsReadToItsEndBeforeItsChild_andEachRecordOnce() throws Exception {
        Recorder recorder = new Recorder();
        try (StreamPoller poller = recorder.start(dynamoDb)) {
            put("p1", "p2");
            await(() -> poller.recordsHandled() == 2);

            dynamoDb.triggerShardRollovers();
            put("c1", "c2");
            await(() -> poller.recordsHandled() == 4);
            Thread.sleep(500);

            assertThat(recorder.handled).containsExactly("p1", "p2", "c1", "c2");
            assertThat(shards()).hasSize(2);
        }
    }

    @Test
    void restart_afterARollover_readsWhatTheParentStillHeldFirst_andNothingTwice() throws Exception {
        Recorder first = new Recorder();
        try (StreamPoller poller = first.start(dynamoDb)) {
            put("a1");
            await(() -> poller.recordsHandled() == 1);
        }
        // while no poller runs: one more record in the parent, a rollover, one in the child
        put("a2");
        dynamoDb.triggerShardRollovers();
        put("b1");

        Recorder second = new Recorder();
        try (StreamPoller poller = second.start(dynamoDb)) {
            await(() -> poller.recordsHandled() == 2);
            Thread.sleep(500);
            assertThat(second.handled).containsExactly("a2", "b1");
        }

        // and a third start finds both shards done: the parent ended, the child checkpointed
        Recorder third = new Recorder();
        try (StreamPoller poller = third.start(dynamoDb)) {
            put("b2");
            await(() -> poller.recordsHandled() == 1);
            Thread.sleep(500);
            assertThat(third.handled).containsExactly("b2");
        }
        assertThat(first.handled).containsExactly("a1");
    }

    private List<Shard> shards() {
        String arn = client.describeTable(r -> r.tableName(LOG_TABLE)).table().latestStreamArn();
        return dynamoDb.dynamoDbStreamsClient()
                .describeStream(r -> r.streamArn(arn))
                .streamDescription()
                .shards();
    }

    private void put(String... pks) {
        for (String pk : pks) {
            client.putItem(r -> r.tableName(LOG_TABLE)
                    .item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("m"))));
        }
    }

    private void create(String table, boolean stream) {
        client.createTable(r -> r.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> {
                    s.streamEnabled(stream);
                    if (stream) {
                        s.streamViewType(StreamViewType.NEW_IMAGE);
                    }
                })
                .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                .keySchema(
                        k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE)));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s for the poller").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
