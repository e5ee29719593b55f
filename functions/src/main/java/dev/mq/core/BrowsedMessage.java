package dev.mq.core;

import dev.mq.core.StoredMessage.MessageState;
import java.time.Instant;
import java.util.Map;

/** A message as browsing shows it: its state now, and no receipt handle (browsing leases nothing). */
public record BrowsedMessage(
        String messageId,
        String body,
        Map<String, String> attributes,
        MessageState state,
        int receiveCount,
        Instant sentAt,
        Instant firstReceivedAt,
        String groupId,
        String deduplicationId) {}
