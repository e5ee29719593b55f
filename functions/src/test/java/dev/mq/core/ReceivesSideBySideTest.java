package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.testing.LocalDynamoDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Consumers in one process receiving from one queue at the same moment. */
class ReceivesSideBySideTest {
    private static final LocalDynamoDb db = LocalDynamoDb.shared();

    @Test
    void receivesInOneProcess_seldomRaceForTheSameMessage_andEachMessageIsDeliveredOnce() throws Exception {
        // given 400 messages, and a DynamoDB client that counts leases lost to a failed condition
        AtomicInteger lostLeases = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UpdateItemRequest
                        && context.exception() instanceof ConditionalCheckFailedException) {
                    lostLeases.incrementAndGet();
                }
            }
        };
        ServiceFixture fixture = new ServiceFixture(
                LocalDynamoDb.client(
                        db.endpoint(),
                        ClientOverrideConfiguration.builder()
                                .addExecutionInterceptor(counter)
                                .build()),
                db.freshTables());
        fixture.queue("busy");
        int messages = 400;
        for (int i = 0; i < messages; i++) {
            fixture.send("busy", "m" + i);
        }

        // when 8 consumers take them in batches of 10, all at once
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        ExecutorService consumers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                running.add(consumers.submit(() -> {
                    while (delivered.size() < messages) {
                        for (ReceivedMessage m : fixture.receive("busy", 10)) {
                            delivered.add(m.body());
                            deliveries.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> consumer : running) {
                consumer.get();
            }
        } finally {
            consumers.shutdownNow();
        }

        // then each message went to one consumer, and few leases were tried that another receive here was taking
        // (racing for the head of the shard, they failed about 1.6 per message delivered)
        assertThat(delivered).hasSize(messages);
        assertThat(deliveries.get()).isEqualTo(messages);
        assertThat(lostLeases.get()).isLessThan(messages / 4);
    }
}
