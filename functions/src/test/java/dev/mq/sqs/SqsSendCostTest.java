package dev.mq.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.core.QueueService;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** An SQS send costs what a /v1 send costs: its queue's settings come from the cache, not a read each time. */
class SqsSendCostTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();

    @Test
    void sends_readTheCatalogNoMoreThanOnce_whileTheSettingsAreCached() {
        Tables tables = db.freshTables();
        AtomicInteger catalogReads = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetItemRequest get
                        && get.tableName().equals(tables.catalog())) {
                    catalogReads.incrementAndGet();
                }
            }
        };
        QueueService service = Services.over(
                        LocalDynamoDb.client(
                                db.endpoint(),
                                ClientOverrideConfiguration.builder()
                                        .addExecutionInterceptor(counter)
                                        .build()),
                        tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .build()
                .queues();
        SqsEndpoint endpoint = new SqsEndpoint(service);
        QueueUrls urls = new QueueUrls("http://localhost", QueueUrls.LOCAL_ACCOUNT, "us-east-1");
        send(
                endpoint,
                urls,
                "CreateQueue",
                "{\"QueueName\": \"jobs.fifo\", \"Attributes\": {\"FifoQueue\": \"true\"}}");
        String send = "{\"QueueUrl\": \"" + urls.url("jobs.fifo")
                + "\", \"MessageBody\": \"b\", \"MessageGroupId\": \"g\", \"MessageDeduplicationId\": \"";
        send(endpoint, urls, "SendMessage", send + "first\"}");
        int before = catalogReads.get();

        for (int i = 0; i < 5; i++) {
            send(endpoint, urls, "SendMessage", send + i + "\"}");
        }

        assertThat(catalogReads.get() - before).isZero();
    }

    private static void send(SqsEndpoint endpoint, QueueUrls urls, String action, String body) {
        SqsAnswer answer = endpoint.handle(new SqsEndpoint.SqsRequest(
                JsonProtocol.TARGET_PREFIX + action, JsonProtocol.CONTENT_TYPE, body, null, null, urls, "r"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
}
