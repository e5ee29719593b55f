package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** What DynamoDB's TTL does, for stores without it (DynamoDB Local): removes items past {@code expiresAt}. */
final class ExpiredItems {
    private ExpiredItems() {}

    static long sweep(DynamoDbClient client, String table, Instant now) {
        long removed = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = call(() -> client.scan(ScanRequest.builder()
                    .tableName(table)
                    .filterExpression("expiresAt <= :nowSec")
                    .expressionAttributeValues(Map.of(":nowSec", n(now.getEpochSecond())))
                    .projectionExpression("pk, sk")
                    .exclusiveStartKey(from)
                    .build()));
            for (Map<String, AttributeValue> key : page.items()) {
                // Conditional, as TTL is: a deduplication record renewed since the scan stays.
                removed += call(() -> {
                    try {
                        client.deleteItem(r -> r.tableName(table)
                                .key(key)
                                .conditionExpression("expiresAt <= :nowSec")
                                .expressionAttributeValues(Map.of(":nowSec", n(now.getEpochSecond()))));
                        return 1;
                    } catch (ConditionalCheckFailedException renewed) {
                        return 0;
                    }
                });
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return removed;
    }
}
