package dev.mq.model;

/**
 * An expected failure of an API operation: bad input, a missing queue, a lost lease, a throttled back
 * end. Its {@link ErrorCode} names the error (the HTTP edge maps it to a status); its message is written
 * for the person calling.
 */
public class QueueException extends RuntimeException {
    private final ErrorCode code;

    public QueueException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public QueueException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public ErrorBody toBody() {
        return ErrorBody.of(code, getMessage());
    }

    public static QueueException invalid(String message) {
        return new QueueException(ErrorCode.INVALID_REQUEST, message);
    }

    public static QueueException queueNotFound(String queue) {
        return new QueueException(ErrorCode.QUEUE_NOT_FOUND, "queue " + queue + " does not exist");
    }
}
