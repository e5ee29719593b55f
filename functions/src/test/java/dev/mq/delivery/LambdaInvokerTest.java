package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/** How a function's answer settles a batch, without AWS: the invoke response and the batch response in it. */
class LambdaInvokerTest {
    static final Set<String> BATCH = Set.of("m-1", "m-2");

    @Test
    void aPayload_isTheAnswer() {
        InvokeResponse response = InvokeResponse.builder()
                .statusCode(200)
                .payload(SdkBytes.fromUtf8String("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"}]}"))
                .build();

        PushInvoker.Result result = LambdaInvoker.result(response);

        assertThat(PushEvent.failedIds(((PushInvoker.Result.Answered) result).payload(), BATCH))
                .containsExactly("m-2");
    }

    @Test
    void aFunctionError_failsTheBatch_whateverThePayloadSays() {
        InvokeResponse response = InvokeResponse.builder()
                .statusCode(200)
                .functionError("Unhandled")
                .payload(SdkBytes.fromUtf8String("{\"errorMessage\":\"boom\",\"errorType\":\"RuntimeException\"}"))
                .build();

        assertThat(LambdaInvoker.result(response))
                .isEqualTo(new PushInvoker.Result.Failed("function error: Unhandled"));
    }

    @Test
    void aStatusOtherThan200_failsTheBatch() {
        assertThat(LambdaInvoker.result(InvokeResponse.builder().statusCode(202).build()))
                .isInstanceOf(PushInvoker.Result.Failed.class);
    }

    @Test
    void aHandlerThatReturnsNothing_succeedsEveryRecord() {
        for (String nothing :
                new String[] {"", "null", "{}", "{\"batchItemFailures\":[]}", "{\"batchItemFailures\":null}"}) {
            assertThat(PushEvent.failedIds(nothing.getBytes(StandardCharsets.UTF_8), BATCH))
                    .as(nothing)
                    .isEmpty();
        }
        assertThat(PushEvent.failedIds(null, BATCH)).isEmpty();
    }

    @Test
    void anAnswerThatIsNoBatchResponse_isRefused_soTheWholeBatchFails() {
        for (String bad : new String[] {
            "not json",
            "[1]",
            "{\"batchItemFailures\":{}}",
            "{\"batchItemFailures\":[{}]}",
            "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}",
            "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-9\"}]}"
        }) {
            assertThatThrownBy(() -> PushEvent.failedIds(bad.getBytes(StandardCharsets.UTF_8), BATCH))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
