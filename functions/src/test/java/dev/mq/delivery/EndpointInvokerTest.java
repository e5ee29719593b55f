package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.core.Consumer;
import dev.mq.core.EndpointPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint invoker against a real HTTP server on loopback: what each kind of answer comes to. */
class EndpointInvokerTest {
    static final String SECRET = "consumer-secret";
    static final byte[] EVENT = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);

    PushReceiver receiver;
    EndpointInvoker invoker;

    @BeforeEach
    void start() throws Exception {
        receiver = new PushReceiver(SECRET);
        invoker = new EndpointInvoker(
                new EndpointDeliverer(Duration.ofSeconds(2), Duration.ofMillis(500)), new EndpointPolicy(true, false));
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aBatchResponse_isTheAnswer_andThePostIsSigned() {
        receiver.answers = event -> PushReceiver.Answer.failures(java.util.List.of("m-1"));

        PushInvoker.Result result = invoker.invoke(consumer(receiver.url()), EVENT);

        assertThat(result).isInstanceOf(PushInvoker.Result.Answered.class);
        assertThat(new String(((PushInvoker.Result.Answered) result).payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-1\"}]}");
        assertThat(receiver.calls)
                .singleElement()
                .satisfies(call -> assertThat(call.signatureValid()).isTrue());
    }

    @Test
    void anEmptyAnswer_isAnsweredWithNothing() {
        PushInvoker.Result result = invoker.invoke(consumer(receiver.url()), EVENT);

        assertThat(((PushInvoker.Result.Answered) result).payload()).isEmpty();
    }

    @Test
    void aCrash_isAFailure() {
        receiver.answers = event -> new PushReceiver.Answer(500, "boom");

        assertThat(invoker.invoke(consumer(receiver.url()), EVENT))
                .isEqualTo(new PushInvoker.Result.Failed("HTTP 500"));
    }

    @Test
    void aRedirect_isAFailure_andIsNotFollowed() {
        receiver.answers = event -> new PushReceiver.Answer(302, "");

        assertThat(invoker.invoke(consumer(receiver.url()), EVENT))
                .isEqualTo(new PushInvoker.Result.Failed("HTTP 302"));
    }

    @Test
    void anEndpointThatHangs_isAFailure_whenTheTimeoutEnds() {
        receiver.answers = event -> PushReceiver.Answer.HANG;

        assertThat(invoker.invoke(consumer(receiver.url()), EVENT))
                .isEqualTo(new PushInvoker.Result.Failed("no answer in time"));
    }

    @Test
    void anAnswerLongerThanAnyBatchResponse_isAFailure() {
        receiver.answers = event -> new PushReceiver.Answer(200, "x".repeat(EndpointInvoker.MAX_ANSWER_BYTES + 1));

        assertThat(invoker.invoke(consumer(receiver.url()), EVENT))
                .isEqualTo(new PushInvoker.Result.Failed("answer too long"));
    }

    @Test
    void anEndpointThePolicyRefuses_isNeverPosted() {
        EndpointInvoker deployed = new EndpointInvoker(new EndpointDeliverer(), EndpointPolicy.deployed());

        assertThat(deployed.invoke(consumer(receiver.url()), EVENT)).isInstanceOf(PushInvoker.Result.Failed.class);
        assertThat(receiver.calls).isEmpty();
    }

    static Consumer consumer(String endpoint) {
        return new Consumer("orders", "worker", "inc", null, endpoint, SECRET, 10, 0, 5, Instant.EPOCH);
    }
}
