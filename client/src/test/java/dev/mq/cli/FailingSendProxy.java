package dev.mq.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mq.client.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through in front of the test server that fails two of the first four sends while all four are in
 * flight: the 2nd is stored and then answered 503 (its outcome is unknown to the client), the 3rd is
 * answered 429 without being stored (refused). The 1st and 4th are answered after both failures, and every
 * later request passes through.
 */
final class FailingSendProxy implements AutoCloseable {
    private static final int IN_FLIGHT = 4;

    private final HttpServer server;
    private final HttpClient forwarder = HttpClient.newHttpClient();
    private final AtomicInteger sends = new AtomicInteger();
    private final CountDownLatch allInFlight = new CountDownLatch(IN_FLIGHT);
    private final CountDownLatch failuresAnswered = new CountDownLatch(2);

    FailingSendProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "failing-send-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean send = exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().endsWith("/messages");
        int n = send ? sends.incrementAndGet() : 0;
        if (n >= 1 && n <= IN_FLIGHT) {
            allInFlight.countDown();
            await(allInFlight);
        }
        switch (n) {
            case 2 -> {
                forward(exchange, body);
                error(exchange, 503, "Unavailable");
                failuresAnswered.countDown();
            }
            case 3 -> {
                error(exchange, 429, "Throttled");
                failuresAnswered.countDown();
            }
            default -> {
                if (n == 1 || n == IN_FLIGHT) {
                    await(failuresAnswered);
                }
                HttpResponse<byte[]> real = forward(exchange, body);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(real.statusCode(), real.body().length == 0 ? -1 : real.body().length);
                exchange.getResponseBody().write(real.body());
                exchange.close();
            }
        }
    }

    /** Waits for the others; bounded, so a client that sends fewer batches at once fails its test, not hangs. */
    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IOException("the client did not send " + IN_FLIGHT + " batches at once");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException {
        URI target = URI.create(TestServer.url().toString().replaceAll("/$", "") + exchange.getRequestURI());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).method(exchange.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
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

    private static void error(HttpExchange exchange, int status, String code) throws IOException {
        byte[] bytes = ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"injected " + status + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
