package dev.mq.model;

/**
 * Every error the API answers, with its HTTP status and wire code. This enum is the one place where
 * an error becomes a status: handlers, the local server and the client all read it from here.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "InvalidRequest"),
    TOO_MANY_ENTRIES(400, "TooManyEntries"),
    EMPTY_BATCH(400, "EmptyBatch"),
    INVALID_RECEIPT_HANDLE(400, "InvalidReceiptHandle"),
    UNAUTHORIZED(401, "Unauthorized"),
    FORBIDDEN(403, "Forbidden"),
    QUEUE_NOT_FOUND(404, "QueueNotFound"),
    TOPIC_NOT_FOUND(404, "TopicNotFound"),
    SUBSCRIPTION_NOT_FOUND(404, "SubscriptionNotFound"),
    /** A path that names no resource of the API. */
    NOT_FOUND(404, "NotFound"),
    /** A known path with a method it does not serve. */
    METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
    QUEUE_ALREADY_EXISTS(409, "QueueAlreadyExists"),
    LEASE_LOST(409, "LeaseLost"),
    /** A delete of a queue that others still rely on (they name it as their dead-letter queue). */
    QUEUE_IN_USE(409, "QueueInUse"),
    PAYLOAD_TOO_LARGE(413, "PayloadTooLarge"),
    THROTTLED(429, "Throttled"),
    INTERNAL_ERROR(500, "InternalError"),
    UNAVAILABLE(503, "Unavailable"),
    TIMEOUT(504, "Timeout");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
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
