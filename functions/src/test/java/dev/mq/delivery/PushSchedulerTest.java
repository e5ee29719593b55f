package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.core.Consumer;
import dev.mq.core.ConsumerDirectory;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Services;
import dev.mq.testing.LocalDynamoDb;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What wakes which consumer: an arrival wakes the consumers of its queue incarnation only, the sweep
 * every listed consumer, and a consumer no longer listed nothing. Over DynamoDB Local and real HTTP, as
 * the stream handler and the schedule would drive it ({@link PushScheduler#awaitIdle} between steps).
 */
class PushSchedulerTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final byte[] RECEIPT_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String SECRET = "consumer-secret";
    static final Duration IDLE = Duration.ofSeconds(10);

    final List<Consumer> listed = new CopyOnWriteArrayList<>();
    final ConsumerDirectory directory = new ConsumerDirectory() {
        @Override
        public List<Consumer> consumersOf(String queue) {
            return listed.stream().filter(c -> c.queue().equals(queue)).toList();
        }

        @Override
        public List<Consumer> all() {
            return List.copyOf(listed);
        }
    };
    QueueService queues;
    PushReceiver a;
    PushReceiver b;
    PushScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        queues = Services.over(db.client(), db.freshTables())
                .receiptKey(RECEIPT_KEY)
                .build()
                .queues();
        a = new PushReceiver(SECRET);
        b = new PushReceiver(SECRET);
        PushDelivery delivery = new PushDelivery(
                queues,
                new EndpointInvoker(new EndpointDeliverer(), new EndpointPolicy(true, false)),
                null,
                PushDelivery.EventSource.local(),
                Clock.systemUTC());
        scheduler = new PushScheduler(directory, delivery);
        queues.createQueue("a", QueueAttributes.defaults());
        queues.createQueue("b", QueueAttributes.defaults());
        listed.add(consumer("a", a));
        listed.add(consumer("b", b));
    }

    @AfterEach
    void stop() {
        scheduler.close();
        a.close();
        b.close();
    }

    @Test
    void anArrival_wakesTheConsumersOfItsQueueOnly_andTheSweepWakesEveryone() throws Exception {
        queues.send("a", MessageToSend.of("to a"));
        queues.send("b", MessageToSend.of("to b"));

        scheduler.arrived(Set.of(queues.queueConfig("a").incarnation()));
        assertThat(scheduler.awaitIdle(IDLE)).isTrue();
        assertThat(a.calls).extracting(PushReceiver.Call::bodies).containsExactly(List.of("to a"));
        assertThat(b.calls).isEmpty();

        scheduler.sweep();
        assertThat(scheduler.awaitIdle(IDLE)).isTrue();
        assertThat(b.calls).extracting(PushReceiver.Call::bodies).containsExactly(List.of("to b"));
        assertThat(a.calls).hasSize(1);
    }

    @Test
    void aConsumerNoLongerListed_isWokenByNothing() throws Exception {
        scheduler.sweep();
        assertThat(scheduler.awaitIdle(IDLE)).isTrue();
        listed.removeIf(c -> c.queue().equals("a"));
        queues.send("a", MessageToSend.of("to a"));

        scheduler.sweep();
        scheduler.arrived(Set.of(queues.queueConfig("a").incarnation()));
        assertThat(scheduler.awaitIdle(IDLE)).isTrue();

        assertThat(a.calls).isEmpty();
    }

    Consumer consumer(String queue, PushReceiver endpoint) {
        return new Consumer(
                queue,
                "worker",
                queues.queueConfig(queue).incarnation(),
                null,
                endpoint.url(),
                SECRET,
                10,
                0,
                2,
                Instant.now());
    }
}
