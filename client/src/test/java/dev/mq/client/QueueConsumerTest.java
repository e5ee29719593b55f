package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.Responses.ReceivedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The consumer runner against the local server: batches, heartbeats, retries with backoff, graceful
 * shutdown, and stopping on an error that retrying cannot mend.
 */
class QueueConsumerTest {
    final MqClient mq = TestServer.client();
    static final QueueConsumer.Settings FAST = QueueConsumer.Settings.defaults()
            .withThreads(2)
            .withWaitSeconds(1)
            .withVisibilityTimeout(Duration.ofSeconds(3))
            .withRetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2));

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
                assertThat(mq.receive(queue, 1, 1))
                        .as("a competing receive while the handler works")
                        .isEmpty();
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
        QueueConsumer consumer = QueueConsumer.start(mq, queue, FAST.withWaitSeconds(20), (ReceivedMessage m) -> {});
        long start = System.nanoTime();
        consumer.close(Duration.ofSeconds(30));
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }

    @Test
    void receivesAndAcksInBatches_notOneRequestPerMessage() throws Exception {
        String queue = queue();
        for (int batch = 0; batch < 5; batch++) {
            int first = batch * 10;
            mq.sendBatch(
                    queue,
                    IntStream.range(first, first + 10)
                            .mapToObj(i -> Message.of("m" + i))
                            .toList());
        }

        try (CountingProxy proxy = new CountingProxy()) {
            try (QueueConsumer consumer =
                    QueueConsumer.start(proxy.client(), queue, FAST.withThreads(1), (ReceivedMessage m) -> {})) {
                waitUntil(() -> consumer.acked() == 50);
            }
            // 50 messages in batches of 10: 5 receives and 5 acks when every receive comes back full;
            // one message at a time took 50 of each
            assertThat(proxy.receivesWithMessages())
                    .as("receives that got messages")
                    .isBetween(5, 10);
            assertThat(proxy.count("POST ack")).as("batch acks").isBetween(5, proxy.receivesWithMessages());
            assertThat(proxy.count("DELETE message")).as("single acks").isZero();
        }
        assertThat(mq.browse(queue, 10, null).messages()).isEmpty();
    }

    @Test
    void batchSizeOne_receivesOneMessageARequest() throws Exception {
        String queue = queue();
        mq.sendBatch(
                queue, IntStream.range(0, 3).mapToObj(i -> Message.of("m" + i)).toList());

        try (CountingProxy proxy = new CountingProxy()) {
            try (QueueConsumer consumer = QueueConsumer.start(
                    proxy.client(), queue, FAST.withThreads(1).withBatchSize(1), (ReceivedMessage m) -> {})) {
                waitUntil(() -> consumer.acked() == 3);
            }
            assertThat(proxy.receivesWithMessages()).isEqualTo(3);
        }
    }

    @Test
    void fifo_aFailedMessage_sendsTheRestOfItsGroupInTheBatchBackUnhandled_soTheGroupKeepsItsOrder() throws Exception {
        String queue = TestServer.unique("consumer") + ".fifo";
        mq.createQueue(queue);
        mq.sendBatch(
                queue,
                List.of(
                        Message.of("g1").withGroupId("g"),
                        Message.of("g2").withGroupId("g"),
                        Message.of("g3").withGroupId("g")));
        List<String> handled = new CopyOnWriteArrayList<>();

        try (QueueConsumer consumer = QueueConsumer.start(mq, queue, FAST.withThreads(1), m -> {
            handled.add(m.body());
            if (m.body().equals("g1") && m.receiveCount() == 1) {
                throw new IllegalStateException("first try fails");
            }
        })) {
            waitUntil(() -> consumer.acked() == 3);
        }

        assertThat(handled).containsExactly("g1", "g1", "g2", "g3");
    }

    @Test
    void close_givesBackTheMessagesOfABatchNotYetStarted_atOnce() throws Exception {
        String queue = queue();
        mq.sendBatch(
                queue, IntStream.range(0, 3).mapToObj(i -> Message.of("m" + i)).toList());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        QueueConsumer consumer =
                QueueConsumer.start(mq, queue, FAST.withThreads(1).withVisibilityTimeout(Duration.ofSeconds(60)), m -> {
                    handled.add(m.body());
                    started.countDown();
                    release.await();
                });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mq.receive(queue, 10, 0)).as("the batch leased all three").isEmpty();

        Thread closing = new Thread(() -> consumer.close(Duration.ofSeconds(30)));
        closing.start();
        // close() has stopped polling once it waits for the worker
        waitUntil(() -> closing.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        closing.join();

        assertThat(handled)
                .as("the batch held every message; only the first one was started")
                .hasSize(1);
        assertThat(consumer.acked()).isEqualTo(1);
        // given back with no lease left: receivable at once, although the lease taken was 60 s
        List<ReceivedMessage> back = new java.util.ArrayList<>();
        for (int i = 0; i < 5 && back.size() < 2; i++) {
            back.addAll(mq.receive(queue, 10, 1));
        }
        assertThat(back).extracting(ReceivedMessage::body).hasSize(2).doesNotContain(handled.get(0));
    }

    @Test
    void aQueueThatDoesNotExist_stopsTheConsumer_andStoppedCarriesTheError() {
        String missing = TestServer.unique("missing");
        QueueConsumer consumer = QueueConsumer.start(mq, missing, FAST, (ReceivedMessage m) -> {});

        assertThatThrownBy(() -> consumer.stopped().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(MqException.QueueNotFound.class)
                .hasMessageContaining(missing);
        consumer.close(Duration.ofSeconds(5));
    }

    @Test
    void aQueueDeletedWhileConsuming_stopsTheConsumer() throws Exception {
        String queue = queue();
        QueueConsumer consumer = QueueConsumer.start(mq, queue, FAST, (ReceivedMessage m) -> {});
        mq.deleteQueue(queue);

        assertThatThrownBy(() -> consumer.stopped().get(30, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(MqException.QueueNotFound.class);
    }

    @Test
    void close_completesStopped_normally() throws Exception {
        QueueConsumer consumer = QueueConsumer.start(mq, queue(), FAST, (ReceivedMessage m) -> {});
        assertThat(consumer.stopped()).isNotDone();

        consumer.close(Duration.ofSeconds(30));

        assertThat(consumer.stopped().get(10, TimeUnit.SECONDS)).isNull();
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
