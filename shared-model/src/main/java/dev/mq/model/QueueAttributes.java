package dev.mq.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * A queue's settings, with the API's defaults and ranges. A dead-letter queue always comes with its
 * {@code maxReceiveCount}; whether it exists, is of the same kind and admits this queue (its
 * {@code redriveAllowPolicy}) is checked by the service.
 */
public record QueueAttributes(
        int visibilityTimeoutSeconds,
        int messageRetentionSeconds,
        int delaySeconds,
        int receiveWaitSeconds,
        int maxMessageBytes,
        int deduplicationWindowSeconds,
        boolean contentBasedDeduplication,
        String deadLetterQueue,
        Integer maxReceiveCount,
        RedriveAllowPolicy redriveAllowPolicy) {

    public static final int MAX_VISIBILITY_TIMEOUT = 43_200;
    public static final int MAX_DELAY = 900;
    public static final int MAX_WAIT = 20;
    public static final int MAX_MESSAGE_BYTES = 262_144;

    private static final Set<String> FIELDS = Set.of(
            "visibilityTimeoutSeconds",
            "messageRetentionSeconds",
            "delaySeconds",
            "receiveWaitSeconds",
            "maxMessageBytes",
            "deduplicationWindowSeconds",
            "contentBasedDeduplication",
            "deadLetterQueue",
            "maxReceiveCount",
            "redriveAllowPolicy");

    /** No policy given means the default, every queue may use this one as its dead-letter queue. */
    public QueueAttributes {
        if (redriveAllowPolicy == null) {
            redriveAllowPolicy = RedriveAllowPolicy.ALLOW_ALL;
        }
    }

    /** The settings without a redrive allow policy of their own: every queue may name this one. */
    public QueueAttributes(
            int visibilityTimeoutSeconds,
            int messageRetentionSeconds,
            int delaySeconds,
            int receiveWaitSeconds,
            int maxMessageBytes,
            int deduplicationWindowSeconds,
            boolean contentBasedDeduplication,
            String deadLetterQueue,
            Integer maxReceiveCount) {
        this(
                visibilityTimeoutSeconds,
                messageRetentionSeconds,
                delaySeconds,
                receiveWaitSeconds,
                maxMessageBytes,
                deduplicationWindowSeconds,
                contentBasedDeduplication,
                deadLetterQueue,
                maxReceiveCount,
                RedriveAllowPolicy.ALLOW_ALL);
    }

    public static QueueAttributes defaults() {
        return new QueueAttributes(30, 345_600, 0, 0, MAX_MESSAGE_BYTES, 300, false, null, null);
    }

    /**
     * Reads the attributes named in {@code body} over {@code base}: the defaults for a create, the
     * current settings for a change. In a change, {@code "deadLetterQueue": null} removes the
     * dead-letter queue together with its {@code maxReceiveCount}, and {@code "redriveAllowPolicy": null}
     * restores the default, allowAll.
     */
    public static QueueAttributes parse(ObjectNode body, QueueAttributes base) {
        Fields.onlyKnown(body, FIELDS);
        String dlq = base.deadLetterQueue;
        Integer maxReceives = base.maxReceiveCount;
        if (body.has("deadLetterQueue") && body.get("deadLetterQueue").isNull()) {
            dlq = null;
            maxReceives = null;
        } else if (Fields.present(body, "deadLetterQueue")) {
            dlq = Names.requireUserQueueName(Fields.optString(body, "deadLetterQueue"));
        }
        Integer newMax = Fields.optInt(body, "maxReceiveCount", 1, 1000);
        if (newMax != null) {
            maxReceives = newMax;
        }
        if (dlq != null && maxReceives == null) {
            throw QueueException.invalid("maxReceiveCount is required with deadLetterQueue");
        }
        if (dlq == null && maxReceives != null) {
            throw QueueException.invalid("maxReceiveCount needs a deadLetterQueue");
        }
        return new QueueAttributes(
                or(
                        Fields.optInt(body, "visibilityTimeoutSeconds", 0, MAX_VISIBILITY_TIMEOUT),
                        base.visibilityTimeoutSeconds),
                or(Fields.optInt(body, "messageRetentionSeconds", 60, 31_536_000), base.messageRetentionSeconds),
                or(Fields.optInt(body, "delaySeconds", 0, MAX_DELAY), base.delaySeconds),
                or(Fields.optInt(body, "receiveWaitSeconds", 0, MAX_WAIT), base.receiveWaitSeconds),
                or(Fields.optInt(body, "maxMessageBytes", 1, MAX_MESSAGE_BYTES), base.maxMessageBytes),
                or(Fields.optInt(body, "deduplicationWindowSeconds", 60, 86_400), base.deduplicationWindowSeconds),
                orBool(Fields.optBoolean(body, "contentBasedDeduplication"), base.contentBasedDeduplication),
                dlq,
                maxReceives,
                body.has("redriveAllowPolicy")
                        ? RedriveAllowPolicy.parse(body.get("redriveAllowPolicy"))
                        : base.redriveAllowPolicy);
    }

    /** These settings with {@code policy} deciding which queues may use this one as their dead-letter queue. */
    public QueueAttributes withRedriveAllowPolicy(RedriveAllowPolicy policy) {
        return new QueueAttributes(
                visibilityTimeoutSeconds,
                messageRetentionSeconds,
                delaySeconds,
                receiveWaitSeconds,
                maxMessageBytes,
                deduplicationWindowSeconds,
                contentBasedDeduplication,
                deadLetterQueue,
                maxReceiveCount,
                policy);
    }

    private static int or(Integer value, int fallback) {
        return value != null ? value : fallback;
    }

    private static boolean orBool(Boolean value, boolean fallback) {
        return value != null ? value : fallback;
    }
}
