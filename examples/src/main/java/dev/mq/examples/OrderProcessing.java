package dev.mq.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * <p>Each order is sent with its order id as {@code deduplicationId}, so the shop may retry a send whose
 * answer was lost and the order is still queued once. Payment is idempotent by order id too: delivery is
 * at least once, so a worker never charges twice.
 */
public final class OrderProcessing {
    /** An order as the shop puts it on the queue, in JSON. The amount is text: a broken one is the poison. */
    public record Order(String orderId, String amount) {}

    /** What happened: orders charged, charges refused as already done, failures, dead letters redriven. */
    public record Result(
            int orders, int charged, int duplicatesIgnored, int gatewayFailures, int deadLettered, int redriven) {}

    private static final ObjectMapper JSON = new ObjectMapper();

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

    public Result run(int orderCount) throws Exception {
        mq.createQueue(deadLetters);
        mq.createQueue(
                orders, Map.of("visibilityTimeoutSeconds", 10, "deadLetterQueue", deadLetters, "maxReceiveCount", 3));
        try {
            return process(orderCount);
        } finally {
            mq.deleteQueue(orders);
            mq.deleteQueue(deadLetters);
        }
    }

    private Result process(int orderCount) throws Exception {
        // the shop: one message per order; order 13 has a broken amount
        for (int i = 1; i <= orderCount; i++) {
            Order order = new Order("order-" + i, i == 13 ? "twelve" : Integer.toString(10 * i));
            mq.send(
                    orders,
                    Message.of(JSON.writeValueAsString(order))
                            .withDeduplicationId(order.orderId())
                            .withAttribute("type", "order"));
        }
        out.printf("placed %d orders on %s%n", orderCount, orders);

        QueueConsumer.Settings settings = QueueConsumer.Settings.defaults()
                .withThreads(4)
                .withWaitSeconds(1)
                .withVisibilityTimeout(Duration.ofSeconds(10))
                .withRetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
        AtomicInteger failures = new AtomicInteger();
        int redriven;
        try (QueueConsumer payments = QueueConsumer.start(mq, orders, settings, message -> {
            try {
                pay(message.body());
            } catch (Exception e) {
                failures.incrementAndGet();
                throw e;
            }
        })) {
            waitFor(() -> charged.size() == orderCount - 1 && deadLetterCount() == 1, Duration.ofSeconds(60));
            out.printf(
                    "paid %d orders; %d payment attempts failed and were retried; 1 order is in %s%n",
                    charged.size(), failures.get(), deadLetters);

            fixed = true; // the worker now reads amounts written out in words
            redriven = mq.redrive(deadLetters, null, 10);
            out.printf("after the fix, redrove %d order from %s%n", redriven, deadLetters);
            waitFor(() -> charged.size() == orderCount, Duration.ofSeconds(60));
        }
        out.printf(
                "all %d orders paid once each (%d duplicate deliveries ignored)%n", charged.size(), duplicates.get());
        return new Result(orderCount, charged.size(), duplicates.get(), failures.get(), 1, redriven);
    }

    /** The payment worker's job. Throws for a gateway error or an amount it cannot read. */
    private void pay(String body) throws Exception {
        Order order = JSON.readValue(body, Order.class);
        String id = order.orderId();
        if (!order.amount().matches("\\d+") && !(fixed && order.amount().equals("twelve"))) {
            throw new IllegalArgumentException("order " + id + ": amount '" + order.amount() + "' is not a number");
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
