package dev.mq.core;

import dev.mq.model.AttributeTypes;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One message to send to a queue or publish to a topic, valid in itself (the edge checked its fields);
 * the queue's or topic's own rules are checked by the service.
 *
 * @param delaySeconds null: the queue's delay
 * @param deliverAt null: not scheduled; exclusive with {@code delaySeconds}
 * @param deduplicationId null: deduplicated by content only where the queue says so
 * @param groupId a FIFO queue's message group; null elsewhere
 * @param attributeTypes the SQS data type of each attribute whose type is not plain {@code String} (see
 *     {@link AttributeTypes}); never null, empty when all are {@code String}
 */
public record MessageToSend(
        String body,
        Map<String, String> attributes,
        Integer delaySeconds,
        Instant deliverAt,
        String deduplicationId,
        String groupId,
        Map<String, String> attributeTypes) {

    /** Checks the types against the values they type ({@code InvalidRequest} when one does not fit). */
    public MessageToSend {
        attributeTypes = AttributeTypes.checked(attributes, attributeTypes);
    }

    /** A message whose attributes are all of type {@code String}. */
    public MessageToSend(
            String body,
            Map<String, String> attributes,
            Integer delaySeconds,
            Instant deliverAt,
            String deduplicationId,
            String groupId) {
        this(body, attributes, delaySeconds, deliverAt, deduplicationId, groupId, Map.of());
    }

    /** A plain message: a body and nothing else. */
    public static MessageToSend of(String body) {
        return new MessageToSend(body, Map.of(), null, null, null, null);
    }

    /**
     * Refuses a message whose body plus attribute names, values and types (the implicit {@code String}
     * counting nothing) exceed {@code maxBytes} in UTF-8,
     * with {@code PayloadTooLarge}; {@code holder} names what sets the limit ("this queue").
     */
    void requireSizeAtMost(int maxBytes, String holder) {
        long size = utf8Length(body) + AttributeTypes.sizeOf(attributeTypes);
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            size += utf8Length(a.getKey()) + utf8Length(a.getValue());
        }
        if (size > maxBytes) {
            throw new QueueException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the message holds " + size + " bytes (body and attributes, UTF-8); " + holder + " takes at most "
                            + maxBytes);
        }
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
