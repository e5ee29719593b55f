package dev.mq.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

/**
 * A client of DynamoDB Local that behaves as DynamoDB does where DynamoDB Local (2.6.1) does not.
 *
 * <p><b>Transactions answered before they are durable.</b> DynamoDB Local answers a TransactWriteItems
 * before its SQLite {@code COMMIT} has run: it queues the COMMIT on its one database thread and returns.
 * A local server killed in that window (a few milliseconds) loses a write it has already answered 200
 * for; a send with a deduplication id, written with its claim in one transaction, was answered and then
 * gone after a SIGKILL. The database thread runs its jobs in order, so one read queued after the COMMIT
 * returns only once the COMMIT is done: on a persisted database, after each transaction this reads a key
 * that never exists from the transaction's table (every table here is keyed by {@code pk} and
 * {@code sk}). Other writes are committed before DynamoDB Local answers them.
 *
 * <p><b>Internal failures in process.</b> Called in process, DynamoDB Local throws its own internal
 * exceptions where its HTTP server would answer a 500: a lock it could not take in time, a database job
 * interrupted (a server stopping while calls are under way). The stores translate SDK exceptions only,
 * so these would reach the API as a bug. Each becomes an {@link SdkClientException}, which the stores
 * answer as {@code Unavailable}: safe to retry, as the same failure over HTTP is.
 */
final class DynamoDbLocalFixes {
    private static final Map<String, AttributeValue> NO_SUCH_KEY =
            Map.of("pk", AttributeValue.fromS("_mq-commit-barrier"), "sk", AttributeValue.fromS("_"));

    private DynamoDbLocalFixes() {}

    /**
     * {@code client}, whose transactions return once committed when the database is {@code persisted}
     * (in memory a crash keeps nothing anyway), and whose internal failures are SDK exceptions when it
     * calls DynamoDB Local {@code inProcess} (over HTTP the SDK already makes them so).
     */
    static DynamoDbClient around(DynamoDbClient client, boolean persisted, boolean inProcess) {
        if (!persisted && !inProcess) {
            return client;
        }
        return (DynamoDbClient) Proxy.newProxyInstance(
                DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    try {
                        if (persisted
                                && method.getName().equals("transactWriteItems")
                                && args != null
                                && args.length == 1) {
                            TransactWriteItemsRequest request = asRequest(args[0]);
                            TransactWriteItemsResponse answer = client.transactWriteItems(request);
                            client.getItem(g -> g.tableName(
                                            tableOf(request.transactItems().get(0)))
                                    .key(NO_SUCH_KEY));
                            return answer;
                        }
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw inProcess ? translated(e.getCause()) : e.getCause();
                    } catch (RuntimeException e) {
                        throw inProcess ? translated(e) : e;
                    }
                });
    }

    private static Throwable translated(Throwable failure) {
        if (failure instanceof SdkException || !(failure instanceof RuntimeException)) {
            return failure;
        }
        return SdkClientException.create("DynamoDB Local failed: " + failure, failure);
    }

    @SuppressWarnings("unchecked")
    private static TransactWriteItemsRequest asRequest(Object argument) {
        return argument instanceof TransactWriteItemsRequest request
                ? request
                : TransactWriteItemsRequest.builder()
                        .applyMutation((Consumer<TransactWriteItemsRequest.Builder>) argument)
                        .build();
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
