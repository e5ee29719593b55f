package dev.mq.core;

/**
 * How one receive asks: at most {@code maxMessages}; {@code waitSeconds} and
 * {@code visibilityTimeoutSeconds} null take the queue's own.
 *
 * @param attemptId on a FIFO queue, names this receive so that a retry of it (a lost answer, say) gets
 *     the same messages under the same receipt handles instead of new ones (SQS's
 *     ReceiveRequestAttemptId; see {@link ReceiveAttempts}); null for none. Standard queues ignore it.
 */
public record ReceiveOptions(int maxMessages, Integer waitSeconds, Integer visibilityTimeoutSeconds, String attemptId) {

    public ReceiveOptions(int maxMessages, Integer waitSeconds, Integer visibilityTimeoutSeconds) {
        this(maxMessages, waitSeconds, visibilityTimeoutSeconds, null);
    }
}
