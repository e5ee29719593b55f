package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.mq.delivery.DeliveryWorker;
import dev.mq.delivery.EndpointDeliverer;
import java.util.Map;

/**
 * Posts endpoint deliveries that are due: run on a schedule (EventBridge, every minute) for retries,
 * and by the delivery queue's stream for first attempts. Whatever the event, it delivers until nothing
 * is due or the invocation's time runs low; a job it cannot finish comes back when its lease ends.
 */
public final class DeliveryHandler implements RequestHandler<Map<String, Object>, Void> {
    /** The retry budget: attempts before a payload goes to the subscription's dead-letter queue. */
    public static final String MAX_ATTEMPTS_ENV = "MQ_DELIVERY_MAX_ATTEMPTS";
    /** Room for a last round's attempts (at most ~20 s) and their acknowledgements. */
    static final long RESERVE_MILLIS = 30_000;

    private final DeliveryWorker worker;

    public DeliveryHandler() {
        this(new DeliveryWorker(
                FunctionRuntime.topics(),
                FunctionRuntime.service(),
                new EndpointDeliverer(),
                settings(System.getenv(MAX_ATTEMPTS_ENV))));
        Priming.register(() -> FunctionRuntime.service().checkHealth());
    }

    public DeliveryHandler(DeliveryWorker worker) {
        this.worker = worker;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try {
            worker.drain(() -> context.getRemainingTimeInMillis() > RESERVE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    static DeliveryWorker.Settings settings(String maxAttempts) {
        DeliveryWorker.Settings defaults = DeliveryWorker.Settings.defaults();
        if (maxAttempts == null || maxAttempts.isBlank()) {
            return defaults;
        }
        try {
            return defaults.withMaxAttempts(Integer.parseInt(maxAttempts.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(MAX_ATTEMPTS_ENV + " must be a whole number 1..1000", e);
        }
    }
}
