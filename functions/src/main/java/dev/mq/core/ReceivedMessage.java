package dev.mq.core;

import java.time.Instant;
import java.util.Map;

/** A message a receive leased: {@code receiptHandle} names this lease, the one that may ack or extend it. */
public record ReceivedMessage(
        String messageId,
        String body,
        Map<String, String> attributes,
        String receiptHandle,
        int receiveCount,
        Instant sentAt,
        Instant firstReceivedAt,
        String groupId,
        String deduplicationId) {}
