package dev.mq.cli;

import com.sun.net.httpserver.HttpExchange;
import dev.mq.client.TestProxy;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
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

    private final TestProxy proxy;
    private final AtomicInteger sends = new AtomicInteger();
    private final CountDownLatch allInFlight = new CountDownLatch(IN_FLIGHT);
    private final CountDownLatch failuresAnswered = new CountDownLatch(2);

    FailingSendProxy() throws IOException {
        proxy = new TestProxy("failing-send-proxy", this::answer);
    }

    String url() {
        return proxy.url();
    }

    @Override
    public void close() {
        proxy.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean send = exchange.getRequestMethod().equals("POST")
                && exchange.getRequestURI().getPath().endsWith("/messages");
        int n = send ? sends.incrementAndGet() : 0;
        if (n >= 1 && n <= IN_FLIGHT) {
            allInFlight.countDown();
            await(allInFlight);
        }
        switch (n) {
            case 2 -> {
                proxy.forward(exchange, body);
                TestProxy.error(exchange, 503, "Unavailable");
                failuresAnswered.countDown();
            }
            case 3 -> {
                TestProxy.error(exchange, 429, "Throttled");
                failuresAnswered.countDown();
            }
            default -> {
                if (n == 1 || n == IN_FLIGHT) {
                    await(failuresAnswered);
                }
                TestProxy.relay(exchange, proxy.forward(exchange, body));
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
}
