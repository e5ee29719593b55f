package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;
import static dev.mq.store.StoreCalls.sleep;
import static dev.mq.store.StoreCalls.throwIfThrottled;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A write guarded by a deduplication record: the record (the id's claim, naming the first message) and
 * the item go in one transaction, unless an unexpired record exists. A crash can therefore never leave
 * a record without its message, which would turn a producer's retry into a silent loss.
 */
final class DedupWrites {
    /** A deduplication id is free when never used or when its window has passed. */
    private static final String DEDUP_FREE = "attribute_not_exists(pk) OR expiresAt < :nowSec";

    private DedupWrites() {}

    /** Answers the first message's id when the claim is taken, else writes both and answers empty. */
    static Optional<String> put(
            DynamoDbClient client,
            String table,
            Map<String, AttributeValue> item,
            String messageId,
            Map<String, AttributeValue> claimKey,
            Instant claimExpiresAt,
            Instant now) {
        Map<String, AttributeValue> record = new HashMap<>(claimKey);
        record.put("v", n(1));
        record.put("mid", s(messageId));
        record.put(DynamoDbQueueStore.EXPIRES_AT, n(claimExpiresAt.getEpochSecond()));
        TransactWriteItem claim = TransactWriteItem.builder()
                .put(p -> p.tableName(table)
                        .item(record)
                        .conditionExpression(DEDUP_FREE)
                        .expressionAttributeValues(Map.of(":nowSec", n(now.getEpochSecond())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                .build();
        TransactWriteItem put = TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(item))
                .build();
        return call(() -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    client.transactWriteItems(r -> r.transactItems(claim, put));
                    return Optional.empty();
                } catch (TransactionCanceledException e) {
                    throwIfThrottled(e);
                    CancellationReason reason = e.hasCancellationReasons()
                                    && !e.cancellationReasons().isEmpty()
                            ? e.cancellationReasons().get(0)
                            : null;
                    if (reason != null && "ConditionalCheckFailed".equals(reason.code())) {
                        Map<String, AttributeValue> first = reason.hasItem()
                                        && !reason.item().isEmpty()
                                ? reason.item()
                                : client.getItem(g ->
                                                g.tableName(table).key(claimKey).consistentRead(true))
                                        .item();
                        if (first != null && first.containsKey("mid")) {
                            String firstId = first.get("mid").s();
                            // Our own record: the SDK retried a transaction that had committed.
                            return firstId.equals(messageId) ? Optional.empty() : Optional.of(firstId);
                        }
                    }
                    // A concurrent send of the same id, or a record that expired meanwhile: try again.
                    if (attempt >= 3) {
                        throw new QueueException(
                                ErrorCode.UNAVAILABLE,
                                "the send conflicted with a concurrent one; retry it with the same deduplicationId",
                                e);
                    }
                    sleep(20L * attempt);
                }
            }
        });
    }
}
