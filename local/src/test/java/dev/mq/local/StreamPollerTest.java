package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The poller against DynamoDB Local's real stream, with handlers that record what they were given:
 * Lambda's batch-failure semantics, whole-batch failures, and checkpoints across a poller restart.
 */
class StreamPollerTest {
    private static EmbeddedDynamoDb dynamoDb;
    private Tables tables;

    @BeforeAll
    static void startDynamoDb() throws Exception {
        dynamoDb = EmbeddedDynamoDb.start(null);
    }

    @AfterAll
    static void stopDynamoDb() {
        dynamoDb.close();
    }

    @BeforeEach
    void freshTables() {
        tables = Tables.withPrefix("t" + UUID.randomUUID().toString().substring(0, 8));
        TableSetup.createIfMissing(dynamoDb.client(), tables);
    }

    /** What a handler was given: one entry per invocation, the {@code pk}s of its records in order. */
    private static final class Recorder implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Long> times = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
        /** pk → how many times it fails before it succeeds. */
        final Map<String, Integer> failTimes = new ConcurrentHashMap<>();

        volatile int throwTimes;

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            List<String> pks = event.getRecords().stream()
                    .map(r -> r.getDynamodb().getKeys().get("pk").getS())
                    .toList();
            batches.add(pks);
            times.add(System.nanoTime());
            pks.forEach(pk -> seen.merge(pk, 1, Integer::sum));
            if (throwTimes > 0) {
                throwTimes--;
                throw new IllegalStateException("the handler fails (as planned by the test)");
            }
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
                String pk = record.getDynamodb().getKeys().get("pk").getS();
                Integer left = failTimes.get(pk);
                if (left != null && left > 0) {
                    failTimes.put(pk, left - 1);
                    failures.add(new StreamsEventResponse.BatchItemFailure(
                            record.getDynamodb().getSequenceNumber()));
                }
            }
            return new StreamsEventResponse(failures);
        }

        int times(String pk) {
            return seen.getOrDefault(pk, 0);
        }
    }

    @Test
    void batchItemFailure_retriesFromTheFailedRecord_withAGrowingPause_andNeverRepeatsThoseBefore() throws Exception {
        Recorder handler = new Recorder();
        handler.failTimes.put("r3", 2);
        try (StreamPoller poller = start(handler)) {
            putAll("r1", "r2", "r3", "r4", "r5");

            await(() -> poller.recordsHandled() == 5);

            assertThat(handler.times("r1")).isEqualTo(1);
            assertThat(handler.times("r2")).isEqualTo(1);
            assertThat(handler.times("r3"))
                    .as("the failed record, in %s", handler.batches)
                    .isEqualTo(3);
            List<Integer> withR3 = new ArrayList<>();
            for (int i = 0; i < handler.batches.size(); i++) {
                if (handler.batches.get(i).contains("r3")) {
                    withR3.add(i);
                }
            }
            // the retries start at the failed record, a growing pause apart
            assertThat(handler.batches.get(withR3.get(1)).get(0)).isEqualTo("r3");
            assertThat(handler.batches.get(withR3.get(2)).get(0)).isEqualTo("r3");
            long firstPause = handler.times.get(withR3.get(1)) - handler.times.get(withR3.get(0));
            long secondPause = handler.times.get(withR3.get(2)) - handler.times.get(withR3.get(1));
            assertThat(Duration.ofNanos(firstPause)).isGreaterThanOrEqualTo(StreamPoller.FIRST_RETRY);
            assertThat(Duration.ofNanos(secondPause)).isGreaterThanOrEqualTo(StreamPoller.FIRST_RETRY.multipliedBy(2));
            // every record got through
            assertThat(handler.seen.keySet()).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5");
        }
    }

    @Test
    void handlerThatThrows_failsTheWholeBatch_andThePollerCarriesOn() throws Exception {
        Recorder handler = new Recorder();
        handler.throwTimes = 2;
        try (StreamPoller poller = start(handler)) {
            putAll("a1");

            await(() -> poller.recordsHandled() == 1);

            assertThat(handler.times("a1")).isEqualTo(3);

            putAll("a2");
            await(() -> poller.recordsHandled() == 2);
            assertThat(handler.times("a2")).isEqualTo(1);
        }
    }

    @Test
    void newPoller_resumesAfterTheCheckpoint_ofTheOneBefore() throws Exception {
        Recorder before = new Recorder();
        try (StreamPoller poller = start(before)) {
            putAll("c1", "c2", "c3");
            await(() -> poller.recordsHandled() == 3);
        }

        Recorder after = new Recorder();
        try (StreamPoller poller = start(after)) {
            putAll("c4");
            await(() -> poller.recordsHandled() == 1);
            Thread.sleep(500); // time for anything read again to show

            assertThat(after.seen).isEqualTo(Map.of("c4", 1));
            assertThat(before.seen).isEqualTo(Map.of("c1", 1, "c2", 1, "c3", 1));
        }
    }

    @Test
    void batchedPoller_catchesUpAtOnceWhenAsked_thoughItReadsTheStreamOnlyEveryFewSeconds() throws Exception {
        Recorder handler = new Recorder();
        try (StreamPoller poller = StreamPoller.start(
                dynamoDb.streams(),
                dynamoDb.client(),
                tables.topicLog(),
                tables.catalog(),
                handler,
                "mq-counts",
                StreamPoller.Pacing.BATCHED)) {
            assertThat(poller.awaitCaughtUp(Duration.ofSeconds(4)))
                    .as("nothing written yet")
                    .isTrue();
            putAll("w1", "w2");

            // the round that hands the writes over is busy; the quiet round that confirms it follows at once
            // rather than after the pacing's pause (5 s)
            assertThat(poller.awaitCaughtUp(Duration.ofSeconds(4))).isTrue();
            assertThat(handler.seen).isEqualTo(Map.of("w1", 1, "w2", 1));
        }
    }

    private StreamPoller start(Recorder handler) {
        return StreamPoller.start(dynamoDb.streams(), dynamoDb.client(), tables.topicLog(), tables.catalog(), handler);
    }

    private void putAll(String... pks) {
        for (String pk : pks) {
            dynamoDb.client()
                    .putItem(r -> r.tableName(tables.topicLog())
                            .item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("m"))));
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s for the poller").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
