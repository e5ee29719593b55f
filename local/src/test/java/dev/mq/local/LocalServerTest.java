package dev.mq.local;

import static dev.mq.local.HttpTestClient.errorCode;
import static dev.mq.local.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local server's own duties, as API Gateway would do them: request ids, limits, auth, bind policy. */
class LocalServerTest {
    private static final String TOKEN = "local-test-token";
    private static LocalServer server;
    private static LocalServer guarded;
    private static HttpTestClient http;

    @BeforeAll
    static void startServers() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        guarded = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", TOKEN));
        http = new HttpTestClient(server.baseUrl());
    }

    @AfterAll
    static void stopServers() {
        server.close();
        guarded.close();
    }

    @Test
    void baseUrl_namesTheLoopbackAddressAndPort_withoutTrailingSlash() {
        assertThat(server.baseUrl().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void health_answers200Ok_withRequestId() {
        HttpResponse<String> response = http.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("ok");
        assertThat(response.headers().firstValue("X-Request-Id"))
                .hasValueSatisfying(id -> assertThat(id).isNotBlank());
    }

    @Test
    void everyResponse_carriesItsOwnRequestId() {
        String first = http.get("/health").headers().firstValue("X-Request-Id").orElseThrow();
        String second =
                http.get("/nowhere").headers().firstValue("X-Request-Id").orElseThrow();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void unknownPath_answers404_inTheErrorShape() {
        HttpResponse<String> response = http.get("/v2/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(errorCode(response)).isEqualTo("NotFound");
        assertThat(json(response).path("error").path("message").asText()).isNotBlank();
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void knownPathWithOtherMethod_answers405_inTheErrorShape() {
        HttpResponse<String> response = http.delete("/health");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(errorCode(response)).isEqualTo("MethodNotAllowed");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void bodyOverTenMebibytes_isRefused413_fromItsContentLength_withoutBeingRead() throws IOException {
        // only the headers are sent: the answer must come without waiting for 10 MiB that never arrive
        String head = "POST /v1/queues/big/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (RequestBodies.MAX_BYTES + 1) + "\r\n\r\n";

        RawResponse response = rawExchange(head.getBytes(StandardCharsets.US_ASCII));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.text()).contains("\"code\":\"PayloadTooLarge\"").containsIgnoringCase("X-Request-Id:");
    }

    @Test
    void chunkedBodyOverTenMebibytes_isRefused413() throws IOException {
        // no Content-Length to judge by: the server must stop reading at the limit
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /v1/queues/big/messages HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        int chunk = 1024 * 1024;
        for (int i = 0; i < 10; i++) {
            writeChunk(request, chunk);
        }
        writeChunk(request, 16 * 1024);
        request.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        RawResponse response = rawExchange(request.toByteArray());

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.text()).contains("\"code\":\"PayloadTooLarge\"");
    }

    private static void writeChunk(ByteArrayOutputStream request, int size) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) ' ');
        request.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(data);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void bodyOfExactlyTheLimit_isAdmitted_andJudgedByTheHandler() {
        byte[] body = new byte[RequestBodies.MAX_BYTES];
        Arrays.fill(body, (byte) ' ');

        HttpResponse<String> response = http.send(
                http.request("/v1/queues/absent-queue/messages").POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        // a blank body reaches the handler, which finds no message in it
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("InvalidRequest");
    }

    @Test
    void bodyThatIsNotUtf8_isRefused400() {
        byte[] latin1 = "{\"body\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<String> response =
                http.send(http.request("/v1/queues/any/messages").POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("InvalidRequest");
        assertThat(json(response).path("error").path("message").asText()).contains("UTF-8");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void queryStringIsUrlDecoded_beforeTheHandlerSeesIt() {
        http.put("/v1/queues/decoded-prefix-one", "{}");
        http.put("/v1/queues/other-queue", "{}");

        HttpResponse<String> response = http.get("/v1/queues?prefix=decoded%2Dprefix&limit=10");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("queues").findValuesAsText("name")).containsExactly("decoded-prefix-one");
    }

    @Test
    void queueLifecycle_worksEndToEnd() {
        assertThat(http.put("/v1/queues/lifecycle", "{}").statusCode()).isEqualTo(201);
        assertThat(http.post("/v1/queues/lifecycle/messages", "{\"body\": \"hello\"}")
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> received = http.post("/v1/queues/lifecycle/receive", "{\"maxMessages\": 1}");
        String handle =
                json(received).path("messages").get(0).path("receiptHandle").asText();
        HttpResponse<String> acked = http.delete("/v1/queues/lifecycle/messages/" + handle);

        assertThat(json(received).path("messages").get(0).path("body").asText()).isEqualTo("hello");
        assertThat(acked.statusCode()).isEqualTo(204);
        assertThat(acked.body()).isEmpty();
        assertThat(acked.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void nonLoopbackBind_withoutToken_refusesToStart() {
        assertThatThrownBy(() -> LocalServer.start(new LocalServer.Options(0, null, "0.0.0.0", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0")
                .hasMessageContaining("token");
    }

    @Test
    void blankToken_refusesToStart() {
        assertThatThrownBy(() -> LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", " ")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void options_neverShowTheToken() {
        assertThat(new LocalServer.Options(0, null, null, "s3cret-value").toString())
                .doesNotContain("s3cret-value");
    }

    @Test
    void withToken_requestWithoutIt_answers401Unauthorized() {
        HttpResponse<String> response = new HttpTestClient(guarded.baseUrl()).get("/health");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("Unauthorized");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(response.body()).doesNotContain(TOKEN);
    }

    @Test
    void withToken_requestWithAWrongOne_answers401Unauthorized() {
        HttpResponse<String> response = new HttpTestClient(guarded.baseUrl(), TOKEN + "x").get("/health");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("Unauthorized");
    }

    @Test
    void withToken_unknownPathWithoutIt_answers401_revealingNoRoutes() {
        HttpResponse<String> response = new HttpTestClient(guarded.baseUrl()).get("/nowhere");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void withToken_requestWithIt_isServed() {
        HttpResponse<String> response = new HttpTestClient(guarded.baseUrl(), TOKEN).get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void openApiDocument_isServedAsWrittenInDocs_withRequestId() throws IOException {
        HttpResponse<String> response = http.get("/openapi.yaml");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(response.body())
                .isEqualTo(Files.readString(Path.of("../docs/openapi.yaml")))
                .startsWith("openapi: 3.1");
    }

    @Test
    void withToken_openApiDocumentWithoutIt_answers401() {
        HttpResponse<String> response = new HttpTestClient(guarded.baseUrl()).get("/openapi.yaml");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    private record RawResponse(int status, String text) {}

    /**
     * Writes bytes as they are, for requests java.net.http will not send, and reads the answer while
     * writing, as the server may answer before the request is complete.
     */
    private RawResponse rawExchange(byte[] request) throws IOException {
        try (Socket socket =
                new Socket(server.baseUrl().getHost(), server.baseUrl().getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException refusedEarly) {
                    // the server may answer and close before an oversized body is all written
                }
            });
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; !complete(answer.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buffer)) >= 0; ) {
                answer.write(buffer, 0, n);
            }
            writing.cancel(true);
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 ");
            return new RawResponse(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return true;
        }
        int length = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].strip());
        return text.length() - end - 4 >= length;
    }
}
