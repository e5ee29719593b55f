package dev.mq.handlers;

import dev.mq.core.QueueService;
import dev.mq.store.DynamoDbQueueStore;
import dev.mq.store.Tables;
import java.time.Clock;
import java.util.Base64;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The service a Lambda function runs with, built once per execution environment (and so captured in a
 * SnapStart snapshot): the SDK client is the expensive part of a cold start.
 */
public final class FunctionRuntime {
    /** Base64 of at least 16 random bytes; the stack provisions it. Receipt handles are signed with it. */
    public static final String RECEIPT_KEY_ENV = "MQ_RECEIPT_KEY";

    private FunctionRuntime() {}

    public static QueueService service() {
        return Holder.SERVICE;
    }

    private static final class Holder {
        static final QueueService SERVICE = create();

        private static QueueService create() {
            String key = System.getenv(RECEIPT_KEY_ENV);
            if (key == null || key.isBlank()) {
                throw new IllegalStateException(RECEIPT_KEY_ENV + " is not set: receipt handles cannot be signed");
            }
            DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
            return new QueueService(new DynamoDbQueueStore(client, Tables.fromEnvironment()), Clock.systemUTC(),
                    Base64.getDecoder().decode(key), QueueService.Settings.defaults());
        }
    }
}
