package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/** Requests no client should send, and what must never leak: oversized headers, huge documents, secrets in logs. */
class HostileRequestsTest {
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void oversizedHeader_isNeverA5xx_andTheServerStaysUp() throws Exception {
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null))) {
            URI base = server.baseUrl();
            String status;
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] head = in.readNBytes(12);
                status = new String(head, StandardCharsets.US_ASCII);
            } catch (java.io.IOException closed) {
                status = "closed"; // refusing by closing the connection is fine
            }
            assertThat(status).doesNotStartWith("HTTP/1.1 5");
            assertThat(get(base, "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void hugeDocuments_areTheirDocumented4xx() throws Exception {
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null))) {
            URI base = server.baseUrl();
            send(base, "PUT", "/v1/queues/big", "{}");
            String manyEntries = "{\"messages\":[" + "{\"body\":\"x\"},".repeat(200_000) + "{\"body\":\"x\"}]}";
            HttpResponse<String> tooMany = send(base, "POST", "/v1/queues/big/messages", manyEntries);
            assertThat(tooMany.statusCode()).isEqualTo(400);
            assertThat(tooMany.body()).contains("TooManyEntries");

            HttpResponse<String> hugeBody =
                    send(base, "POST", "/v1/queues/big/messages", "{\"body\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}");
            assertThat(hugeBody.statusCode()).isEqualTo(413);

            HttpResponse<String> deep = send(
                    base,
                    "POST",
                    "/v1/queues/big/messages",
                    "{\"body\":\"x\",\"attributes\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_001));
            assertThat(deep.statusCode()).isEqualTo(400);
            assertThat(get(base, "/v1/queues/big/messages").body()).isEqualTo("{\"messages\":[],\"next\":null}");
        }
    }

    @Test
    void tokensSecretsAndBodies_neverAppearInTheLogs() throws Exception {
        String token = "tok-SECRET-123";
        String secret = "hmac-SECRET-456";
        String body = "BODY-SECRET-789";
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                logged.add(format.format(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        failing.start();
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", token))) {
            URI base = server.baseUrl();
            assertThat(send(base, "PUT", "/v1/topics/t", null, token).statusCode())
                    .isEqualTo(201);
            HttpResponse<String> subscribed = send(
                    base,
                    "PUT",
                    "/v1/topics/t/subscriptions/hook",
                    "{\"endpoint\":\"http://127.0.0.1:" + failing.getAddress().getPort() + "/hook\",\"secret\":\""
                            + secret + "\"}",
                    token);
            assertThat(subscribed.body()).doesNotContain(secret);
            assertThat(send(base, "GET", "/v1/topics/t/subscriptions/hook", null, token)
                            .body())
                    .doesNotContain(secret);
            send(base, "POST", "/v1/topics/t/messages", "{\"body\":\"" + body + "\"}", token);
            send(base, "GET", "/v1/queues", null, token + "-wrong");
            send(base, "POST", "/v1/queues/nope/messages", "{\"body\":\"" + body + "\"}", token);
            Thread.sleep(3_000); // fan-out and a failing delivery attempt, which log
        } finally {
            failing.stop(0);
            root.removeHandler(capture);
            root.setLevel(before);
        }
        assertThat(logged).isNotEmpty();
        assertThat(String.join("\n", logged))
                .doesNotContain(token)
                .doesNotContain(secret)
                .doesNotContain(body);
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return send(base, "GET", path, null);
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        return send(base, method, path, body, null);
    }

    private HttpResponse<String> send(URI base, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
