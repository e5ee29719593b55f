package dev.mq.core;

import java.time.Instant;
import java.util.Map;

/**
 * A message as stored, with its lease state. {@code leaseToken} is null until the first receive and
 * changes on every receive, so it names the one receipt that may ack or extend the message.
 *
 * @param messageId what the message is known by, for as long as it exists: moves to a dead-letter queue
 *     and redrives keep it, while its {@code key} places it in the queue it is in now
 * @param sourceQueue the queue a dead-lettered message came from, where a redrive returns it; else null
 * @param attributeTypes the SQS data type of each attribute not of plain {@code String}; never null
 */
public record StoredMessage(
        MessageKey key,
        String messageId,
        String body,
        Map<String, String> attributes,
        Instant sentAt,
        Instant visibleAt,
        String leaseToken,
        int receiveCount,
        Instant firstReceivedAt,
        String groupId,
        String deduplicationId,
        Instant expiresAt,
        String sourceQueue,
        Map<String, String> attributeTypes) {

    public StoredMessage {
        attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
    }

    /** A message whose attributes are all of type {@code String}. */
    public StoredMessage(
            MessageKey key,
            String messageId,
            String body,
            Map<String, String> attributes,
            Instant sentAt,
            Instant visibleAt,
            String leaseToken,
            int receiveCount,
            Instant firstReceivedAt,
            String groupId,
            String deduplicationId,
            Instant expiresAt,
            String sourceQueue) {
        this(
                key,
                messageId,
                body,
                attributes,
                sentAt,
                visibleAt,
                leaseToken,
                receiveCount,
                firstReceivedAt,
                groupId,
                deduplicationId,
                expiresAt,
                sourceQueue,
                Map.of());
    }

    /**
     * A message as a send writes it: never received, visible from {@code visibleAt}, kept until
     * {@code expiresAt}; {@link #inGroup} and {@link #deduplicatedBy} add what a send may carry besides.
     */
    public static StoredMessage sent(
            MessageKey key,
            String messageId,
            String body,
            Map<String, String> attributes,
            Instant sentAt,
            Instant visibleAt,
            Instant expiresAt) {
        return new StoredMessage(
                key, messageId, body, attributes, sentAt, visibleAt, null, 0, null, null, null, expiresAt, null);
    }

    /** The same message in FIFO group {@code groupId} (null: none). */
    public StoredMessage inGroup(String groupId) {
        return new StoredMessage(
                key,
                messageId,
                body,
                attributes,
                sentAt,
                visibleAt,
                leaseToken,
                receiveCount,
                firstReceivedAt,
                groupId,
                deduplicationId,
                expiresAt,
                sourceQueue,
                attributeTypes);
    }

    /** The same message with attributes typed by {@code attributeTypes} (see {@link MessageToSend}). */
    public StoredMessage typed(Map<String, String> attributeTypes) {
        return new StoredMessage(
                key,
                messageId,
                body,
                attributes,
                sentAt,
                visibleAt,
                leaseToken,
                receiveCount,
                firstReceivedAt,
                groupId,
                deduplicationId,
                expiresAt,
                sourceQueue,
                attributeTypes);
    }

    /** The same message, deduplicated by {@code deduplicationId} (null: not deduplicated). */
    public StoredMessage deduplicatedBy(String deduplicationId) {
        return new StoredMessage(
                key,
                messageId,
                body,
                attributes,
                sentAt,
                visibleAt,
                leaseToken,
                receiveCount,
                firstReceivedAt,
                groupId,
                deduplicationId,
                expiresAt,
                sourceQueue,
                attributeTypes);
    }

    public boolean visibleAt(Instant now) {
        return !visibleAt.isAfter(now);
    }

    public boolean expiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** As browsing and stats show it: never received and not yet due is delayed; received and hidden is in flight. */
    public MessageState stateAt(Instant now) {
        if (visibleAt(now)) {
            return MessageState.VISIBLE;
        }
        return receiveCount == 0 ? MessageState.DELAYED : MessageState.IN_FLIGHT;
    }

    /**
     * The same message, with the same messageId, placed at {@code target} (another queue, or a new
     * position in this one), not leased, visible from {@code now}.
     */
    public StoredMessage movedTo(MessageKey target, Instant now, Instant expires, int receives, String source) {
        return new StoredMessage(
                target,
                messageId,
                body,
                attributes,
                sentAt,
                now,
                null,
                receives,
                firstReceivedAt,
                groupId,
                deduplicationId,
                expires,
                source,
                attributeTypes);
    }

    /** The same message at {@code at}, leased with {@code token} until {@code until}: one more receive. */
    public StoredMessage leased(MessageKey at, String token, Instant until, Instant now) {
        return new StoredMessage(
                at,
                messageId,
                body,
                attributes,
                sentAt,
                until,
                token,
                receiveCount + 1,
                firstReceivedAt != null ? firstReceivedAt : now,
                groupId,
                deduplicationId,
                expiresAt,
                sourceQueue,
                attributeTypes);
    }

    /** The same message, lease and all, at {@code at}, visible from {@code visibleAt}. */
    public StoredMessage placed(MessageKey at, Instant visibleAt) {
        return new StoredMessage(
                at,
                messageId,
                body,
                attributes,
                sentAt,
                visibleAt,
                leaseToken,
                receiveCount,
                firstReceivedAt,
                groupId,
                deduplicationId,
                expiresAt,
                sourceQueue,
                attributeTypes);
    }

    public enum MessageState {
        VISIBLE,
        IN_FLIGHT,
        DELAYED
    }
}
