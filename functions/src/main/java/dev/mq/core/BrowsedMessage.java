package dev.mq.core;

import dev.mq.core.StoredMessage.MessageState;
import java.time.Instant;
import java.util.Map;

/**
 * A message as browsing shows it: its state now, and no receipt handle (browsing leases nothing);
 * {@code attributeTypes}: as {@link MessageToSend#attributeTypes()}.
 */
public record BrowsedMessage(
        String messageId,
        String body,
        Map<String, String> attributes,
        MessageState state,
        int receiveCount,
        Instant sentAt,
        Instant firstReceivedAt,
        String groupId,
        String deduplicationId,
        Map<String, String> attributeTypes) {

    public BrowsedMessage {
        attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
    }

    /** A message whose attributes are all of type {@code String}. */
    public BrowsedMessage(
            String messageId,
            String body,
            Map<String, String> attributes,
            MessageState state,
            int receiveCount,
            Instant sentAt,
            Instant firstReceivedAt,
            String groupId,
            String deduplicationId) {
        this(
                messageId,
                body,
                attributes,
                state,
                receiveCount,
                sentAt,
                firstReceivedAt,
                groupId,
                deduplicationId,
                Map.of());
    }
}
