package dev.mq.delivery;

import dev.mq.core.Consumer;

/**
 * Hands a push event to a consumer and brings back its answer: a Lambda function ({@link LambdaInvoker})
 * or a signed POST to an endpoint ({@link EndpointInvoker}). An invoker never throws for a failure of the
 * consumer (an error, a timeout, a refusal): it answers {@link Result.Failed}, and the batch stays leased.
 */
public interface PushInvoker {
    /** Invokes {@code consumer} with {@code event} (the JSON of {@link PushEvent}) and waits for the answer. */
    Result invoke(Consumer consumer, byte[] event);

    /** What an invocation came to. */
    sealed interface Result {
        /** The consumer ran and answered {@code payload} (an SQSBatchResponse, or nothing). */
        record Answered(byte[] payload) implements Result {}

        /** It failed as a whole; {@code detail} says how (never a payload or a secret), for the log. */
        record Failed(String detail) implements Result {}
    }
}
