package dev.mq.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local called in process throws its own internal exceptions where its HTTP server would answer
 * a 500: a lock it could not take in time, a database job interrupted (a server stopping while calls are
 * under way). The stores translate SDK exceptions only, so these would reach the API as a bug. This
 * turns each into an {@link SdkClientException}, which the stores answer as {@code Unavailable}: safe
 * to retry, as the same failure over HTTP is.
 */
final class InProcessFailures {
    private InProcessFailures() {}

    static DynamoDbClient translated(DynamoDbClient client) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof SdkException || !(cause instanceof RuntimeException)) {
                            throw cause;
                        }
                        throw SdkClientException.create("DynamoDB Local failed: " + cause, cause);
                    }
                });
    }
}
