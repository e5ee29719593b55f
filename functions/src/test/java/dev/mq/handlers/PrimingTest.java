package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.mq.core.QueueService;
import dev.mq.store.Services;
import dev.mq.testing.LocalDynamoDb;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** The SnapStart priming hook: a real request before the snapshot, and never a failed snapshot. */
class PrimingTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();

    @Test
    void priming_runsARealReadThroughTheHandler() {
        AtomicInteger calls = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                calls.incrementAndGet();
            }
        };
        QueueService service = Services.over(
                        LocalDynamoDb.client(
                                db.endpoint(),
                                ClientOverrideConfiguration.builder()
                                        .addExecutionInterceptor(counter)
                                        .build()),
                        db.freshTables())
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .queues();
        AdminHandler handler = new AdminHandler(service, null, null);

        handler.primeBeforeSnapshot();
        Priming.primeAll();

        assertThat(calls.get()).as("DynamoDB calls made by priming").isGreaterThanOrEqualTo(2);
        assertThat(handler.handleRequest(Priming.healthRequest(), null).getStatusCode())
                .isEqualTo(200);
    }

    @Test
    void aFailingPriming_isLogged_notThrown() {
        Priming.register(() -> {
            throw new IllegalStateException("DynamoDB unreachable at init");
        });
        assertThatCode(Priming::primeAll).doesNotThrowAnyException();
    }
}
