package dev.mq.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The suite's judge of exchanges bites: an answer or an accepted request that {@code docs/openapi.yaml} does
 * not allow is reported, and the suite's one HTTP client fails the test that got it.
 */
class ApiDocumentTest {
    private static final Map<String, String> JSON_ANSWER =
            Map.of("Content-Type", "application/json", "X-Request-Id", "r-1");
    private static final String QUEUE =
            "{\"name\": \"orders\", \"fifo\": false, \"createdAt\": \"2030-01-01T00:00:00Z\","
                    + " \"modifiedAt\": \"2030-01-01T00:00:00Z\","
                    + " \"attributes\": {\"visibilityTimeoutSeconds\": 30, \"messageRetentionSeconds\": 345600,"
                    + " \"delaySeconds\": 0, \"receiveWaitSeconds\": 0, \"maxMessageBytes\": 262144,"
                    + " \"deduplicationWindowSeconds\": 300, \"contentBasedDeduplication\": false,"
                    + " \"deadLetterQueue\": null, \"maxReceiveCount\": null,"
                    + " \"redriveAllowPolicy\": {\"permission\": \"allowAll\"}}}";

    private final ApiDocument document = ApiDocument.shared();

    @Test
    void aDocumentedExchange_hasNoProblems() {
        assertThat(document.problems(new ApiDocument.Exchange(
                        "PUT", "/v1/queues/orders", "{\"visibilityTimeoutSeconds\": 30}", 201, JSON_ANSWER, QUEUE)))
                .isEmpty();
        assertThat(document.problems(new ApiDocument.Exchange(
                        "DELETE", "/v1/queues/orders", null, 204, Map.of("X-Request-Id", "r-2"), null)))
                .isEmpty();
    }

    @Test
    void anAnswerWithAFieldOfTheWrongType_isReported() {
        String wrong = QUEUE.replace("\"fifo\": false", "\"fifo\": \"no\"");

        assertThat(document.problems(
                        new ApiDocument.Exchange("PUT", "/v1/queues/orders", null, 201, JSON_ANSWER, wrong)))
                .singleElement()
                .asString()
                .contains("createQueue");
    }

    @Test
    void anAnswerWithAnUndocumentedField_isReported() {
        String extra = QUEUE.replace("\"fifo\": false", "\"fifo\": false, \"colour\": \"blue\"");

        assertThat(document.problems(
                        new ApiDocument.Exchange("PUT", "/v1/queues/orders", null, 201, JSON_ANSWER, extra)))
                .hasSize(1);
    }

    @Test
    void anUndocumentedStatus_isReported() {
        assertThat(document.problems(
                        new ApiDocument.Exchange("PUT", "/v1/queues/orders", null, 202, JSON_ANSWER, QUEUE)))
                .hasSize(1);
    }

    @Test
    void anErrorWithACodeItsStatusDoesNotHave_isReported() {
        String leaseLost = "{\"error\": {\"code\": \"LeaseLost\", \"message\": \"taken over\"}}";

        assertThat(document.problems(
                        new ApiDocument.Exchange("GET", "/v1/queues/orders", null, 404, JSON_ANSWER, leaseLost)))
                .hasSize(1);
    }

    @Test
    void anAnswerWithoutItsRequestId_isReported() {
        assertThat(document.problems(
                        new ApiDocument.Exchange("DELETE", "/v1/queues/orders", null, 204, Map.of(), null)))
                .hasSize(1);
    }

    @Test
    void anAcceptedRequestTheDocumentRefuses_isReported() {
        assertThat(document.problems(new ApiDocument.Exchange(
                        "POST",
                        "/v1/queues/orders/receive",
                        "{\"maxMessages\": 11}",
                        200,
                        JSON_ANSWER,
                        "{\"messages\": []}")))
                .singleElement()
                .asString()
                .contains("request");
    }

    @Test
    void aRefusedInvalidRequest_isJudgedByItsAnswerOnly() {
        String refusal = "{\"error\": {\"code\": \"InvalidRequest\", \"message\": \"maxMessages must be ...\"}}";

        assertThat(document.problems(new ApiDocument.Exchange(
                        "POST", "/v1/queues/orders/receive", "{\"maxMessages\": 11}", 400, JSON_ANSWER, refusal)))
                .isEmpty();
    }

    @Test
    void anUndocumentedPath_mustBeAnsweredNotFound() {
        String notFound = "{\"error\": {\"code\": \"NotFound\", \"message\": \"no such resource: /v2\"}}";

        assertThat(document.problems(new ApiDocument.Exchange("GET", "/v2", null, 404, JSON_ANSWER, notFound)))
                .isEmpty();
        assertThat(document.problems(new ApiDocument.Exchange("GET", "/v2", null, 200, JSON_ANSWER, "{}")))
                .hasSize(1);
        assertThat(document.problems(new ApiDocument.Exchange(
                        "GET",
                        "/v2",
                        null,
                        404,
                        JSON_ANSWER,
                        "{\"error\": {\"code\": \"QueueNotFound\", \"message\": \"x\"}}")))
                .hasSize(1);
    }

    @Test
    void theSuitesClient_failsOnAnAnswerTheDocumentDoesNotAllow() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "{\"status\": \"fine\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Request-Id", "r-3");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            ContractClient client =
                    new ContractClient("http://127.0.0.1:" + server.getAddress().getPort(), (String) null);

            assertThatThrownBy(() -> client.get("/health"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("docs/openapi.yaml")
                    .hasMessageContaining("health");
        } finally {
            server.stop(0);
        }
    }
}
