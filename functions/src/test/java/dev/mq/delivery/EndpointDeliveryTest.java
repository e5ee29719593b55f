package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mq.core.BrowsedMessage;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.QueueService;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicService;
import dev.mq.handlers.Wire;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.DynamoDbTopicStore;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import dev.mq.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoint deliveries end to end inside the functions module: fan-out over DynamoDB Local puts a job in
 * the internal queue, the worker posts it to a real HTTP receiver on loopback. The clock is moved by
 * hand past each backoff, so retries need no sleeping; the HTTP is real.
 */
class EndpointDeliveryTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final byte[] RECEIPT_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String SECRET = "hook-secret";
    /** A small budget and base delay: three attempts, a second or two apart. */
    static final DeliveryWorker.Settings SETTINGS =
            new DeliveryWorker.Settings(Duration.ofSeconds(1), Duration.ofMinutes(15), 3, 0);

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    Tables tables;
    DynamoDbTopicStore topicStore;
    QueueService queues;
    TopicService topics;
    DeliveryWorker worker;
    Receiver receiver;

    @BeforeEach
    void fresh() throws IOException {
        tables = db.freshTables();
        topicStore = new DynamoDbTopicStore(db.client(), tables);
        Services services = Services.over(db.client(), tables)
                .clock(clock)
                .receiptKey(RECEIPT_KEY)
                .endpoints(new EndpointPolicy(true, false))
                .build();
        queues = services.queues();
        topics = services.topics();
        worker = new DeliveryWorker(topics, queues, new EndpointDeliverer(), SETTINGS);
        receiver = new Receiver();
        queues.createQueue("hook-dlq", QueueAttributes.defaults());
        topics.createTopic("orders");
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    // ---------------------------------------------------------------- the four cases of the issue

    @Test
    void failingTwiceThenSucceeding_isDeliveredExactlyOnce_withAValidSignatureEveryTime() throws Exception {
        subscribe("hook", receiver.url("/hook"));
        receiver.answer(500, 503);
        String messageId = publish("order 7 paid: 12,50 €", Map.of("type", "paid", "region", "eu-west"));

        assertThat(worker.pollOnce(0)).isEqualTo(1);
        assertThat(worker.pollOnce(0)).as("hidden for its backoff").isZero();
        clock.advance(Duration.ofSeconds(30));
        assertThat(roundsUntilIdle()).isEqualTo(2);

        assertThat(receiver.calls).hasSize(3).allSatisfy(call -> {
            assertThat(call.path()).isEqualTo("/hook");
            assertThat(call.signatureValid()).isTrue();
            assertThat(call.contentType()).isEqualTo("application/json");
        });
        assertThat(receiver.calls.stream().map(Call::body).distinct())
                .as("the same bytes every attempt")
                .hasSize(1);
        assertThat(receiver.calls).extracting(Call::status).containsExactly(500, 503, 200);

        JsonNode payload = Json.MAPPER.readTree(receiver.calls.get(2).body());
        assertThat(payload.get("topic").asText()).isEqualTo("orders");
        assertThat(payload.get("messageId").asText()).isEqualTo(messageId);
        assertThat(payload.get("body").asText()).isEqualTo("order 7 paid: 12,50 €");
        assertThat(Json.MAPPER.convertValue(payload.get("attributes"), Map.class))
                .isEqualTo(Map.of("type", "paid", "region", "eu-west"));
        assertThat(Instant.parse(payload.get("publishedAt").asText())).isBeforeOrEqualTo(clock.instant());
        assertThat(payload.size()).isEqualTo(5);

        assertThat(pendingJobs()).isEmpty();
        assertThat(queues.browse("hook-dlq", 10, null).items()).isEmpty();
    }

    @Test
    void alwaysFailing_goesToTheDeadLetterQueueAfterTheBudget_andTheJobIsGone() throws Exception {
        subscribe("hook", receiver.url("/hook"));
        receiver.answer(500, 500, 500, 500, 500);
        String messageId = publish("order 8", Map.of("type", "paid"));

        assertThat(roundsUntilIdle()).isEqualTo(3);

        assertThat(receiver.calls).hasSize(3);
        assertThat(pendingJobs()).isEmpty();
        List<BrowsedMessage> dead = queues.browse("hook-dlq", 10, null).items();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageId()).isEqualTo(messageId);
        assertThat(dead.get(0).body()).isEqualTo(receiver.calls.get(0).body());
        assertThat(dead.get(0).attributes())
                .isEqualTo(Map.of("topic", "orders", "subscription", "hook", "messageId", messageId));
    }

    @Test
    void aRedirect_isNotFollowed_andCountsAsAFailure() throws Exception {
        subscribe("hook", receiver.url("/hook"));
        receiver.redirectTo(receiver.url("/elsewhere"));
        publish("order 9", Map.of());

        assertThat(round()).isEqualTo(1);
        assertThat(receiver.calls).extracting(Call::path).containsExactly("/hook");
        assertThat(pendingJobs()).as("kept for a retry").hasSize(1);

        assertThat(roundsUntilIdle()).isEqualTo(2);
        assertThat(receiver.calls).extracting(Call::path).containsExactly("/hook", "/hook", "/hook");
        assertThat(queues.browse("hook-dlq", 10, null).items()).hasSize(1);
    }

    @Test
    void anEndpointThatNowResolvesToARefusedAddress_isNotCalled() throws Exception {
        // Subscribed while "localhost" was acceptable; by delivery time the check refuses loopback, as it
        // would refuse a public name that DNS now answers with a private address.
        subscribe("hook", receiver.url("/hook").replace("127.0.0.1", "localhost"));
        Services deployed = Services.over(db.client(), tables)
                .clock(clock)
                .receiptKey(RECEIPT_KEY)
                .endpoints(EndpointPolicy.deployed())
                .build();
        worker = new DeliveryWorker(deployed.topics(), deployed.queues(), new EndpointDeliverer(), SETTINGS);
        publish("order 10", Map.of());

        assertThat(roundsUntilIdle()).isEqualTo(3);

        assertThat(receiver.calls).isEmpty();
        assertThat(pendingJobs()).isEmpty();
        assertThat(queues.browse("hook-dlq", 10, null).items()).hasSize(1);
    }

    // ---------------------------------------------------------------- around them

    @Test
    void aReplayedFanOut_enqueuesOneJob_andTheEndpointGetsOnePost() throws Exception {
        subscribe("hook", receiver.url("/hook"));
        TopicMessage message = message("order 11", Map.of());
        topics.fanOut(List.of(message));
        topics.fanOut(List.of(message, message));

        assertThat(pendingJobs()).hasSize(1);
        assertThat(roundsUntilIdle()).isEqualTo(1);
        assertThat(receiver.calls).hasSize(1);
    }

    @Test
    void aJobWhoseSubscriptionWasDeleted_isDroppedWithoutACall() throws Exception {
        subscribe("hook", receiver.url("/hook"));
        publish("order 12", Map.of());
        topics.unsubscribe("orders", "hook");

        assertThat(roundsUntilIdle()).isEqualTo(1);
        assertThat(receiver.calls).isEmpty();
        assertThat(pendingJobs()).isEmpty();
    }

    @Test
    void withoutADeadLetterQueue_anUndeliverablePayloadIsDropped_afterTheBudget() throws Exception {
        topics.subscribe(
                "orders",
                "bare",
                Wire.subscriptionSpec(
                        "{\"endpoint\": \"" + receiver.url("/hook") + "\", \"secret\": \"" + SECRET + "\"}"));
        clock.advance(Duration.ofMillis(1));
        receiver.answer(500, 500, 500);
        publish("order 13", Map.of());

        assertThat(roundsUntilIdle()).isEqualTo(3);
        assertThat(pendingJobs()).isEmpty();
        assertThat(queues.browse("hook-dlq", 10, null).items()).isEmpty();
    }

    @Test
    void anUnreachableEndpoint_isRetried() throws Exception {
        receiver.close(); // nothing listens on its port any more
        subscribe("hook", receiver.url("/hook"));
        publish("order 14", Map.of());

        assertThat(round()).isEqualTo(1);
        assertThat(pendingJobs()).hasSize(1);
        assertThat(roundsUntilIdle()).isEqualTo(2);
        assertThat(queues.browse("hook-dlq", 10, null).items()).hasSize(1);
    }

    // ---------------------------------------------------------------- helpers

    private void subscribe(String name, String endpoint) {
        topics.subscribe(
                "orders",
                name,
                Wire.subscriptionSpec("{\"endpoint\": \"" + endpoint + "\", \"secret\": \"" + SECRET
                        + "\", \"deadLetterQueue\": \"hook-dlq\"}"));
        clock.advance(Duration.ofMillis(1)); // publish strictly after the subscription was created
    }

    private TopicMessage message(String body, Map<String, String> attributes) {
        String incarnation = topicStore.getTopic("orders").orElseThrow().incarnation();
        return new TopicMessage("orders", incarnation, "m-" + System.nanoTime(), body, attributes, clock.instant());
    }

    /** Fans a message out as the stream handler would; answers its id. */
    private String publish(String body, Map<String, String> attributes) {
        TopicMessage message = message(body, attributes);
        topics.fanOut(List.of(message));
        return message.messageId();
    }

    /** One round of the worker, then the clock moves past any backoff of this test's budget. */
    private int round() throws InterruptedException {
        int jobs = worker.pollOnce(0);
        clock.advance(Duration.ofSeconds(30));
        return jobs;
    }

    /** Rounds until one finds nothing due; answers how many jobs they took in all. */
    private int roundsUntilIdle() throws InterruptedException {
        int total = 0;
        for (int i = 0; i < 10; i++) {
            int jobs = round();
            if (jobs == 0) {
                return total;
            }
            total += jobs;
        }
        throw new AssertionError("the worker never ran out of jobs");
    }

    private List<BrowsedMessage> pendingJobs() {
        return queues.browse(TopicService.DELIVERY_QUEUE, 100, null).items();
    }

    record Call(String path, String body, String contentType, boolean signatureValid, int status) {}

    /** An HTTP receiver on loopback that checks each POST's signature and answers as told (200 after that). */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final Deque<Integer> statuses = new ArrayDeque<>();
        volatile String redirect;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        synchronized void answer(Integer... codes) {
            statuses.addAll(List.of(codes));
        }

        void redirectTo(String location) {
            redirect = location;
        }

        private void handle(HttpExchange exchange) throws IOException {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            int status;
            if (redirect != null && path.equals("/hook")) {
                exchange.getResponseHeaders().add("Location", redirect);
                status = 302;
            } else {
                synchronized (this) {
                    status = statuses.isEmpty() ? 200 : statuses.poll();
                }
            }
            calls.add(new Call(
                    path,
                    new String(raw, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    Signatures.verify(SECRET, raw, exchange.getRequestHeaders().getFirst("X-Signature")),
                    status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
