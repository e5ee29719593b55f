package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local server killed with SIGKILL in the middle of a load and started again on the same data
 * directory: clients ride it out on their retries, and the history check still finds nothing lost.
 */
class KillRestartTest {
    static final Path SERVER_JAR = Path.of("..", "local", "target", "mq-local.jar");

    @Test
    void serverKilledAndRestarted_midLoad_losesNothing(@TempDir Path data) throws Exception {
        assumeTrue(Files.isRegularFile(SERVER_JAR), "build the local server first: " + SERVER_JAR.toAbsolutePath());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server = start(data, port);
        try {
            MqClient client = MqClient.builder()
                    .endpoint("http://127.0.0.1:" + port)
                    .retryPolicy(new RetryPolicy(40, Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .autoDeduplication(true)
                    .build(); // every send carries an id, so the client retries it safely
            client.createQueue("orders");
            CompletableFuture<History> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return LoadRun.run(
                            client,
                            "orders",
                            new LoadRun.Settings(2, 2, 150, 0.05, 2, Duration.ofSeconds(90)),
                            acked -> {});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            Thread.sleep(3_000);
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close of the database
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            server = start(data, port);

            History.Verdict verdict = load.get(3, TimeUnit.MINUTES).check();
            System.out.println("killed and restarted mid-load: " + History.describe(verdict));
            assertThat(verdict.ok()).as(History.describe(verdict).toString()).isTrue();
            assertThat(verdict.sent()).isGreaterThan(100);
        } finally {
            server.destroyForcibly();
        }
    }

    private static Process start(Path data, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java,
                        "-jar",
                        SERVER_JAR.toString(),
                        "--data",
                        data.toString(),
                        "--port",
                        Integer.toString(port))
                .redirectErrorStream(true)
                .start();
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertThat(listening.await(60, TimeUnit.SECONDS))
                .as("the local server started")
                .isTrue();
        return process;
    }
}
