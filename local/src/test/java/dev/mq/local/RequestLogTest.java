package dev.mq.local;

import static dev.mq.local.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --log-requests}: one line per request, without bodies, credentials or receipt handles. */
class RequestLogTest {
    private static final String TOKEN = "request-log-test-token";
    private static final Logger REQUESTS = Logger.getLogger(RequestLog.LOGGER);
    private static final List<String> lines = new ArrayList<>();
    private static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (lines) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private static LocalServer logged;
    private static LocalServer unlogged;

    @BeforeAll
    static void startServers() throws Exception {
        REQUESTS.addHandler(capture);
        logged = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", TOKEN).withRequestLog());
        unlogged = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", TOKEN));
    }

    @AfterAll
    static void stopServers() {
        logged.close();
        unlogged.close();
        REQUESTS.removeHandler(capture);
    }

    @Test
    void eachRequest_isOneLine_ofMethodPathStatusMillisAndRequestId() throws InterruptedException {
        HttpResponse<String> response = new HttpTestClient(logged.baseUrl(), TOKEN).get("/v1/queues/no-such-queue");
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();

        assertThat(linesWith(requestId))
                .singleElement()
                .asString()
                .matches("INFO GET /v1/queues/no-such-queue 404 \\d+ ms " + requestId);
    }

    @Test
    void refusedRequest_isLogged_withoutTheTokenItCarried() throws InterruptedException {
        HttpResponse<String> response = new HttpTestClient(logged.baseUrl(), "wrong-" + TOKEN).get("/health");
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();

        assertThat(linesWith(requestId))
                .singleElement()
                .asString()
                .matches("INFO GET /health 401 \\d+ ms " + requestId)
                .doesNotContain(TOKEN);
    }

    @Test
    void bodies_areNeverLogged() throws InterruptedException {
        HttpTestClient http = new HttpTestClient(logged.baseUrl(), TOKEN);
        http.put("/v1/queues/log-bodies", "{}");

        HttpResponse<String> sent = http.post("/v1/queues/log-bodies/messages", "{\"body\": \"secret-body-text\"}");
        HttpResponse<String> received = http.post("/v1/queues/log-bodies/receive", "{\"maxMessages\": 1}");

        assertThat(json(received).path("messages").get(0).path("body").asText()).isEqualTo("secret-body-text");
        assertThat(linesWith(requestId(sent)))
                .singleElement()
                .asString()
                .matches("INFO POST /v1/queues/log-bodies/messages 200 \\d+ ms " + requestId(sent));
        assertThat(linesWith(requestId(received)))
                .singleElement()
                .asString()
                .matches("INFO POST /v1/queues/log-bodies/receive 200 \\d+ ms " + requestId(received));
        assertThat(allLines()).noneMatch(line -> line.contains("secret-body-text"));
    }

    @Test
    void receiptHandleInAPath_isReplacedByItsDigest() throws InterruptedException {
        HttpTestClient http = new HttpTestClient(logged.baseUrl(), TOKEN);
        http.put("/v1/queues/log-handles", "{}");
        http.post("/v1/queues/log-handles/messages", "{\"messages\": [{\"body\": \"one\"}, {\"body\": \"two\"}]}");
        String first = receiveHandle(http, "log-handles");
        String second = receiveHandle(http, "log-handles");

        HttpResponse<String> ackedFirst = http.delete("/v1/queues/log-handles/messages/" + first);
        HttpResponse<String> ackedSecond = http.delete("/v1/queues/log-handles/messages/" + second);

        assertThat(ackedFirst.statusCode()).isEqualTo(204);
        assertThat(linesWith(requestId(ackedFirst)))
                .singleElement()
                .asString()
                .startsWith(
                        "INFO DELETE /v1/queues/log-handles/messages/[handle:" + RequestLog.digest(first) + "] 204 ");
        assertThat(linesWith(requestId(ackedSecond)))
                .singleElement()
                .asString()
                .startsWith(
                        "INFO DELETE /v1/queues/log-handles/messages/[handle:" + RequestLog.digest(second) + "] 204 ");
        assertThat(RequestLog.digest(first)).isNotEqualTo(RequestLog.digest(second));
        // no part of a handle that a line would help to complete
        assertThat(allLines())
                .noneMatch(line -> line.contains(first.substring(first.length() - 8))
                        || line.contains(second.substring(second.length() - 8)));
    }

    @Test
    void receiptHandleSentWithAnotherMethod_isReplacedToo() {
        String handle = "AAAABBBBCCCCDDDDEEEEFFFF";

        assertThat(RequestLog.loggablePath("/v1/queues/q/messages/" + handle))
                .isEqualTo("/v1/queues/q/messages/[handle:" + RequestLog.digest(handle) + "]");
    }

    @Test
    void percentEncodedReceiptHandle_isReplacedWhole() {
        assertThat(RequestLog.loggablePath("/v1/queues/q/messages/AAAA%2EBBBB"))
                .isEqualTo("/v1/queues/q/messages/[handle:" + RequestLog.digest("AAAA.BBBB") + "]");
    }

    @Test
    void controlCharactersInAPath_cannotForgeALine() {
        assertThat(RequestLog.loggablePath("/v1/queues/a\nINFO GET /health 200"))
                .doesNotContain("\n");
    }

    @Test
    void withoutTheRequestLog_nothingIsLogged() throws InterruptedException {
        HttpResponse<String> unseen = new HttpTestClient(unlogged.baseUrl(), TOKEN).get("/health");
        // a logged request after it: once its line is there, a line of the first would be there too
        HttpResponse<String> seen = new HttpTestClient(logged.baseUrl(), TOKEN).get("/health");

        assertThat(unseen.statusCode()).isEqualTo(200);
        assertThat(linesWith(requestId(seen))).hasSize(1);
        assertThat(allLines()).noneMatch(line -> line.contains(requestId(unseen)));
    }

    @Test
    void command_logsRequests_onlyWhenAsked() {
        Main byDefault = new Main();
        new CommandLine(byDefault).parseArgs("--in-memory");
        Main asked = new Main();
        new CommandLine(asked).parseArgs("--in-memory", "--log-requests");

        assertThat(byDefault.options().logRequests()).isFalse();
        assertThat(asked.options().logRequests()).isTrue();
    }

    private static String receiveHandle(HttpTestClient http, String queue) {
        JsonNode messages = json(http.post("/v1/queues/" + queue + "/receive", "{\"maxMessages\": 1}"))
                .path("messages");
        assertThat(messages).hasSize(1);
        return messages.get(0).path("receiptHandle").asText();
    }

    private static String requestId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /**
     * The lines naming a request. The line is written once the answer is out, so the client may see the
     * answer a moment before it: this waits for the first such line.
     */
    private static List<String> linesWith(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> found = List.of();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            found = allLines().stream().filter(line -> line.contains(requestId)).toList();
        }
        return found;
    }

    private static List<String> allLines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
