package dev.mq.delivery;

import dev.mq.core.Consumer;
import dev.mq.core.EndpointPolicy;
import java.net.URI;
import java.util.concurrent.ExecutionException;

/**
 * Invokes an endpoint consumer: a POST of the event signed as topic deliveries are
 * ({@code X-Signature: sha256=<hex HMAC of the body>} with the consumer's secret), with the limits of
 * {@link EndpointDeliverer} (connection and answer timeouts, redirects never followed). A 2xx answer's
 * body is the batch response (empty: every record succeeded); any other status, a timeout or a network
 * error fails the whole batch.
 */
public final class EndpointInvoker implements PushInvoker {
    /** More than any batch response of ten records needs. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final EndpointDeliverer deliverer;
    private final EndpointPolicy endpoints;

    /** @param endpoints checks the consumer's endpoint before each POST: DNS may answer a refused address by now */
    public EndpointInvoker(EndpointDeliverer deliverer, EndpointPolicy endpoints) {
        this.deliverer = deliverer;
        this.endpoints = endpoints;
    }

    @Override
    public Result invoke(Consumer consumer, byte[] event) {
        URI endpoint;
        try {
            endpoint = endpoints.check(consumer.endpoint());
        } catch (RuntimeException refused) {
            return new Result.Failed("endpoint refused: " + refused.getMessage());
        }
        EndpointDeliverer.Exchange exchange;
        try {
            // completes normally, within the deliverer's overall limit; waiting is interruptible so a
            // stopping server need not wait for a slow endpoint
            exchange = deliverer
                    .exchange(endpoint, event, Signatures.sign(consumer.secret(), event), MAX_ANSWER_BYTES)
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result.Failed("stopped before the answer came");
        } catch (ExecutionException e) {
            return new Result.Failed(e.getCause().getClass().getSimpleName());
        }
        if (exchange.failure() != null) {
            return new Result.Failed(exchange.failure());
        }
        if (!exchange.answered2xx()) {
            return new Result.Failed("HTTP " + exchange.status());
        }
        return new Result.Answered(exchange.answer());
    }
}
