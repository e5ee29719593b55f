package dev.mq.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An HTTP server on loopback in front of the test server, for tests that count, hold, fail or lose the
 * answers to a client's requests: the handler decides, and {@link #forward}, {@link #relay} and
 * {@link #error} do the HTTP.
 */
public final class TestProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient forwarder = HttpClient.newHttpClient();

    /** Starts serving at once; each request on a daemon thread of its own, so handlers may wait. */
    public TestProxy(String name, HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", handler);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sends the request (with the body already read from it) on to the test server; answers its answer. */
    public HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException {
        URI target = URI.create(TestServer.url().toString().replaceAll("/$", "") + exchange.getRequestURI());
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .method(
                        exchange.getRequestMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            request.header("Content-Type", "application/json");
        }
        try {
            return forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Answers with the test server's answer: its status, body and request id. */
    public static void relay(HttpExchange exchange, HttpResponse<byte[]> answer) throws IOException {
        answer.headers()
                .firstValue("X-Request-Id")
                .ifPresent(id -> exchange.getResponseHeaders().add("X-Request-Id", id));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
        exchange.getResponseBody().write(answer.body());
        exchange.close();
    }

    /** Answers an error in the API's shape, as the server or a gateway in front of it would. */
    public static void error(HttpExchange exchange, int status, String code) throws IOException {
        byte[] bytes = ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"injected " + status + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
