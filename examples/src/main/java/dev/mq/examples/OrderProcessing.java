package dev.mq.examples;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.QueueConsumer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * E-commerce order processing. The shop puts each order on a queue; a pool of payment workers charges
 * them. The payment gateway fails now and then (the worker gives the order back and it comes again after
 * a backoff), and one order is malformed: it fails every time, so after three tries the queue moves it
 * to the dead-letter queue instead of blocking the others. After the fix the order is redriven and paid.
 *
 * <p>Payment is idempotent by order id: delivery is at least once, so a worker never charges twice.
 */
public final class OrderProcessing {
    /** What happened: orders charged, charges refused as already done, failures, dead letters redriven. */
    public record Result(int orders, int charged, int duplicatesIgnored, int gatewayFailures, int deadLettered,
                         int redriven) {}

    private final MqClient mq;
    private final String orders;
    private final String deadLetters;
    private final PrintStream out;

    private final Set<String> charged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Map<String, Boolean> gatewayFailedOnce = new ConcurrentHashMap<>();
    private volatile boolean fixed;

    public OrderProcessing(MqClient mq, String prefix, PrintStream out) {
        this.mq = mq;
        this.orders = prefix + "orders";
        this.deadLetters = prefix + "orders-dlq";
        this.out = out;
    }

    public Result run(int orderCount) throws InterruptedException {
        mq.createQueue(deadLetters);
        mq.createQueue(orders, Map.of("visibilityTimeoutSeconds", 10,
                "deadLetterQueue", deadLetters, "maxReceiveCount", 3));
        try {
            return process(orderCount);
        } finally {
            mq.deleteQueue(orders);
            mq.deleteQueue(deadLetters);
        }
    }

    private Result process(int orderCount) throws InterruptedException {
        // the shop: one message per order; order 13 has a broken amount
        for (int i = 1; i <= orderCount; i++) {
            String amount = i == 13 ? "twelve" : Integer.toString(10 * i);
            mq.send(orders, Message.of("{\"orderId\": \"order-" + i + "\", \"amount\": \"" + amount + "\"}")
                    .withAttribute("type", "order"));
        }
        out.printf("placed %d orders on %s%n", orderCount, orders);

        QueueConsumer.Settings settings = QueueConsumer.Settings.defaults().withThreads(4).withWaitSeconds(1)
                .withVisibilityTimeout(Duration.ofSeconds(10))
                .withRetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
        AtomicInteger failures = new AtomicInteger();
        int redriven;
        try (QueueConsumer payments = QueueConsumer.start(mq, orders, settings, message -> {
            try {
                pay(message.body());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        })) {
            waitFor(() -> charged.size() == orderCount - 1 && deadLetterCount() == 1, Duration.ofSeconds(60));
            out.printf("paid %d orders; %d payment attempts failed and were retried; 1 order is in %s%n",
                    charged.size(), failures.get(), deadLetters);

            fixed = true; // the worker now reads amounts written out in words
            redriven = mq.redrive(deadLetters, null, 10);
            out.printf("after the fix, redrove %d order from %s%n", redriven, deadLetters);
            waitFor(() -> charged.size() == orderCount, Duration.ofSeconds(60));
        }
        out.printf("all %d orders paid once each (%d duplicate deliveries ignored)%n", charged.size(),
                duplicates.get());
        return new Result(orderCount, charged.size(), duplicates.get(), failures.get(), 1, redriven);
    }

    /** The payment worker's job. Throws for a gateway error or an amount it cannot read. */
    private void pay(String order) {
        String id = field(order, "orderId");
        String amount = field(order, "amount");
        if (!amount.matches("\\d+") && !(fixed && amount.equals("twelve"))) {
            throw new IllegalArgumentException("order " + id + ": amount '" + amount + "' is not a number");
        }
        // the gateway refuses every fifth order once: a transient failure the retry gets past
        if (id.endsWith("5") && gatewayFailedOnce.putIfAbsent(id, true) == null) {
            throw new IllegalStateException("payment gateway timed out for " + id);
        }
        if (!charged.add(id)) {
            duplicates.incrementAndGet(); // delivered again (at least once): already charged, do nothing
        }
    }

    private int deadLetterCount() {
        return mq.browse(deadLetters, 10, null).messages().size();
    }

    /** A string field of our small JSON orders (the example keeps to the client library). */
    private static String field(String json, String name) {
        String marker = "\"" + name + "\": \"";
        int start = json.indexOf(marker) + marker.length();
        return json.substring(start, json.indexOf('"', start));
    }

    static void waitFor(java.util.function.BooleanSupplier done, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + limit.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
