package dev.mq.sqs;

import dev.mq.model.QueueException;

/**
 * The one mapping from mq's errors to SQS's, and the SQS errors the endpoint raises itself: shape names
 * as in SQS's model (which SDKs turn into exception classes), query codes as SQS's query protocol and
 * its {@code x-amzn-query-error} header carry them. A client's mistake is always a 4xx.
 */
public final class SqsErrors {
    private SqsErrors() {}

    /** The SQS error that stands for one of mq's. */
    public static SqsError of(QueueException e) {
        String message = e.getMessage();
        return switch (e.code()) {
            case QUEUE_NOT_FOUND -> queueDoesNotExist();
            case INVALID_RECEIPT_HANDLE -> sender("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", message);
            case LEASE_LOST -> invalidParameterValue("the receipt handle has expired: " + message);
            case TOO_MANY_ENTRIES ->
                sender("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", message);
            case EMPTY_BATCH -> sender("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", message);
            case QUEUE_ALREADY_EXISTS -> sender("QueueNameExists", "QueueAlreadyExists", message);
            case UNAUTHORIZED -> new SqsError(403, "InvalidClientTokenId", "InvalidClientTokenId", true, message);
            case FORBIDDEN -> new SqsError(403, "AccessDenied", "AccessDenied", true, message);
            case THROTTLED -> sender("RequestThrottled", "RequestThrottled", message);
            case UNAVAILABLE, TIMEOUT -> new SqsError(503, "ServiceUnavailable", "ServiceUnavailable", false, message);
            case INTERNAL_ERROR -> new SqsError(500, "InternalError", "InternalError", false, message);
            case NOT_FOUND, METHOD_NOT_ALLOWED -> invalidAction(message);
            // a delete of a queue others use as their dead-letter queue, an oversized message, bad input,
            // and the errors of resources SQS does not have (topics, consumers)
            case INVALID_REQUEST,
                    PAYLOAD_TOO_LARGE,
                    QUEUE_IN_USE,
                    TOPIC_NOT_FOUND,
                    SUBSCRIPTION_NOT_FOUND,
                    CONSUMER_NOT_FOUND,
                    CONSUMER_ALREADY_EXISTS -> invalidParameterValue(message);
        };
    }

    public static SqsError queueDoesNotExist() {
        return sender(
                "QueueDoesNotExist",
                "AWS.SimpleQueueService.NonExistentQueue",
                "The specified queue does not exist for this wsdl version.");
    }

    public static SqsError invalidParameterValue(String message) {
        return sender("InvalidParameterValue", "InvalidParameterValue", message);
    }

    public static SqsError missingParameter(String name) {
        return sender("MissingParameter", "MissingParameter", "The request must contain the parameter " + name + ".");
    }

    public static SqsError invalidAttributeName(String message) {
        return sender("InvalidAttributeName", "InvalidAttributeName", message);
    }

    public static SqsError invalidAttributeValue(String message) {
        return sender("InvalidAttributeValue", "InvalidAttributeValue", message);
    }

    public static SqsError invalidAction(String message) {
        return sender("InvalidAction", "InvalidAction", message);
    }

    public static SqsError unsupportedOperation(String message) {
        return sender("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", message);
    }

    public static SqsError invalidMessageContents(String message) {
        return sender("InvalidMessageContents", "InvalidMessageContents", message);
    }

    public static SqsError batchEntryIdsNotDistinct(String id) {
        return sender(
                "BatchEntryIdsNotDistinct",
                "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                "Id " + id + " repeated.");
    }

    public static SqsError invalidBatchEntryId(String message) {
        return sender("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", message);
    }

    public static SqsError batchRequestTooLong(String message) {
        return sender("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", message);
    }

    public static SqsError tooManyEntries(int entries) {
        return sender(
                "TooManyEntriesInBatchRequest",
                "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                "Maximum number of entries per request are 10. You have sent " + entries + ".");
    }

    public static SqsError emptyBatch() {
        return sender(
                "EmptyBatchRequest",
                "AWS.SimpleQueueService.EmptyBatchRequest",
                "There should be at least one entry in the request.");
    }

    public static SqsError internalError(String requestId) {
        return new SqsError(500, "InternalError", "InternalError", false, "internal error; request id " + requestId);
    }

    private static SqsError sender(String shape, String queryCode, String message) {
        return new SqsError(400, shape, queryCode, true, message);
    }

    static SqsException fail(SqsError error) {
        return new SqsException(error);
    }
}
