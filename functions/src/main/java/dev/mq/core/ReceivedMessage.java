package dev.mq.core;

import java.time.Instant;
import java.util.Map;

/**
 * A message a receive leased: {@code receiptHandle} names this lease, the one that may ack or extend it.
 * {@code attributeTypes}: as {@link MessageToSend#attributeTypes()}.
 */
public record ReceivedMessage(
        String messageId,
        String body,
        Map<String, String> attributes,
        String receiptHandle,
        int receiveCount,
        Instant sentAt,
        Instant firstReceivedAt,
        String groupId,
        String deduplicationId,
        Map<String, String> attributeTypes) {

    public ReceivedMessage {
        attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
    }

    /** A message whose attributes are all of type {@code String}. */
    public ReceivedMessage(
            String messageId,
            String body,
            Map<String, String> attributes,
            String receiptHandle,
            int receiveCount,
            Instant sentAt,
            Instant firstReceivedAt,
            String groupId,
            String deduplicationId) {
        this(
                messageId,
                body,
                attributes,
                receiptHandle,
                receiveCount,
                sentAt,
                firstReceivedAt,
                groupId,
                deduplicationId,
                Map.of());
    }
}
