package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A plain SQS handler behind a push consumer of the local server, over real HTTP both ways: the server
 * leases and signs each batch, the host checks the signature, runs the handler and answers its
 * SQSBatchResponse, and the server acknowledges or keeps the messages accordingly.
 */
class PushConsumerHostTest {
    final MqClient mq = TestServer.client();

    @Test
    void handler_getsEveryMessageSent_asAnSqsEvent_andTheQueueEmpties() throws Exception {
        String queue = queue(30);
        List<SQSMessage> seen = new CopyOnWriteArrayList<>();

        try (PushConsumerHost host = PushConsumerHost.builder(mq, queue)
                .batchSize(10)
                .start(event -> {
                    seen.addAll(event.getRecords());
                    return new SQSBatchResponse(List.of());
                })) {
            Set<String> sent = IntStream.range(0, 25)
                    .mapToObj(i -> mq.send(queue, "m" + i).messageId())
                    .collect(Collectors.toSet());
            waitUntil(() -> seen.size() >= 25);

            assertThat(seen).extracting(SQSMessage::getMessageId).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(seen)
                    .extracting(SQSMessage::getBody)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, 25).mapToObj(i -> "m" + i).toList());
            SQSMessage first = seen.get(0);
            assertThat(first.getAttributes()).containsEntry("ApproximateReceiveCount", "1");
            assertThat(first.getAttributes()).containsKey("SentTimestamp");
            assertThat(first.getReceiptHandle()).isNotBlank();
            assertThat(first.getEventSource()).isEqualTo("mq");
            waitUntil(() -> mq.browse(queue, 10, null).messages().isEmpty());
        }
    }

    @Test
    void batchItemFailure_comesBackWithReceiveCountTwo_theOthersAreAcknowledged() throws Exception {
        String queue = queue(1);
        List<String> receiveCounts = new CopyOnWriteArrayList<>();
        List<String> okBodies = new CopyOnWriteArrayList<>();

        try (PushConsumerHost host = PushConsumerHost.builder(mq, queue).start(event -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new CopyOnWriteArrayList<>();
            for (SQSMessage message : event.getRecords()) {
                if (message.getBody().equals("flaky")) {
                    receiveCounts.add(message.getAttributes().get("ApproximateReceiveCount"));
                    if (receiveCounts.size() == 1) {
                        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                    }
                } else {
                    okBodies.add(message.getBody());
                }
            }
            return new SQSBatchResponse(failures);
        })) {
            mq.send(queue, "fine");
            mq.send(queue, "flaky");
            waitUntil(() -> receiveCounts.size() >= 2);
            waitUntil(() -> mq.browse(queue, 10, null).messages().isEmpty());
        }

        assertThat(receiveCounts).containsExactly("1", "2");
        assertThat(okBodies).containsExactly("fine");
    }

    @Test
    void throwingHandler_getsTheWholeBatchAgain() throws Exception {
        String queue = queue(3); // longer than the batch window
        AtomicInteger calls = new AtomicInteger();
        List<List<String>> batches = new CopyOnWriteArrayList<>();

        try (PushConsumerHost host = PushConsumerHost.builder(mq, queue)
                .batchSize(10)
                .batchWindowSeconds(1)
                .start(event -> {
                    batches.add(event.getRecords().stream()
                            .map(m -> m.getBody() + "@" + m.getAttributes().get("ApproximateReceiveCount"))
                            .sorted()
                            .toList());
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("the first batch fails");
                    }
                    return null; // as in Lambda: no answer acknowledges the batch
                })) {
            mq.sendBatch(queue, List.of(Message.of("a"), Message.of("b")));
            waitUntil(() -> mq.browse(queue, 10, null).messages().isEmpty());
        }

        assertThat(batches.get(0)).containsExactly("a@1", "b@1");
        assertThat(batches.stream().flatMap(List::stream))
                .as("both messages again, on their second delivery")
                .contains("a@2", "b@2");
    }

    @Test
    void postWithABadSignature_isRefused_andTheHandlerIsNotCalled() throws Exception {
        String queue = queue(30);
        AtomicInteger calls = new AtomicInteger();
        String event = "{\"Records\": [{\"messageId\": \"forged\", \"body\": \"x\"}]}";

        try (PushConsumerHost host = PushConsumerHost.builder(mq, queue).start(e -> {
            calls.incrementAndGet();
            return null;
        })) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> forged = http.send(
                    HttpRequest.newBuilder(host.endpoint())
                            .header("X-Signature", "sha256=" + "0".repeat(64))
                            .POST(HttpRequest.BodyPublishers.ofString(event))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> unsigned = http.send(
                    HttpRequest.newBuilder(host.endpoint())
                            .POST(HttpRequest.BodyPublishers.ofString(event))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(unsigned.statusCode()).isEqualTo(401);
        }
        assertThat(calls).hasValue(0);
    }

    @Test
    void close_removesTheConsumer_andLaterMessagesStayInTheQueue() throws Exception {
        String queue = queue(30);
        PushConsumerHost host = PushConsumerHost.builder(mq, queue)
                .name("tests")
                .batchSize(3)
                .maxConcurrency(2)
                .start(event -> null);
        assertThat(mq.getConsumer(queue, "tests").endpoint())
                .isEqualTo(host.endpoint().toString());
        assertThat(mq.getConsumer(queue, "tests").batchSize()).isEqualTo(3);

        host.close();

        assertThatThrownBy(() -> mq.getConsumer(queue, "tests")).isInstanceOf(MqException.ConsumerNotFound.class);
        mq.send(queue, "after");
        assertThat(mq.receive(queue, 1, 1)).extracting(m -> m.body()).containsExactly("after");
    }

    @Test
    void handlerWrittenForLambda_getsAContext() throws Exception {
        String queue = queue(30);
        List<String> functionNames = new CopyOnWriteArrayList<>();

        try (PushConsumerHost host = PushConsumerHost.builder(mq, queue)
                .name("orders")
                .start((SQSEvent event, com.amazonaws.services.lambda.runtime.Context context) -> {
                    functionNames.add(context.getFunctionName());
                    return new SQSBatchResponse(List.of());
                })) {
            mq.send(queue, "x");
            waitUntil(() -> !functionNames.isEmpty());
        }
        assertThat(functionNames).containsExactly("orders");
    }

    private String queue(int visibilityTimeoutSeconds) {
        String queue = TestServer.unique("push");
        mq.createQueue(queue, Map.of("visibilityTimeoutSeconds", visibilityTimeoutSeconds));
        return queue;
    }

    /** Deliveries ride the stream poll and the sweep: a generous deadline, never a fixed sleep. */
    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(until);
            Thread.sleep(50);
        }
    }
}
