package dev.mq.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Consumer;
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
 * transaction the client this wraps reads a key that never exists from the transaction's table (every
 * table here is keyed by {@code pk} and {@code sk}). Other writes are committed before DynamoDB Local
 * answers them.
 */
final class CommitBarrier {
    private static final Map<String, AttributeValue> NO_SUCH_KEY =
            Map.of("pk", AttributeValue.fromS("_mq-commit-barrier"), "sk", AttributeValue.fromS("_"));

    private CommitBarrier() {}

    /** {@code client}, whose transactions return once they are committed. */
    @SuppressWarnings("unchecked")
    static DynamoDbClient around(DynamoDbClient client) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("transactWriteItems") && args != null && args.length == 1) {
                        TransactWriteItemsRequest request = args[0] instanceof TransactWriteItemsRequest r ? r
                                : TransactWriteItemsRequest.builder()
                                        .applyMutation((Consumer<TransactWriteItemsRequest.Builder>) args[0]).build();
                        Object answer = client.transactWriteItems(request);
                        client.getItem(g -> g.tableName(tableOf(request.transactItems().get(0))).key(NO_SUCH_KEY));
                        return answer;
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
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
