package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.model.ErrorCode;
import dev.mq.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input against the local server over HTTP, generated (jqwik): random and malformed JSON,
 * deeply nested documents, invalid UTF-8, path traversal and odd names, and receipt handles forged,
 * modified or taken from another queue. Every answer is a documented 4xx (never a 5xx), in the error
 * shape, and a refused request changes nothing: the queue's one message is still there, unleased.
 */
class HostileInputPropertiesTest {
    static final Set<String> CODES =
            Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
    static final List<String> BODY_ROUTES = List.of(
            "POST /v1/queues/target/messages",
            "POST /v1/queues/target/receive",
            "POST /v1/queues/target/ack",
            "POST /v1/queues/target/visibility",
            "POST /v1/queues/target/redrive",
            "PATCH /v1/queues/target",
            "PUT /v1/queues/other",
            "PUT /v1/topics/news/subscriptions/s",
            "PUT /v1/queues/target/consumers/c",
            "POST /v1/topics/news/messages");

    static LocalServer server;
    static HttpClient http;
    static String validHandle;
    static String otherQueueHandle;

    @BeforeContainer
    static void start() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        http = HttpClient.newHttpClient();
        call("PUT", "/v1/queues/target", "{}");
        call("PUT", "/v1/queues/elsewhere", "{}");
        call("PUT", "/v1/topics/news", null);
        call("POST", "/v1/queues/elsewhere/messages", "{\"body\":\"theirs\"}");
        otherQueueHandle = Json.parseObject(
                        call("POST", "/v1/queues/elsewhere/receive", "{\"visibilityTimeoutSeconds\":3600}")
                                .body())
                .at("/messages/0/receiptHandle")
                .asText();
        call("POST", "/v1/queues/target/messages", "{\"body\":\"keep me\"}");
        // leased for an hour: a refused ack or visibility change must leave it leased and stored
        validHandle = Json.parseObject(call("POST", "/v1/queues/target/receive", "{\"visibilityTimeoutSeconds\":3600}")
                        .body())
                .at("/messages/0/receiptHandle")
                .asText();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 300)
    void anyBody_onAnyRoute_isNeverA5xx_andAlwaysTheErrorShape(
            @ForAll("routes") String route, @ForAll("hostileBodies") byte[] body) throws Exception {
        String[] methodAndPath = route.split(" ");
        HttpResponse<String> response = send(methodAndPath[0], methodAndPath[1], body);
        assertWellFormed(response);
        assertTargetUntouched();
    }

    @Property(tries = 200)
    void oddNamesAndTraversal_inThePath_areRefusedCleanly(
            @ForAll("hostileNames") String name, @ForAll("pathTemplates") String template) throws Exception {
        String path = template.replace("{}", name);
        URI uri;
        try {
            uri = URI.create(server.baseUrl() + path);
        } catch (IllegalArgumentException unsendable) {
            return; // not a URI a client can send
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri)
                        .method("GET", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isLessThan(500);
        if (response.statusCode() >= 400 && !response.body().isEmpty()) {
            assertWellFormed(response);
        }
        assertTargetUntouched();
    }

    @Property(tries = 200)
    void forgedModifiedOrForeignHandles_neverAckNorExtend(@ForAll("hostileHandles") String handle) throws Exception {
        HttpResponse<String> ack =
                call("POST", "/v1/queues/target/ack", Json.write(java.util.Map.of("receiptHandles", List.of(handle))));
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(Json.parseObject(ack.body()).at("/results/0/error/code").asText())
                .isEqualTo("InvalidReceiptHandle");

        HttpResponse<String> extend = call(
                "POST",
                "/v1/queues/target/visibility",
                Json.write(java.util.Map.of("receiptHandle", handle, "visibilityTimeoutSeconds", 0)));
        assertWellFormed(extend);
        assertThat(extend.statusCode()).isEqualTo(400);

        HttpResponse<String> delete = send("DELETE", "/v1/queues/target/messages/" + urlSafe(handle), null);
        assertThat(delete.statusCode()).isIn(400, 404);
        assertTargetUntouched();
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.of(BODY_ROUTES);
    }

    @Provide
    Arbitrary<byte[]> hostileBodies() {
        Arbitrary<String> json = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings()
                        .withChars("{}[]\":,0123456789truefalsenull \\u")
                        .ofMaxLength(120),
                Arbitraries.integers().between(1, 5000).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
                Arbitraries.integers().between(1, 200).map(depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)),
                Combinators.combine(
                                Arbitraries.of(
                                        "body",
                                        "messages",
                                        "receiptHandles",
                                        "receiptHandle",
                                        "maxMessages",
                                        "visibilityTimeoutSeconds",
                                        "queue",
                                        "endpoint",
                                        "filter",
                                        "destination",
                                        "deadLetterQueue",
                                        "delaySeconds",
                                        "deliverAt",
                                        "groupId",
                                        "attributes"),
                                Arbitraries.of(
                                        "null",
                                        "-1",
                                        "1e309",
                                        "\"\"",
                                        "[]",
                                        "{}",
                                        "true",
                                        "\"x\"",
                                        "99999999999999999999",
                                        "\"../../etc/passwd\"",
                                        "\"http://169.254.169.254/\"",
                                        "[{}]",
                                        "{\"a\":[]}"))
                        .as((field, value) -> "{\"" + field + "\":" + value + "}"),
                Arbitraries.of(
                        "{\"body\":\"a\",\"body\":\"b\"}",
                        "{\"body\":\"x\"} trailing",
                        "{'body':'x'}",
                        "{\"messages\":[" + "{\"body\":\"x\"},".repeat(11) + "{\"body\":\"x\"}]}",
                        "{\"messages\":[]}"));
        Arbitrary<byte[]> invalidUtf8 = Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(64)
                .map(bytes -> {
                    byte[] withBad = Arrays.copyOf(bytes, bytes.length + 2);
                    withBad[bytes.length] = (byte) 0xC3;
                    withBad[bytes.length + 1] = (byte) 0x28; // a broken two-byte sequence
                    return withBad;
                });
        return Arbitraries.oneOf(json.map(s -> s.getBytes(StandardCharsets.UTF_8)), invalidUtf8);
    }

    @Provide
    Arbitrary<String> hostileNames() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "..",
                        "%2e%2e",
                        "..%2f..%2fetc",
                        "%00",
                        "a%2Fb",
                        "%ff%fe",
                        "-",
                        "_",
                        "x".repeat(81),
                        "x".repeat(76) + ".fifo",
                        ".fifo",
                        "CON",
                        "%20",
                        "a.b",
                        "%C3%A9t%C3%A9",
                        "%E2%80%AE"),
                Arbitraries.strings()
                        .withCharRange('!', '~')
                        .ofMinLength(1)
                        .ofMaxLength(90)
                        .map(s -> s.replace("/", "%2F")
                                .replace("?", "%3F")
                                .replace("#", "%23")
                                .replace("%", "%25")));
    }

    @Provide
    Arbitrary<String> pathTemplates() {
        return Arbitraries.of(
                "/v1/queues/{}",
                "/v1/queues/{}/messages",
                "/v1/topics/{}",
                "/v1/topics/news/subscriptions/{}",
                "/v1/queues/target/messages/{}",
                "/{}",
                "/v1/{}/target");
    }

    @Provide
    Arbitrary<String> hostileHandles() {
        Arbitrary<String> modified = Arbitraries.integers()
                .between(0, validHandle.length() - 1)
                .map(i -> validHandle.substring(0, i)
                        + (validHandle.charAt(i) == 'A' ? 'B' : 'A')
                        + validHandle.substring(i + 1));
        Arbitrary<String> forged =
                Arbitraries.strings().withCharRange('A', 'z').ofMinLength(1).ofMaxLength(300);
        Arbitrary<String> reassembled = Arbitraries.strings()
                .alpha()
                .ofMinLength(1)
                .ofMaxLength(60)
                .map(s -> Base64.getUrlEncoder().withoutPadding().encodeToString(("1|target|" + s).getBytes()) + ".x");
        return Arbitraries.oneOf(
                modified,
                forged,
                reassembled,
                Arbitraries.just(otherQueueHandle),
                Arbitraries.just(validHandle + "x"),
                Arbitraries.just(validHandle.substring(1)));
    }

    // ---------------------------------------------------------------- checks

    private static void assertWellFormed(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        if (response.statusCode() >= 400) {
            JsonNode error =
                    Json.MAPPER.valueToTree(Json.parseObject(response.body())).path("error");
            assertThat(CODES).contains(error.path("code").asText());
            assertThat(error.path("message").asText())
                    .isNotBlank()
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    /** The one message of "target" is still stored and still leased. */
    private static void assertTargetUntouched() throws Exception {
        JsonNode browse =
                Json.parseObject(call("GET", "/v1/queues/target/messages", null).body());
        List<String> states = java.util.stream.StreamSupport.stream(
                        browse.get("messages").spliterator(), false)
                .filter(m -> m.get("body").asText().equals("keep me"))
                .map(m -> m.get("state").asText())
                .toList();
        assertThat(states).containsExactly("inFlight");
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String urlSafe(String handle) {
        StringBuilder out = new StringBuilder();
        for (byte b : handle.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            out.append(
                    Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0
                            ? String.valueOf(c)
                            : String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }
}
