package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mq.delivery.Signatures;
import dev.mq.local.LocalServer;
import dev.mq.store.FaultInjector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history check with a push consumer instead of pollers, under the failures of {@link HistoryTest}:
 * 5% of the server's DynamoDB calls fail, and the endpoint consumer (a loopback HTTP server that checks
 * each event's signature) names 10% of its records in {@code batchItemFailures} and crashes on 5% of its
 * batches (answers 500, or drops the connection). A record the consumer did not name in a 2xx answer is
 * recorded as acked when the answer is sent; the server acks it afterwards, and when that ack does not
 * hold the message comes back on a new lease, which the history treats as a pull ack that failed.
 */
class PushHistoryTest {
    static final String SECRET = "history-secret";
    static FaultInjector faults;
    static LocalServer server;
    static MqClient client;

    @BeforeAll
    static void start() throws Exception {
        faults = FaultInjector.all(0.05, 17);
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null, faults));
        client = MqClient.builder()
                .endpoint(server.baseUrl())
                .retryPolicy(HistoryTest.PATIENT)
                .autoDeduplication(true)
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void standardQueue_pushConsumerUnderFaults_losesNothing() throws Exception {
        History.Verdict verdict = runWithPushConsumer(
                TestServer.unique("push-history"), new LoadRun.Settings(4, 0, 60, 0, 3, Duration.ofSeconds(60)));
        assertThat(verdict.sent()).as("sends answered OK").isGreaterThan(200);
    }

    @Test
    void fifoQueue_pushConsumerUnderFaults_keepsEachGroupInOrder() throws Exception {
        History.Verdict verdict = runWithPushConsumer(
                TestServer.unique("push-history") + ".fifo",
                new LoadRun.Settings(3, 0, 40, 0, 3, Duration.ofSeconds(60)));
        assertThat(verdict.sent()).isGreaterThan(40);
    }

    private static History.Verdict runWithPushConsumer(String queue, LoadRun.Settings settings) throws Exception {
        History history = new History();
        try (Endpoint endpoint = new Endpoint(history, queue.endsWith(".fifo"))) {
            retried(() -> client.createQueue(queue, Map.of("visibilityTimeoutSeconds", settings.visibilitySeconds())));
            retried(() -> client.putConsumer(
                    queue,
                    "history",
                    MqClient.Consumer.toEndpoint(endpoint.url(), SECRET)
                            .withBatchSize(10)
                            .withMaxConcurrency(4)));
            LoadRun.run(client, queue, settings, history, acked -> {});
            awaitQueueEmpty(queue, history, settings.drainLimit());

            History.Verdict verdict = history.check();
            System.out.println(queue + " with a push consumer under faults: " + History.describe(verdict)
                    + ", batches: " + endpoint.batches.get() + ", records failed: " + endpoint.recordsFailed.get()
                    + ", acks that did not hold: " + endpoint.acksNotHeld.get() + ", faults injected: "
                    + faults.injected());
            assertThat(endpoint.badSignatures.get())
                    .as("events with a bad signature")
                    .isZero();
            assertThat(verdict.ok()).as(History.describe(verdict).toString()).isTrue();
            assertThat(verdict.crashes()).as("the consumer really crashed").isPositive();
            assertThat(endpoint.recordsFailed.get()).as("records really failed").isPositive();
            assertThat(endpoint.acksNotHeld.get())
                    .as("each ack that did not hold is explained by an injected fault")
                    .isLessThanOrEqualTo((int) faults.injected());
            return verdict;
        }
    }

    /**
     * Every message acked by the history, and none left in the queue: an ack that did not hold would
     * bring its message back, so the run is over only when the queue is empty too.
     */
    private static void awaitQueueEmpty(String queue, History history, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (history.drained()
                        && client.browse(queue, 10, null).messages().isEmpty()) {
                    return;
                }
            } catch (MqException e) {
                // an injected fault beyond the retries: look again
            }
            Thread.sleep(200);
        }
    }

    private static void retried(Runnable call) {
        for (int attempt = 0; ; attempt++) {
            try {
                call.run();
                return;
            } catch (MqException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    /** The push consumer: records what it is handed and what it acks into the history. */
    static final class Endpoint implements AutoCloseable {
        static final ObjectMapper JSON = new ObjectMapper();
        final History history;
        final boolean fifo;
        final HttpServer http;
        final ExecutorService threads = Executors.newCachedThreadPool();
        final Random random = new Random(17);
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger recordsFailed = new AtomicInteger();
        final AtomicInteger acksNotHeld = new AtomicInteger();
        final AtomicInteger badSignatures = new AtomicInteger();

        Endpoint(History history, boolean fifo) throws IOException {
            this.history = history;
            this.fifo = fifo;
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", this::handle);
            http.setExecutor(threads);
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/consumer";
        }

        private void handle(HttpExchange exchange) throws IOException {
            long start = System.nanoTime();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if (!Signatures.verify(SECRET, raw, exchange.getRequestHeaders().getFirst(Signatures.HEADER))) {
                badSignatures.incrementAndGet();
                answer(exchange, 401, "");
                return;
            }
            int batch = batches.incrementAndGet();
            List<JsonNode> records = new ArrayList<>();
            JSON.readTree(raw).path("Records").forEach(records::add);
            for (JsonNode record : records) {
                String body = record.path("body").asText();
                if (history.isAcked(body)) {
                    history.ackDidNotHold(body); // back on a new lease after a 2xx answer
                    acksNotHeld.incrementAndGet();
                }
                history.delivered(body, start);
            }
            if (batch % 20 == 10) { // every 20th batch, 5%: the consumer crashes
                history.crashedOn(records.get(0).path("body").asText());
                if (batch % 40 == 10) {
                    answer(exchange, 500, "");
                    return;
                }
                throw new IOException("the consumer crashed"); // the server drops the connection
            }
            List<JsonNode> acked = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (JsonNode record : records) {
                boolean fails;
                synchronized (random) {
                    fails = random.nextDouble() < 0.10;
                }
                // FIFO: a failed record fails its group's later records too, as SQS asks of a handler
                if (fails || (fifo && !failures.isEmpty())) {
                    failures.add(record.path("messageId").asText());
                    recordsFailed.incrementAndGet();
                } else {
                    acked.add(record);
                }
            }
            StringBuilder response = new StringBuilder("{\"batchItemFailures\": [");
            for (int i = 0; i < failures.size(); i++) {
                response.append(i == 0 ? "" : ",")
                        .append("{\"itemIdentifier\": \"")
                        .append(failures.get(i))
                        .append("\"}");
            }
            long asked = System.nanoTime();
            answer(exchange, 200, response.append("]}").toString());
            for (JsonNode record : acked) {
                String group =
                        fifo ? record.path("attributes").path("MessageGroupId").asText() : null;
                history.acked(record.path("body").asText(), group, asked);
            }
        }

        private static void answer(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            http.stop(0);
            threads.shutdownNow();
        }
    }
}
