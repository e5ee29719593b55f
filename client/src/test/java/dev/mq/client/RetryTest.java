package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.mq.model.Responses.SendResult;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries through a stub in front of the local server that refuses, throttles, or forwards a request and
 * then loses the answer, as a proxy, a throttled gateway or a dropped connection would.
 */
class RetryTest {
    enum Step {
        UNAVAILABLE,
        THROTTLED,
        FORWARD_THEN_UNAVAILABLE,
        FORWARD_THEN_TIMEOUT,
        FORWARD
    }

    static final RetryPolicy FAST = new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50));

    final Deque<Step> script = new ArrayDeque<>();
    final AtomicInteger requests = new AtomicInteger();
    final MqClient direct = TestServer.client();
    TestProxy stub;
    String queue;

    @BeforeEach
    void start() throws IOException {
        queue = TestServer.unique("retry");
        direct.createQueue(queue);
        stub = new TestProxy("retry-stub", this::answer);
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private MqClient throughStub(boolean autoDeduplication) {
        return MqClient.builder()
                .endpoint(stub.url())
                .retryPolicy(FAST)
                .autoDeduplication(autoDeduplication)
                .build();
    }

    @Test
    void send_refusedThenThrottled_isRetried_andStoredOnce() {
        script.addAll(java.util.List.of(Step.UNAVAILABLE, Step.THROTTLED, Step.FORWARD));

        SendResult result = throughStub(true).send(queue, "order 1");

        assertThat(requests.get()).isEqualTo(3);
        assertThat(result.duplicate()).isFalse();
        assertThat(direct.browse(queue, 10, null).messages()).hasSize(1);
    }

    @Test
    void send_whoseAnswerWasLost_isRetriedWithItsDeduplicationId_andStoredOnce() {
        script.addAll(java.util.List.of(Step.FORWARD_THEN_UNAVAILABLE, Step.FORWARD));

        SendResult result = throughStub(true).send(queue, "order 1");

        assertThat(requests.get()).isEqualTo(2);
        assertThat(result.duplicate())
                .as("the retry found the first attempt's message")
                .isTrue();
        assertThat(direct.browse(queue, 10, null).messages())
                .singleElement()
                .satisfies(m -> assertThat(m.messageId()).isEqualTo(result.messageId()));
    }

    @Test
    void batch_whoseAnswerWasLost_isStoredOnce() {
        script.addAll(java.util.List.of(Step.FORWARD_THEN_TIMEOUT, Step.FORWARD));

        throughStub(true).sendBatch(queue, java.util.List.of(Message.of("a"), Message.of("b"), Message.of("c")));

        assertThat(requests.get()).isEqualTo(2);
        assertThat(direct.browse(queue, 10, null).messages()).hasSize(3);
    }

    @Test
    void withoutDeduplication_aTimedOutSend_isNotRepeated_andSaysItsOutcomeIsUnknown() {
        script.add(Step.FORWARD_THEN_TIMEOUT);

        assertThatThrownBy(() -> throughStub(false).send(queue, "order 1"))
                .isInstanceOf(MqException.OutcomeUnknown.class)
                .hasMessageContaining("outcome unknown")
                .hasMessageContaining("deduplicationId")
                .hasCauseInstanceOf(MqException.Timeout.class);

        assertThat(requests.get())
                .as("an unknown outcome is not retried without a deduplication id")
                .isEqualTo(1);
        assertThat(direct.browse(queue, 10, null).messages()).hasSize(1);
    }

    @Test
    void byDefault_aSendWhoseAnswerWasLost_isNotRepeated_andSaysItsOutcomeIsUnknown() {
        script.add(Step.FORWARD_THEN_UNAVAILABLE);
        MqClient byDefault =
                MqClient.builder().endpoint(stub.url()).retryPolicy(FAST).build();

        assertThatThrownBy(() -> byDefault.sendBatch(queue, java.util.List.of(Message.of("a"), Message.of("b"))))
                .isInstanceOf(MqException.OutcomeUnknown.class)
                .satisfies(e -> assertThat(((MqException) e).code()).isEqualTo(dev.mq.model.ErrorCode.UNAVAILABLE));

        assertThat(requests.get()).isEqualTo(1);
        assertThat(direct.browse(queue, 10, null).messages())
                .as("stored once, not twice")
                .hasSize(2);
    }

    @Test
    void byDefault_aThrottledSend_isARefusal_notAnUnknownOutcome() {
        script.add(Step.THROTTLED);
        MqClient byDefault =
                MqClient.builder().endpoint(stub.url()).retryPolicy(FAST).build();

        assertThatThrownBy(() -> byDefault.send(queue, "a")).isInstanceOf(MqException.Throttled.class);
        assertThat(direct.browse(queue, 10, null).messages()).isEmpty();
    }

    @Test
    void receive_andAck_areRetriedAfterALostAnswer() throws Exception {
        direct.send(queue, "x");
        MqClient client = throughStub(false);

        // the lost receive leased the message: the retry answers, but finds it taken until its lease ends
        script.addAll(java.util.List.of(Step.FORWARD_THEN_TIMEOUT, Step.FORWARD));
        assertThat(client.receive(queue, 1, 0, 1)).isEmpty();
        assertThat(requests.get()).isEqualTo(2);

        Thread.sleep(1_200);
        String handle = direct.receive(queue, 1, 1).get(0).receiptHandle();
        script.addAll(java.util.List.of(Step.FORWARD_THEN_UNAVAILABLE, Step.FORWARD));
        client.ack(queue, handle); // the retry finds the message gone: acked
        assertThat(requests.get()).isEqualTo(4);
        assertThat(direct.browse(queue, 10, null).messages()).isEmpty();
    }

    @Test
    void givesUp_afterTheRetryBudget_withTheLastError() {
        for (int i = 0; i < 10; i++) {
            script.add(Step.UNAVAILABLE);
        }
        assertThatThrownBy(() -> throughStub(true).send(queue, "x")).isInstanceOf(MqException.Unavailable.class);
        assertThat(requests.get()).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void connectionRefused_isConnectionFailed_afterRetries() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        MqClient client = MqClient.builder()
                .endpoint("http://127.0.0.1:" + closedPort)
                .retryPolicy(FAST)
                .build();
        assertThatThrownBy(() -> client.send(queue, "x"))
                .isInstanceOf(MqException.ConnectionFailed.class)
                .hasMessageContaining("cannot connect");
    }

    @Test
    void aConnectionThatBreaksMidSend_isAnUnknownOutcome_thatNoApiAnswered() throws Exception {
        try (HangingUpServer hangsUp = new HangingUpServer()) {
            MqClient client =
                    MqClient.builder().endpoint(hangsUp.url()).retryPolicy(FAST).build();

            assertThatThrownBy(() -> client.send(queue, "x"))
                    .isInstanceOf(MqException.OutcomeUnknown.class)
                    .hasCauseInstanceOf(MqException.ConnectionFailed.class)
                    .satisfies(e -> assertThat(((MqException) e).answeredByApi())
                            .as("no answer came, so the API did not answer")
                            .isFalse());
        }
    }

    @Test
    void anUnknownOutcome_afterTheApisAnswer_isAnsweredByTheApi() {
        script.add(Step.FORWARD_THEN_UNAVAILABLE);

        assertThatThrownBy(() -> throughStub(false).send(queue, "x"))
                .isInstanceOf(MqException.OutcomeUnknown.class)
                .satisfies(e -> assertThat(((MqException) e).answeredByApi()).isTrue());
    }

    // ---------------------------------------------------------------- the stub

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Step step;
        synchronized (script) {
            step = script.isEmpty() ? Step.FORWARD : script.poll();
        }
        switch (step) {
            case UNAVAILABLE -> TestProxy.error(exchange, 503, "Unavailable");
            case THROTTLED -> {
                exchange.getResponseHeaders().add("Retry-After", "0");
                TestProxy.error(exchange, 429, "Throttled");
            }
            case FORWARD_THEN_UNAVAILABLE -> {
                stub.forward(exchange, body);
                TestProxy.error(exchange, 503, "Unavailable");
            }
            case FORWARD_THEN_TIMEOUT -> {
                stub.forward(exchange, body);
                TestProxy.error(exchange, 504, "Timeout");
            }
            case FORWARD -> {
                TestProxy.relay(exchange, stub.forward(exchange, body));
            }
        }
    }
}
