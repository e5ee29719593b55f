package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.local.LocalServer;
import dev.mq.store.FaultInjector;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history check under the failures a deployment sees: 5% of the server's DynamoDB calls fail
 * (throttled, 5xx, timed out, or applied with the answer lost) while consumers crash on 5% of their
 * messages. The client retries what is safe and deduplicates sends, so nothing answered OK may be lost.
 */
class HistoryTest {
    static final RetryPolicy PATIENT = new RetryPolicy(12, Duration.ofMillis(50), Duration.ofSeconds(1));
    static FaultInjector faults;
    static LocalServer server;
    static MqClient client;

    @BeforeAll
    static void start() throws Exception {
        faults = FaultInjector.all(0.05, 42);
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null, faults));
        client = MqClient.builder()
                .endpoint(server.baseUrl())
                .retryPolicy(PATIENT)
                .autoDeduplication(true)
                .build(); // every send carries an id, so the client retries it safely
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void standardQueue_underFaultsAndCrashingConsumers_losesNothing() throws Exception {
        String queue = create(TestServer.unique("history"));
        History history = LoadRun.run(
                client, queue, new LoadRun.Settings(4, 4, 60, 0.05, 2, Duration.ofSeconds(60)), acked -> {});

        History.Verdict verdict = history.check();
        System.out.println("standard queue under faults: " + History.describe(verdict) + ", faults injected: "
                + faults.injected());
        assertThat(verdict.ok()).as(History.describe(verdict).toString()).isTrue();
        assertThat(verdict.sent()).as("sends answered OK").isGreaterThan(200);
        assertThat(faults.injected()).as("faults really happened").isPositive();
        assertThat(verdict.crashes()).as("consumers really crashed").isPositive();
    }

    @Test
    void fifoQueue_underFaults_keepsEachGroupInOrder() throws Exception {
        String queue = create(TestServer.unique("history") + ".fifo");
        History history = LoadRun.run(
                client, queue, new LoadRun.Settings(3, 3, 40, 0.05, 2, Duration.ofSeconds(60)), acked -> {});

        History.Verdict verdict = history.check();
        System.out.println("FIFO queue under faults: " + History.describe(verdict));
        assertThat(verdict.ok()).as(History.describe(verdict).toString()).isTrue();
        assertThat(verdict.sent()).isGreaterThan(40);
    }

    private static String create(String name) {
        for (int attempt = 0; ; attempt++) {
            try {
                client.createQueue(name);
                return name;
            } catch (MqException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }
}
