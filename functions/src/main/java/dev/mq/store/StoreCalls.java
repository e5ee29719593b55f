package dev.mq.store;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** What the stores share: translating SDK failures into the API's, and attribute-value short-hands. */
final class StoreCalls {
    private StoreCalls() {}

    /**
     * Runs a store call, translating SDK failures into the API's: throttling becomes {@code Throttled},
     * anything else that reaches here {@code Unavailable}, with the cause kept for the log.
     */
    static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (QueueException e) {
            throw e;
        } catch (DynamoDbException e) {
            if (e.isThrottlingException()
                    || "ProvisionedThroughputExceededException".equals(errorCode(e))
                    || "RequestLimitExceeded".equals(errorCode(e))) {
                throw new QueueException(ErrorCode.THROTTLED, "the store is throttling requests; retry shortly", e);
            }
            throw new QueueException(
                    ErrorCode.UNAVAILABLE, "the store did not answer; the request is safe to retry", e);
        } catch (SdkException e) {
            throw new QueueException(
                    ErrorCode.UNAVAILABLE, "the store did not answer; the request is safe to retry", e);
        }
    }

    static void throwIfThrottled(TransactionCanceledException e) {
        if (e.hasCancellationReasons()
                && e.cancellationReasons().stream().anyMatch(r -> "ThrottlingError".equals(r.code()))) {
            throw new QueueException(ErrorCode.THROTTLED, "the store is throttling requests; retry shortly", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException(ErrorCode.UNAVAILABLE, "interrupted while writing; retry", e);
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    private static String errorCode(DynamoDbException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}
