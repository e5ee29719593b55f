package dev.mq.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsumerRequestsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "arn:aws:lambda:eu-west-1:123456789012:function:orders",
                "arn:aws:lambda:us-east-1:123456789012:function:orders_handler-2:live",
                "arn:aws:lambda:eu-central-1:123456789012:function:orders:7",
                "arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST",
                "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders",
                "arn:aws-cn:lambda:cn-north-1:123456789012:function:orders"
            })
    void aFunctionArn_unqualifiedOrWithAnAliasOrVersion_isTaken_withTheDefaults(String arn) {
        ConsumerRequests.ConsumerRequest request = ConsumerRequests.parse("{\"function\": \"" + arn + "\"}");

        assertThat(request.function()).isEqualTo(arn);
        assertThat(request.batchSize()).isEqualTo(10);
        assertThat(request.batchWindowSeconds()).isZero();
        assertThat(request.maxConcurrency()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "orders",
                "arn:aws:lambda:eu-west-1:123456789012:function:",
                "arn:aws:lambda:eu-west-1:12345678901:function:orders",
                "arn:aws:lambda:europe:123456789012:function:orders",
                "arn:aws:lambda:eu-west-1:123456789012:layer:orders",
                "arn:aws:lambda:eu-west-1:123456789012:function:orders:",
                "arn:aws:lambda:eu-west-1:123456789012:function:orders:live:again",
                "arn:aws:lambda:eu-west-1:123456789012:function:orders\nx"
            })
    void anythingElse_isRefused_namingTheShape(String arn) {
        assertThatThrownBy(() -> ConsumerRequests.parse(Json.write(java.util.Map.of("function", arn))))
                .isInstanceOfSatisfying(QueueException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("arn:aws:lambda:<region>:<account>:function:<name>");
                });
    }

    @Test
    void anEndpoint_takesItsSecretAndSettings() {
        ConsumerRequests.ConsumerRequest request = ConsumerRequests.parse("{\"endpoint\": \"https://h.example/x\","
                + " \"secret\": \"k\", \"batchSize\": 1, \"batchWindowSeconds\": 20, \"maxConcurrency\": 100}");

        assertThat(request)
                .isEqualTo(new ConsumerRequests.ConsumerRequest(null, "https://h.example/x", "k", 1, 20, 100));
    }
}
