package dev.mq.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mq.model.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through in front of the test server that counts the requests a client makes, by method and last
 * path segment ({@code "POST receive"}, {@code "POST ack"}, {@code "DELETE <handle>"} counts as
 * {@code "DELETE message"}), and the receives that answered at least one message.
 */
final class CountingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient forwarder = HttpClient.newHttpClient();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger receivesWithMessages = new AtomicInteger();

    CountingProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::forward);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "counting-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** A client of the test server through this proxy. */
    MqClient client() {
        return MqClient.builder().endpoint("http://127.0.0.1:" + server.getAddress().getPort()).build();
    }

    int count(String methodAndOperation) {
        AtomicInteger n = requests.get(methodAndOperation);
        return n == null ? 0 : n.get();
    }

    int receivesWithMessages() {
        return receivesWithMessages.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void forward(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String operation = method.equals("DELETE") && path.contains("/messages/") ? "message"
                : path.substring(path.lastIndexOf('/') + 1);
        requests.computeIfAbsent(method + " " + operation, k -> new AtomicInteger()).incrementAndGet();

        byte[] body = exchange.getRequestBody().readAllBytes();
        URI target = URI.create(TestServer.url().toString().replaceAll("/$", "") + exchange.getRequestURI());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).method(method,
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> answer;
        try {
            answer = forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (operation.equals("receive") && answer.statusCode() == 200) {
            JsonNode messages = Json.MAPPER.readTree(answer.body()).path("messages");
            if (messages.size() > 0) {
                receivesWithMessages.incrementAndGet();
            }
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
        exchange.getResponseBody().write(answer.body());
        exchange.close();
    }
}
