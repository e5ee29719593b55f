package dev.mq.handlers;

import dev.mq.model.ErrorCode;

/**
 * The HTTP status of each error code: the one place where an error becomes a status. The handlers, the
 * local server (through {@link ApiHandler#error}) and the API Gateway's own error answers read it here;
 * the core only names the error.
 */
public final class ErrorStatuses {
    private ErrorStatuses() {}

    public static int of(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, TOO_MANY_ENTRIES, EMPTY_BATCH, INVALID_RECEIPT_HANDLE -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            // NOT_FOUND: a path that names no resource of the API
            case QUEUE_NOT_FOUND, TOPIC_NOT_FOUND, SUBSCRIPTION_NOT_FOUND, CONSUMER_NOT_FOUND, NOT_FOUND -> 404;
            // a known path with a method it does not serve
            case METHOD_NOT_ALLOWED -> 405;
            case QUEUE_ALREADY_EXISTS, CONSUMER_ALREADY_EXISTS, LEASE_LOST, QUEUE_IN_USE -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case THROTTLED -> 429;
            case INTERNAL_ERROR -> 500;
            case UNAVAILABLE -> 503;
            case TIMEOUT -> 504;
        };
    }
}
