package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.mq.core.Consumer;
import dev.mq.core.ConsumerDirectory;
import dev.mq.core.QueueService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Push consumers on the local server, over real HTTP both ways: messages sent through the API reach an
 * endpoint consumer with nobody polling, woken by the messages table's stream and by the sweep. The
 * consumers come from a list kept by the test (the consumers API stores them elsewhere).
 */
class PushDeliveryLocalTest {
    static final String SECRET = "push-secret";
    /** Generous: the stream is read every 200 ms when quiet, the sweep runs every second. */
    static final Duration DEADLINE = Duration.ofSeconds(15);

    /** The test's consumers. */
    static final class Consumers implements ConsumerDirectory {
        final List<Consumer> list = new CopyOnWriteArrayList<>();
        volatile QueueService queues;

        void add(
                String queue, String name, String endpoint, int batchSize, int batchWindowSeconds, int maxConcurrency) {
            list.add(new Consumer(
                    queue,
                    name,
                    queues.queueConfig(queue).incarnation(),
                    null,
                    endpoint,
                    SECRET,
                    batchSize,
                    batchWindowSeconds,
                    maxConcurrency,
                    Instant.now()));
        }

        @Override
        public List<Consumer> consumersOf(String queue) {
            return list.stream().filter(c -> c.queue().equals(queue)).toList();
        }

        @Override
        public List<Consumer> all() {
            return List.copyOf(list);
        }
    }

    final Consumers consumers = new Consumers();
    LocalServer server;
    HttpTestClient http;
    PushEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, null, null), services -> {
            consumers.queues = services.queues();
            return consumers;
        });
        http = new HttpTestClient(server.baseUrl());
        endpoint = new PushEndpoint(SECRET);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        server.close();
    }

    @Test
    void aSentMessage_reachesItsEndpointConsumer_withoutAnyPoll_asAnEventThatReadsAsAnSQSEvent() throws Exception {
        createQueue("orders", "{}");
        consumers.add("orders", "worker", endpoint.url(), 10, 0, 5);

        String id = send("orders", "{\"body\": \"order 7 paid\", \"attributes\": {\"type\": \"paid\"}}");

        awaitTrue(() -> endpoint.calls.size() == 1);
        PushEndpoint.Call call = endpoint.calls.get(0);
        assertThat(call.signatureValid()).isTrue();
        SQSEvent.SQSMessage record = call.event().getRecords().get(0);
        assertThat(record.getMessageId()).isEqualTo(id);
        assertThat(record.getBody()).isEqualTo("order 7 paid");
        assertThat(record.getAttributes()).containsEntry("ApproximateReceiveCount", "1");
        assertThat(record.getMessageAttributes().get("type").getStringValue()).isEqualTo("paid");
        assertThat(record.getEventSource()).isEqualTo("mq");
        assertThat(record.getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:orders");
        awaitTrue(() -> browse("orders").isEmpty()); // acknowledged
    }

    @Test
    void aFailedBatch_comesBackAfterItsVisibilityTimeout_throughTheSweep_withReceiveCount2() throws Exception {
        createQueue("orders", "{\"visibilityTimeoutSeconds\": 1}");
        consumers.add("orders", "worker", endpoint.url(), 10, 0, 5);
        endpoint.answers =
                event -> endpoint.calls.isEmpty() ? new PushEndpoint.Answer(500, "", 0) : PushEndpoint.Answer.OK;

        send("orders", "{\"body\": \"retry me\"}");

        awaitTrue(() -> endpoint.calls.size() == 2);
        assertThat(endpoint.calls.get(1).event().getRecords().get(0).getAttributes())
                .containsEntry("ApproximateReceiveCount", "2");
        awaitTrue(() -> browse("orders").isEmpty());
    }

    @Test
    void aDelayedMessage_reachesTheConsumerWhenDue_throughTheSweep() throws Exception {
        createQueue("orders", "{}");
        consumers.add("orders", "worker", endpoint.url(), 10, 0, 5);

        send("orders", "{\"body\": \"later\", \"delaySeconds\": 1}");

        awaitTrue(() -> endpoint.bodies().contains("later"));
    }

    @Test
    void aBatchWindow_holdsALeasedBatchOpen_forMessagesSentMeanwhile() throws Exception {
        createQueue("orders", "{}");
        consumers.add("orders", "worker", endpoint.url(), 3, 20, 5);

        send("orders", "{\"body\": \"first\"}");
        awaitTrue(() -> states("orders").equals(List.of("inFlight"))); // leased, waiting in its window
        send("orders", "{\"body\": \"second\"}");
        send("orders", "{\"body\": \"third\"}");

        awaitTrue(() -> endpoint.calls.size() == 1);
        assertThat(endpoint.calls.get(0).bodies())
                .as("handed over once full")
                .containsExactly("first", "second", "third");
    }

    @Test
    void aBacklog_isDrainedByMaxConcurrencyBatchesAtOnce_neverMore() throws Exception {
        createQueue("orders", "{}");
        consumers.add("orders", "worker", endpoint.url(), 1, 0, 2);
        endpoint.answers = event -> PushEndpoint.Answer.slowly(100);
        StringBuilder batch = new StringBuilder("{\"messages\": [");
        for (int i = 0; i < 10; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"body\": \"m").append(i).append("\"}");
        }

        HttpResponse<String> sent =
                http.post("/v1/queues/orders/messages", batch.append("]}").toString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);

        awaitTrue(() -> endpoint.bodies().size() >= 10);
        // ten visible at once, batches of one that take a while: a full batch widens to a second round
        assertThat(endpoint.mostInFlight.get()).isEqualTo(2);
        awaitTrue(() -> browse("orders").isEmpty());
    }

    @Test
    void aConsumerThatHangs_onOneQueue_doesNotDelayAnotherQueuesConsumer() throws Exception {
        createQueue("slow", "{}");
        createQueue("fast", "{}");
        try (PushEndpoint fast = new PushEndpoint(SECRET)) {
            consumers.add("slow", "worker", endpoint.url(), 10, 0, 1);
            consumers.add("fast", "worker", fast.url(), 10, 0, 1);
            endpoint.answers = event -> PushEndpoint.Answer.HANG;

            send("slow", "{\"body\": \"stuck\"}");
            awaitTrue(() -> endpoint.calls.size() == 1);
            send("fast", "{\"body\": \"one\"}");
            send("fast", "{\"body\": \"two\"}");

            awaitTrue(() -> fast.bodies().containsAll(List.of("one", "two")));
            assertThat(endpoint.calls)
                    .as("the slow consumer still holds its one batch")
                    .hasSize(1);
        }
    }

    // ---------------------------------------------------------------- helpers

    void createQueue(String name, String attributes) {
        HttpResponse<String> created = http.put("/v1/queues/" + name, attributes);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    String send(String queue, String message) {
        HttpResponse<String> sent = http.post("/v1/queues/" + queue + "/messages", message);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        return HttpTestClient.json(sent).at("/results/0/messageId").asText();
    }

    List<String> browse(String queue) {
        HttpResponse<String> page = http.get("/v1/queues/" + queue + "/messages");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return HttpTestClient.json(page).findValuesAsText("messageId");
    }

    List<String> states(String queue) {
        HttpResponse<String> page = http.get("/v1/queues/" + queue + "/messages");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return HttpTestClient.json(page).findValuesAsText("state");
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("condition met within " + DEADLINE)
                    .isNegative();
            Thread.sleep(20);
        }
    }
}
