package dev.mq.client;

import dev.mq.model.Responses.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A load of producers and consumers recording a {@link History}: producers send numbered messages (on a
 * FIFO queue each producer is one group); consumers receive, sometimes "crash" (drop a message without
 * acking it, as a killed worker would), and ack the rest. Runs until every message answered OK is acked.
 */
final class LoadRun {
    /**
     * @param messagesPerProducer how many each producer sends, unless {@code produceFor} is set
     * @param produceFor          null, or how long producers keep sending (a soak)
     */
    record Settings(
            int producers,
            int consumers,
            int messagesPerProducer,
            double crashRate,
            int visibilitySeconds,
            Duration drainLimit,
            Duration produceFor) {
        Settings(
                int producers,
                int consumers,
                int messagesPerProducer,
                double crashRate,
                int visibilitySeconds,
                Duration drainLimit) {
            this(producers, consumers, messagesPerProducer, crashRate, visibilitySeconds, drainLimit, null);
        }
    }

    private LoadRun() {}

    /**
     * @param everySecond called once a second with the messages acked so far (throughput over time)
     */
    static History run(MqClient client, String queue, Settings settings, Consumer<Long> everySecond) throws Exception {
        return run(client, queue, settings, new History(), everySecond);
    }

    /** As above, into {@code history}, which consumers outside the run (a push endpoint) record into too. */
    static History run(MqClient client, String queue, Settings settings, History history, Consumer<Long> everySecond)
            throws Exception {
        boolean fifo = queue.endsWith(".fifo");
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.producers() + settings.consumers()));
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong received = new AtomicLong();
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < settings.producers(); p++) {
                int producer = p;
                long stopAt = settings.produceFor() == null
                        ? Long.MAX_VALUE
                        : System.nanoTime() + settings.produceFor().toNanos();
                producers.add(pool.submit(() -> {
                    for (int i = 0;
                            settings.produceFor() != null
                                    ? System.nanoTime() < stopAt
                                    : i < settings.messagesPerProducer();
                            i++) {
                        String body = History.body(producer, i);
                        history.attempt(body);
                        Message m = Message.of(body);
                        try {
                            client.send(queue, fifo ? m.withGroupId("p" + producer) : m);
                            history.sent(body);
                        } catch (MqException e) {
                            history.sendFailed(body); // outcome unknown: it may still be delivered
                            if (fifo) {
                                return null; // later sends could pass it; stop this group
                            }
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < settings.consumers(); c++) {
                long seed = c;
                consumers.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    while (producing.get() || !history.drained()) {
                        long start = System.nanoTime();
                        List<ReceivedMessage> messages;
                        try {
                            messages = client.receive(queue, 10, 1, settings.visibilitySeconds());
                        } catch (MqException e) {
                            continue; // still failing after the client's retries: poll again
                        }
                        for (ReceivedMessage m : messages) {
                            history.delivered(m.body(), start);
                            received.incrementAndGet();
                            if (random.nextDouble() < settings.crashRate()) {
                                // the worker dies: this message and the rest of its batch come back after
                                // their leases, in order
                                history.crashedOn(m.body());
                                break;
                            }
                            try {
                                long asked = System.nanoTime();
                                client.ack(queue, m.receiptHandle());
                                history.acked(m.body(), fifo ? m.groupId() : null, asked);
                            } catch (MqException e) {
                                history.ackFailed(m.body()); // lease lost, or unknown: it may come back
                                if (fifo) {
                                    break; // going on would ack later messages of its group before it
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            while (!producers.stream().allMatch(Future::isDone)) {
                everySecond.accept(history.acked());
                Thread.sleep(1_000);
            }
            for (Future<?> producer : producers) {
                producer.get(); // a producer that failed fails the run
            }
            producing.set(false);
            long deadline = System.nanoTime() + settings.drainLimit().toNanos();
            while (!history.drained() && System.nanoTime() < deadline) {
                everySecond.accept(history.acked());
                Thread.sleep(1_000);
            }
            everySecond.accept(history.acked());
        } finally {
            producing.set(false);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        return history;
    }
}
