package dev.mq.sqs.compat;

/**
 * An error the service answered, as either SDK reports it: the SDK's exception class (both SDKs name
 * SQS's modelled errors alike, e.g. {@code QueueDoesNotExistException}; others are the SDK's base
 * {@code SqsException} / {@code AmazonSQSException}), the error code (the query protocol's code, e.g.
 * {@code AWS.SimpleQueueService.NonExistentQueue}, which the JSON protocol carries in its
 * {@code x-amzn-query-error} header), and the HTTP status.
 */
final class SqsFailure extends RuntimeException {
    private final String exception;
    private final String errorCode;
    private final int status;

    SqsFailure(String exception, String errorCode, int status, String message, Throwable cause) {
        super(exception + " " + errorCode + " (" + status + "): " + message, cause);
        this.exception = exception;
        this.errorCode = errorCode;
        this.status = status;
    }

    String exception() {
        return exception;
    }

    String errorCode() {
        return errorCode;
    }

    int status() {
        return status;
    }
}
