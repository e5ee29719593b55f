package dev.mq.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.mq.model.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through in front of the test server that counts the requests a client makes, by method and last
 * path segment ({@code "POST receive"}, {@code "POST ack"}, {@code "DELETE <handle>"} counts as
 * {@code "DELETE message"}), and the receives that answered at least one message.
 */
final class CountingProxy implements AutoCloseable {
    private final TestProxy proxy;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger receivesWithMessages = new AtomicInteger();

    CountingProxy() throws IOException {
        proxy = new TestProxy("counting-proxy", this::forward);
    }

    /** A client of the test server through this proxy. */
    MqClient client() {
        return MqClient.builder().endpoint(proxy.url()).build();
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
        proxy.close();
    }

    private void forward(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String operation = method.equals("DELETE") && path.contains("/messages/")
                ? "message"
                : path.substring(path.lastIndexOf('/') + 1);
        requests.computeIfAbsent(method + " " + operation, k -> new AtomicInteger())
                .incrementAndGet();

        HttpResponse<byte[]> answer =
                proxy.forward(exchange, exchange.getRequestBody().readAllBytes());
        if (operation.equals("receive") && answer.statusCode() == 200) {
            JsonNode messages = Json.MAPPER.readTree(answer.body()).path("messages");
            if (messages.size() > 0) {
                receivesWithMessages.incrementAndGet();
            }
        }
        TestProxy.relay(exchange, answer);
    }
}
