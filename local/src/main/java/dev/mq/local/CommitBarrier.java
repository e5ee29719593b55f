package dev.mq.local;

import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Makes a TransactWriteItems durable before its caller hears it succeeded.
 *
 * <p>DynamoDB Local (2.6.1) answers a transaction before its SQLite {@code COMMIT} has run: it queues the
 * COMMIT on its one database thread and returns. A local server killed in that window (a few
 * milliseconds) loses a write it has already answered 200 for; a send with a deduplication id, written
 * with its claim in one transaction, was answered and then gone after a SIGKILL. The database thread runs
 * its jobs in order, so one read queued after the COMMIT returns only once the COMMIT is done: after each
 * transaction this reads a key that never exists from the transaction's table (every table here is keyed
 * by {@code pk} and {@code sk}). Other writes are committed before DynamoDB Local answers them.
 */
final class CommitBarrier implements ExecutionInterceptor {
    private static final Map<String, AttributeValue> NO_SUCH_KEY =
            Map.of("pk", AttributeValue.fromS("_mq-commit-barrier"), "sk", AttributeValue.fromS("_"));

    private volatile DynamoDbClient client;

    /** The client whose transactions this waits for; it must pass its calls through this barrier. */
    void attach(DynamoDbClient client) {
        this.client = client;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof TransactWriteItemsRequest transaction && client != null) {
            String table = tableOf(transaction.transactItems().get(0));
            client.getItem(g -> g.tableName(table).key(NO_SUCH_KEY));
        }
    }

    private static String tableOf(TransactWriteItem item) {
        if (item.put() != null) {
            return item.put().tableName();
        }
        if (item.update() != null) {
            return item.update().tableName();
        }
        if (item.delete() != null) {
            return item.delete().tableName();
        }
        return item.conditionCheck().tableName();
    }
}
