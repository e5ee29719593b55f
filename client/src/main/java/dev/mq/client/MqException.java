package dev.mq.client;

import dev.mq.model.ErrorCode;

/**
 * An error answer of the API, or a request that could not reach it. There is one subclass per error
 * code of docs/openapi.yaml, so callers catch what they handle ({@code catch (MqException.LeaseLost e)}) and let
 * the rest through; {@link #code()} names the code, {@link #requestId()} the request to quote in a report.
 */
public class MqException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final String requestId;
    private boolean answeredByApi = true;

    MqException(ErrorCode code, int status, String message, String requestId, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.status = status;
        this.requestId = requestId;
    }

    /** The API's error code; {@link ErrorCode#UNAVAILABLE} when the endpoint could not be reached. */
    public ErrorCode code() {
        return code;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The {@code X-Request-Id} of the answer, or null. */
    public String requestId() {
        return requestId;
    }

    /**
     * True when the mq API answered with this error (its functions, or in AWS its API Gateway, whose own
     * refusals get the code of their status). False when no answer came, or another server answered (a
     * web page, a proxy's error page): the code then only follows the HTTP status, and the message says
     * what answered.
     */
    public boolean answeredByApi() {
        return answeredByApi;
    }

    /** Marks a failure that is not the API's answer: none came, or another server answered. */
    final MqException notFromApi() {
        answeredByApi = false;
        return this;
    }

    /** The exception for an answer that is not the API's: the subclass of the code its status suggests. */
    static MqException notFromApi(ErrorCode code, int status, String message, String requestId) {
        return of(code, status, message, requestId).notFromApi();
    }

    /** The exception for an error answer: the subclass of its code. */
    static MqException of(ErrorCode code, int status, String message, String requestId) {
        return switch (code) {
            case INVALID_REQUEST -> new InvalidRequest(status, message, requestId);
            case TOO_MANY_ENTRIES -> new TooManyEntries(status, message, requestId);
            case EMPTY_BATCH -> new EmptyBatch(status, message, requestId);
            case INVALID_RECEIPT_HANDLE -> new InvalidReceiptHandle(status, message, requestId);
            case UNAUTHORIZED -> new Unauthorized(status, message, requestId);
            case FORBIDDEN -> new Forbidden(status, message, requestId);
            case QUEUE_NOT_FOUND -> new QueueNotFound(status, message, requestId);
            case TOPIC_NOT_FOUND -> new TopicNotFound(status, message, requestId);
            case SUBSCRIPTION_NOT_FOUND -> new SubscriptionNotFound(status, message, requestId);
            case CONSUMER_NOT_FOUND -> new ConsumerNotFound(status, message, requestId);
            case NOT_FOUND -> new NotFound(status, message, requestId);
            case METHOD_NOT_ALLOWED -> new MethodNotAllowed(status, message, requestId);
            case QUEUE_ALREADY_EXISTS -> new QueueAlreadyExists(status, message, requestId);
            case CONSUMER_ALREADY_EXISTS -> new ConsumerAlreadyExists(status, message, requestId);
            case LEASE_LOST -> new LeaseLost(status, message, requestId);
            case QUEUE_IN_USE -> new QueueInUse(status, message, requestId);
            case PAYLOAD_TOO_LARGE -> new PayloadTooLarge(status, message, requestId);
            case THROTTLED -> new Throttled(status, message, requestId);
            case INTERNAL_ERROR -> new InternalError(status, message, requestId);
            case UNAVAILABLE -> new Unavailable(status, message, requestId, null);
            case TIMEOUT -> new Timeout(status, message, requestId);
        };
    }

    public static final class InvalidRequest extends MqException {
        InvalidRequest(int status, String message, String requestId) {
            super(ErrorCode.INVALID_REQUEST, status, message, requestId, null);
        }
    }

    public static final class TooManyEntries extends MqException {
        TooManyEntries(int status, String message, String requestId) {
            super(ErrorCode.TOO_MANY_ENTRIES, status, message, requestId, null);
        }
    }

    public static final class EmptyBatch extends MqException {
        EmptyBatch(int status, String message, String requestId) {
            super(ErrorCode.EMPTY_BATCH, status, message, requestId, null);
        }
    }

    public static final class InvalidReceiptHandle extends MqException {
        InvalidReceiptHandle(int status, String message, String requestId) {
            super(ErrorCode.INVALID_RECEIPT_HANDLE, status, message, requestId, null);
        }
    }

    public static final class Unauthorized extends MqException {
        Unauthorized(int status, String message, String requestId) {
            this(status, message, requestId, null);
        }

        Unauthorized(int status, String message, String requestId, Throwable cause) {
            super(ErrorCode.UNAUTHORIZED, status, message, requestId, cause);
        }
    }

    public static final class Forbidden extends MqException {
        Forbidden(int status, String message, String requestId) {
            super(ErrorCode.FORBIDDEN, status, message, requestId, null);
        }
    }

    public static final class QueueNotFound extends MqException {
        QueueNotFound(int status, String message, String requestId) {
            super(ErrorCode.QUEUE_NOT_FOUND, status, message, requestId, null);
        }
    }

    public static final class TopicNotFound extends MqException {
        TopicNotFound(int status, String message, String requestId) {
            super(ErrorCode.TOPIC_NOT_FOUND, status, message, requestId, null);
        }
    }

    public static final class SubscriptionNotFound extends MqException {
        SubscriptionNotFound(int status, String message, String requestId) {
            super(ErrorCode.SUBSCRIPTION_NOT_FOUND, status, message, requestId, null);
        }
    }

    /** A path the API does not have: a client older or newer than the server. */
    public static final class NotFound extends MqException {
        NotFound(int status, String message, String requestId) {
            super(ErrorCode.NOT_FOUND, status, message, requestId, null);
        }
    }

    public static final class MethodNotAllowed extends MqException {
        MethodNotAllowed(int status, String message, String requestId) {
            super(ErrorCode.METHOD_NOT_ALLOWED, status, message, requestId, null);
        }
    }

    public static final class QueueAlreadyExists extends MqException {
        QueueAlreadyExists(int status, String message, String requestId) {
            super(ErrorCode.QUEUE_ALREADY_EXISTS, status, message, requestId, null);
        }
    }

    /** The message was received again by someone else after this handle's lease ended; it is not deleted. */
    public static final class LeaseLost extends MqException {
        LeaseLost(int status, String message, String requestId) {
            super(ErrorCode.LEASE_LOST, status, message, requestId, null);
        }
    }

    /** A delete of a queue that other queues name as their dead-letter queue; the message names them. */
    public static final class ConsumerNotFound extends MqException {
        ConsumerNotFound(int status, String message, String requestId) {
            super(ErrorCode.CONSUMER_NOT_FOUND, status, message, requestId, null);
        }
    }

    /** A consumer of that name exists with other settings; delete it first to change them. */
    public static final class ConsumerAlreadyExists extends MqException {
        ConsumerAlreadyExists(int status, String message, String requestId) {
            super(ErrorCode.CONSUMER_ALREADY_EXISTS, status, message, requestId, null);
        }
    }

    public static final class QueueInUse extends MqException {
        QueueInUse(int status, String message, String requestId) {
            super(ErrorCode.QUEUE_IN_USE, status, message, requestId, null);
        }
    }

    public static final class PayloadTooLarge extends MqException {
        PayloadTooLarge(int status, String message, String requestId) {
            super(ErrorCode.PAYLOAD_TOO_LARGE, status, message, requestId, null);
        }
    }

    /** Still throttled after the client's retries. */
    public static final class Throttled extends MqException {
        Throttled(int status, String message, String requestId) {
            super(ErrorCode.THROTTLED, status, message, requestId, null);
        }
    }

    public static final class InternalError extends MqException {
        InternalError(int status, String message, String requestId) {
            super(ErrorCode.INTERNAL_ERROR, status, message, requestId, null);
        }
    }

    /** The back end (or, as {@link ConnectionFailed}, the endpoint itself) was unavailable after the retries. */
    public static class Unavailable extends MqException {
        Unavailable(int status, String message, String requestId, Throwable cause) {
            super(ErrorCode.UNAVAILABLE, status, message, requestId, cause);
        }
    }

    /** No answer: the endpoint could not be reached, or the connection broke. */
    public static final class ConnectionFailed extends Unavailable {
        ConnectionFailed(String message, Throwable cause) {
            super(0, message, null, cause);
            notFromApi();
        }
    }

    /**
     * A request that is not safe to repeat failed in a way that leaves its outcome unknown: the answer
     * was lost or was a {@code 5xx}, so the server may or may not have done it, and the client did not
     * repeat it because a repeat could do it twice. For a send without a {@code deduplicationId} this
     * means the message may or may not be stored. To make sends safe to retry, give each a
     * {@code deduplicationId} (a business key such as an order id), or send to a queue with
     * {@code contentBasedDeduplication}. {@link #code()}, {@link #status()} and {@link #answeredByApi()}
     * are those of the failure, which is also the cause: a connection that broke mid-send was answered by
     * no one.
     */
    public static final class OutcomeUnknown extends MqException {
        OutcomeUnknown(String message, MqException failure) {
            super(failure.code(), failure.status(), message, failure.requestId(), failure);
            if (!failure.answeredByApi()) {
                notFromApi();
            }
        }
    }

    /** The request ran out of time; a send's outcome is unknown (retry it with its deduplication id). */
    public static final class Timeout extends MqException {
        Timeout(int status, String message, String requestId) {
            super(ErrorCode.TIMEOUT, status, message, requestId, null);
        }
    }
}
