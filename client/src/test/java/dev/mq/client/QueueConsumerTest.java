package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.model.Responses.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The consumer runner against the local server: heartbeats, retries with backoff, graceful shutdown. */
class QueueConsumerTest {
    final MqClient mq = TestServer.client();
    static final QueueConsumer.Settings FAST = QueueConsumer.Settings.defaults().withThreads(2).withWaitSeconds(1)
            .withVisibilityTimeout(Duration.ofSeconds(3)).withRetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2));

    @Test
    void heartbeat_keepsASlowMessageLeased_pastItsVisibilityTimeout() throws Exception {
        String queue = queue();
        mq.send(queue, "slow");
        CountDownLatch started = new CountDownLatch(1);
        List<Integer> receiveCounts = new CopyOnWriteArrayList<>();

        try (QueueConsumer consumer = QueueConsumer.start(mq, queue, FAST.withThreads(1), m -> {
            receiveCounts.add(m.receiveCount());
            started.countDown();
            Thread.sleep(7_000); // more than twice the 3 s lease
        })) {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            long until = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < until) {
                assertThat(mq.receive(queue, 1, 1)).as("a competing receive while the handler works").isEmpty();
            }
            waitUntil(() -> consumer.acked() == 1);
        }

        assertThat(receiveCounts).containsExactly(1);
        assertThat(mq.browse(queue, 10, null).messages()).isEmpty();
    }

    @Test
    void failedMessage_comesBackAfterABackoff_andIsAckedWhenTheHandlerSucceeds() throws Exception {
        String queue = queue();
        mq.send(queue, "flaky");
        List<Long> attempts = new CopyOnWriteArrayList<>();

        try (QueueConsumer consumer = QueueConsumer.start(mq, queue, FAST, m -> {
            attempts.add(System.nanoTime());
            if (m.receiveCount() < 3) {
                throw new IllegalStateException("payment service down");
            }
        })) {
            waitUntil(() -> consumer.acked() == 1);
            assertThat(consumer.failed()).isEqualTo(2);
        }

        assertThat(attempts).hasSize(3);
        assertThat(attempts.get(1) - attempts.get(0)).as("first backoff").isGreaterThanOrEqualTo(900_000_000L);
        assertThat(mq.browse(queue, 10, null).messages()).isEmpty();
    }

    @Test
    void close_finishesTheMessagesInHand_andAcksThem() throws Exception {
        String queue = queue();
        for (int i = 0; i < 2; i++) {
            mq.send(queue, "m" + i);
        }
        CountDownLatch bothStarted = new CountDownLatch(2);
        Map<String, Boolean> finished = new ConcurrentHashMap<>();
        QueueConsumer consumer = QueueConsumer.start(mq, queue, FAST, m -> {
            bothStarted.countDown();
            Thread.sleep(1_500);
            finished.put(m.body(), true);
        });
        assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();

        consumer.close(Duration.ofSeconds(30));

        assertThat(finished).containsOnlyKeys("m0", "m1");
        assertThat(consumer.acked()).isEqualTo(2);
        assertThat(mq.browse(queue, 10, null).messages()).isEmpty();
    }

    @Test
    void close_whileIdle_returnsWithoutWaitingForTheLongPoll() {
        String queue = queue();
        QueueConsumer consumer = QueueConsumer.start(mq, queue,
                FAST.withWaitSeconds(20), (ReceivedMessage m) -> { });
        long start = System.nanoTime();
        consumer.close(Duration.ofSeconds(30));
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }

    private String queue() {
        String name = TestServer.unique("consumer");
        mq.createQueue(name);
        return name;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 30 s");
            }
            Thread.sleep(50);
        }
    }
}
