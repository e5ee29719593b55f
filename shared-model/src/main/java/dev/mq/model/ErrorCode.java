package dev.mq.model;

/**
 * Every error the API answers, by its wire code. Which HTTP status each one answers with is the HTTP
 * edge's to say (the functions' {@code ErrorStatuses}); a client reads the status from the answer.
 */
public enum ErrorCode {
    INVALID_REQUEST("InvalidRequest"),
    TOO_MANY_ENTRIES("TooManyEntries"),
    EMPTY_BATCH("EmptyBatch"),
    INVALID_RECEIPT_HANDLE("InvalidReceiptHandle"),
    UNAUTHORIZED("Unauthorized"),
    FORBIDDEN("Forbidden"),
    QUEUE_NOT_FOUND("QueueNotFound"),
    TOPIC_NOT_FOUND("TopicNotFound"),
    SUBSCRIPTION_NOT_FOUND("SubscriptionNotFound"),
    CONSUMER_NOT_FOUND("ConsumerNotFound"),
    /** A path that names no resource of the API. */
    NOT_FOUND("NotFound"),
    /** A known path with a method it does not serve. */
    METHOD_NOT_ALLOWED("MethodNotAllowed"),
    QUEUE_ALREADY_EXISTS("QueueAlreadyExists"),
    /** A PUT of an existing consumer with other settings: delete it first to change them. */
    CONSUMER_ALREADY_EXISTS("ConsumerAlreadyExists"),
    LEASE_LOST("LeaseLost"),
    /** A delete of a queue that others still rely on (they name it as their dead-letter queue). */
    QUEUE_IN_USE("QueueInUse"),
    PAYLOAD_TOO_LARGE("PayloadTooLarge"),
    THROTTLED("Throttled"),
    INTERNAL_ERROR("InternalError"),
    UNAVAILABLE("Unavailable"),
    TIMEOUT("Timeout");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** The code as it appears in {@code {"error": {"code": ...}}}. */
    public String code() {
        return code;
    }

    public static ErrorCode fromCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown error code " + code);
    }
}
