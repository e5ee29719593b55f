package dev.mq.sqs;

/** A request refused with one of SQS's own errors, as opposed to mq's, which {@code SqsErrors} translates. */
public final class SqsException extends RuntimeException {
    private final transient SqsError error;

    public SqsException(SqsError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public SqsError error() {
        return error;
    }
}
