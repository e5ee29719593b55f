package dev.mq.core;

import dev.mq.model.QueueException;

/**
 * What became of one message of a send or publish: stored under {@code messageId} (a {@code duplicate}
 * of one sent within the deduplication window answers that one's id), or, in a batch, refused with
 * {@code error}.
 */
public record SendOutcome(String messageId, boolean duplicate, QueueException error) {
    public static SendOutcome sent(String messageId, boolean duplicate) {
        return new SendOutcome(messageId, duplicate, null);
    }

    public static SendOutcome refused(QueueException error) {
        return new SendOutcome(null, false, error);
    }
}
