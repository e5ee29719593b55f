package dev.mq.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Health, and the answers to paths and methods the API does not have. */
class RoutingContractTest extends ContractTestSupport {

    @Test
    void health_answers200StatusOk() {
        JsonNode answer = mq.get("/health").expectStatus(200).json();

        assertThat(answer.path("status").asText()).isEqualTo("ok");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/v1",
                "/v2/queues",
                "/healthz",
                "/v1/queue",
                "/v1/queues/q/unknown",
                "/v1/queues/q/messages/abc.def/extra",
                "/v1/queues/q/receive/now"
            })
    void unknownPath_is404NotFound_withTheErrorShape(String path) {
        ContractClient.Reply reply = mq.get(path);

        reply.expectError(404, "NotFound");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /",
        "POST, /health",
        "DELETE, /health",
        "POST, /v1/queues",
        "DELETE, /v1/queues",
        "POST, /v1/queues/q",
        "GET, /v1/queues/q/receive",
        "PUT, /v1/queues/q/messages",
        "DELETE, /v1/queues/q/messages",
        "GET, /v1/queues/q/ack",
        "GET, /v1/queues/q/visibility",
        "GET, /v1/queues/q/purge",
        "GET, /v1/queues/q/redrive",
        "GET, /v1/queues/q/messages/abc.def",
        "POST, /v1/queues/q/messages/abc.def"
    })
    void knownPathWithAnotherMethod_is405MethodNotAllowed_withTheErrorShape(String method, String path) {
        String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";

        mq.exchange(method, path, body).expectError(405, "MethodNotAllowed");
    }
}
