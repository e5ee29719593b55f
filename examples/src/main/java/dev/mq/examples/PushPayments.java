package dev.mq.examples;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.mq.client.MqClient;
import dev.mq.client.PushConsumerHost;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Order payments with a push consumer: the queue hands batches of orders to a handler written for SQS on
 * Lambda, and nothing polls. The card gateway declines the first try of every fifth order; the handler
 * reports those as batch item failures, so only they come back, after the visibility timeout, and are
 * charged then. Locally {@link PushConsumerHost} runs the handler behind a loopback endpoint; on AWS the
 * same class is the Lambda function a {@code function} consumer names.
 */
public final class PushPayments {
    /** Charges per order id (each should be 1) and the declines the handler reported. */
    public record Result(Map<String, Integer> charges, int declines) {}

    /** The handler as deployed to Lambda: charges each order, reports the declined ones for a retry. */
    public static final class PaymentHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
        final Map<String, Integer> charges = new ConcurrentHashMap<>();
        final AtomicInteger declines = new AtomicInteger();

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage order : event.getRecords()) {
                if (gatewayDeclines(order)) {
                    declines.incrementAndGet();
                    failures.add(new SQSBatchResponse.BatchItemFailure(order.getMessageId()));
                } else {
                    charges.merge(order.getBody(), 1, Integer::sum);
                }
            }
            return new SQSBatchResponse(failures);
        }

        private static boolean gatewayDeclines(SQSEvent.SQSMessage order) {
            int number = Integer.parseInt(order.getBody().substring("order-".length()));
            return number % 5 == 0 && "1".equals(order.getAttributes().get("ApproximateReceiveCount"));
        }
    }

    private final MqClient mq;
    private final String queue;
    private final PrintStream out;

    public PushPayments(MqClient mq, String prefix, PrintStream out) {
        this.mq = mq;
        this.queue = prefix + "payments";
        this.out = out;
    }

    public Result run(int orders) throws InterruptedException {
        mq.createQueue(queue, Map.of("visibilityTimeoutSeconds", 2)); // a declined order is retried 2 s later
        PaymentHandler handler = new PaymentHandler();
        try (PushConsumerHost host =
                PushConsumerHost.builder(mq, queue).batchSize(10).start(handler)) {
            out.printf("push consumer %s of %s at %s%n", host.name(), queue, host.endpoint());
            for (int i = 1; i <= orders; i++) {
                mq.send(queue, "order-" + i);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (handler.charges.size() < orders && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            mq.deleteQueue(queue);
        }
        out.printf(
                "%d orders charged, %d declines retried through batchItemFailures%n",
                handler.charges.size(), handler.declines.get());
        return new Result(Map.copyOf(handler.charges), handler.declines.get());
    }
}
