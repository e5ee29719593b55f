package dev.mq.core;

import dev.mq.model.QueueException;

/** What became of one handle of a batch ack: acked, or refused with {@code error} (an invalid handle, a lost lease). */
public record AckOutcome(String receiptHandle, QueueException error) {
    public static AckOutcome acked(String receiptHandle) {
        return new AckOutcome(receiptHandle, null);
    }

    public static AckOutcome refused(String receiptHandle, QueueException error) {
        return new AckOutcome(receiptHandle, error);
    }

    public boolean ok() {
        return error == null;
    }
}
