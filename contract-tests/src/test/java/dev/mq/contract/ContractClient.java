package dev.mq.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.client.RequestAuth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain HTTP to the API, nothing else: the suite must run unchanged against the local server,
 * LocalStack and AWS. Every answer is checked for what the contract promises of all answers: an
 * {@code X-Request-Id} header, never a 5xx, a JSON body where there is one, and the error shape
 * {@code {"error": {"code", "message"}}} on every non-2xx. Every exchange is also judged against the API's
 * OpenAPI document, {@code docs/openapi.yaml} ({@link ApiDocument}), so the document cannot drift from what
 * the servers do.
 */
final class ContractClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Longer than the longest long poll (20 s) with room for a slow cold start. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(45);

    private static ContractClient shared;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String baseUrl;
    private final RequestAuth auth;

    /** A client sending {@code token} as a bearer token, or no credentials when it is null. */
    ContractClient(String baseUrl, String token) {
        this(baseUrl, token == null ? RequestAuth.none() : RequestAuth.bearer(token));
    }

    ContractClient(String baseUrl, RequestAuth auth) {
        this.baseUrl = Target.stripTrailingSlash(baseUrl);
        this.auth = auth;
    }

    /** The client of this run's target. */
    static synchronized ContractClient shared() {
        if (shared == null) {
            Target target = Target.get();
            shared = new ContractClient(target.baseUrl(), target.auth().credentials());
        }
        return shared;
    }

    Reply get(String path) {
        return exchange("GET", path, null);
    }

    Reply put(String path, Object body) {
        return exchange("PUT", path, body);
    }

    Reply post(String path, Object body) {
        return exchange("POST", path, body);
    }

    Reply patch(String path, Object body) {
        return exchange("PATCH", path, body);
    }

    Reply delete(String path) {
        return exchange("DELETE", path, null);
    }

    /**
     * Sends one request. {@code body} is sent as is when it is a String (so malformed JSON can be sent),
     * serialised to JSON otherwise, and left out when null.
     */
    Reply exchange(String method, String path, Object body) {
        return exchange(method, path, body, auth);
    }

    /** As {@link #exchange(String, String, Object)}, with the given bearer token (null: no credentials). */
    Reply exchange(String method, String path, Object body, String bearer) {
        return exchange(method, path, body, bearer == null ? RequestAuth.none() : RequestAuth.bearer(bearer));
    }

    private Reply exchange(String method, String path, Object body, RequestAuth credentials) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        String text = body == null ? null : text(body);
        credentials.apply(request, method, uri, text);
        if (text == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " was interrupted", e);
        }
        Reply reply = new Reply(method, path, response.statusCode(), response.headers(), response.body());
        reply.checkCommonContract();
        reply.checkDocumented(text);
        return reply;
    }

    private static String text(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise the request body", e);
        }
    }

    // ------------------------------------------------------------------ JSON building

    /** An object from alternating names and values; a value may be any type Jackson can map, or null. */
    static ObjectNode obj(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.set((String) namesAndValues[i], tree(namesAndValues[i + 1]));
        }
        return node;
    }

    static ArrayNode arr(Object... values) {
        ArrayNode node = JSON.createArrayNode();
        for (Object value : values) {
            node.add(tree(value));
        }
        return node;
    }

    static JsonNode tree(Object value) {
        return value == null ? JSON.nullNode() : JSON.valueToTree(value);
    }

    // ------------------------------------------------------------------ answers

    /** One HTTP answer. */
    record Reply(String method, String path, int status, HttpHeaders headers, String body) {

        /** The parsed body; fails the test when it is not JSON. */
        JsonNode json() {
            try {
                JsonNode node = JSON.readTree(body);
                if (node == null || node.isMissingNode()) {
                    fail("expected a JSON body: " + describe());
                }
                return node;
            } catch (JsonProcessingException e) {
                throw new AssertionError("the body is not JSON: " + describe(), e);
            }
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        Reply expectStatus(int expected) {
            assertThat(status).as("status of %s", describe()).isEqualTo(expected);
            return this;
        }

        /** Asserts the status and the error shape with the given code; answers the error object. */
        JsonNode expectError(int expectedStatus, String code) {
            expectStatus(expectedStatus);
            JsonNode error = json().path("error");
            assertThat(error.path("code").asText())
                    .as("error code of %s", describe())
                    .isEqualTo(code);
            return error;
        }

        String describe() {
            String shown = body == null ? "" : body.length() > 600 ? body.substring(0, 600) + "..." : body;
            return method + " " + path + " -> " + status + " " + shown;
        }

        /**
         * The request (when the server accepted it) and this answer, as {@code docs/openapi.yaml} documents
         * them: see {@link ApiDocument}. {@code requestBody} is the body sent, or null.
         */
        void checkDocumented(String requestBody) {
            Map<String, String> firstValues = new LinkedHashMap<>();
            headers.map().forEach((name, values) -> firstValues.put(name, values.get(0)));
            List<String> problems = ApiDocument.shared()
                    .problems(new ApiDocument.Exchange(method, path, requestBody, status, firstValues, body));
            assertThat(problems)
                    .as("what docs/openapi.yaml does not allow in %s", describe())
                    .isEmpty();
        }

        /** What every answer of the API must hold, whatever the request. */
        void checkCommonContract() {
            assertThat(header("X-Request-Id"))
                    .as("X-Request-Id header of %s", describe())
                    .hasValueSatisfying(id -> assertThat(id).isNotBlank());
            assertThat(status)
                    .as("no 5xx may answer a request of the contract suite: %s", describe())
                    .isLessThan(500);
            if (body != null && !body.isEmpty()) {
                assertThat(header("Content-Type"))
                        .as("Content-Type of %s", describe())
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            }
            if (status == 204) {
                assertThat(body).as("a 204 has no body: %s", describe()).isNullOrEmpty();
            }
            if (status >= 400) {
                checkErrorShape(json(), describe());
            }
        }
    }

    /** {@code {"error": {"code": "<non-empty>", "message": "<non-empty>"}}}, as a body or a batch entry. */
    static void checkErrorShape(JsonNode node, String context) {
        JsonNode error = node.path("error");
        assertThat(error.isObject()).as("an object 'error' in %s", context).isTrue();
        assertThat(error.path("code").isTextual())
                .as("a string error.code in %s", context)
                .isTrue();
        assertThat(error.path("code").asText()).as("error.code in %s", context).isNotBlank();
        assertThat(error.path("message").isTextual())
                .as("a string error.message in %s", context)
                .isTrue();
        assertThat(error.path("message").asText())
                .as("error.message in %s", context)
                .isNotBlank();
    }
}
