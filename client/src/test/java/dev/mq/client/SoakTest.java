package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mq.local.LocalServer;
import dev.mq.store.FaultInjector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak, run on demand: 8 producers and 8 consumers against a local server on loopback for
 * {@code -Dmq.soak.minutes} minutes (optionally with {@code -Dmq.soak.faults=0.02} of DynamoDB calls
 * failing), printing throughput every 10 s and ending with the history check's verdict:
 * <pre>mvn -q -DskipTests install && mvn -pl client test -Dtest=SoakTest -Dmq.soak.minutes=5</pre>
 * CI runs the short form of the same check (HistoryTest).
 */
class SoakTest {
    @Test
    void soak() throws Exception {
        String minutes = System.getProperty("mq.soak.minutes");
        assumeTrue(minutes != null, "a soak runs on demand: -Dmq.soak.minutes=5 [-Dmq.soak.faults=0.02]");
        double faultRate = Double.parseDouble(System.getProperty("mq.soak.faults", "0"));
        FaultInjector faults = faultRate > 0 ? FaultInjector.all(faultRate, 7) : null;
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null, faults))) {
            MqClient client = MqClient.builder()
                    .endpoint(server.baseUrl())
                    .retryPolicy(new RetryPolicy(12, Duration.ofMillis(50), Duration.ofSeconds(1)))
                    .autoDeduplication(true)
                    .build(); // every send carries an id, so the client retries it safely
            client.createQueue("soak");
            long start = System.nanoTime();
            AtomicLong last = new AtomicLong();
            AtomicLong lastReport = new AtomicLong(start);
            History history = LoadRun.run(
                    client,
                    "soak",
                    new LoadRun.Settings(8, 8, 0, 0.02, 5, Duration.ofMinutes(2), Duration.ofMinutes((long)
                            Double.parseDouble(minutes))),
                    acked -> {
                        long now = System.nanoTime();
                        if (now - lastReport.get() >= 10_000_000_000L) {
                            double seconds = (now - lastReport.getAndSet(now)) / 1e9;
                            System.out.printf(
                                    "[%4.0fs] %,d acked, %.0f msg/s%n",
                                    (now - start) / 1e9, acked, (acked - last.getAndSet(acked)) / seconds);
                        }
                    });
            History.Verdict verdict = history.check();
            System.out.println("soak verdict: " + History.describe(verdict)
                    + (faults == null ? "" : ", faults injected: " + faults.injected()));
            assertThat(verdict.ok()).as(History.describe(verdict).toString()).isTrue();
        }
    }
}
