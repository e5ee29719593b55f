package dev.mq.bench;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.MqClient.Subscription;
import dev.mq.model.Responses.ReceivedMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Send-to-receive latency over HTTP with a consumer already waiting in a long poll, as a production
 * consumer would be; and publish-to-subscriber-queue latency through a topic with three subscriptions.
 * Each message carries its send time; producer and consumers share the JVM's clock.
 */
final class Latency {
    private Latency() {}

    record Percentiles(String path, int samples, double p50, double p95, double p99, double max) {
        static Percentiles of(String path, List<Double> millis) {
            double[] sorted =
                    millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Percentiles(
                    path,
                    sorted.length,
                    at(sorted, 0.50),
                    at(sorted, 0.95),
                    at(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        }

        private static double at(double[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        }
    }

    static Percentiles queue(MqClient mq, String queue, int samples) throws Exception {
        mq.createQueue(queue);
        try {
            List<Double> latencies = measure(
                    mq,
                    List.of(queue),
                    samples,
                    () -> mq.send(
                            queue, Message.of("ping").withAttribute("sentNanos", Long.toString(System.nanoTime()))));
            return Percentiles.of("send -> receive (waiting long poll)", latencies);
        } finally {
            mq.deleteQueue(queue);
        }
    }

    static Percentiles topic(MqClient mq, String prefix, int samples) throws Exception {
        String topic = prefix + "topic";
        List<String> queues = List.of(prefix + "sub-a", prefix + "sub-b", prefix + "sub-c");
        mq.createTopic(topic);
        queues.forEach(mq::createQueue);
        try {
            for (String q : queues) {
                mq.subscribe(topic, q, Subscription.toQueue(q));
            }
            Thread.sleep(5);
            List<Double> latencies = measure(
                    mq,
                    queues,
                    samples,
                    () -> mq.publish(
                            topic, Message.of("ping").withAttribute("sentNanos", Long.toString(System.nanoTime()))));
            return Percentiles.of("topic publish -> each of 3 subscriber queues", latencies);
        } finally {
            mq.deleteTopic(topic);
            queues.forEach(mq::deleteQueue);
        }
    }

    /** Consumers long-poll each queue while {@code samples} messages are sent 20 ms apart. */
    private static List<Double> measure(MqClient mq, List<String> queues, int samples, Runnable send) throws Exception {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        ExecutorService consumers = Executors.newFixedThreadPool(queues.size());
        List<Future<?>> running = new ArrayList<>();
        for (String q : queues) {
            running.add(consumers.submit(() -> {
                int got = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + samples);
                while (got < samples && System.nanoTime() < deadline) {
                    for (ReceivedMessage m : mq.receive(q, 10, 20)) {
                        long now = System.nanoTime();
                        latencies.add((now - Long.parseLong(m.attributes().get("sentNanos"))) / 1e6);
                        mq.ack(q, m.receiptHandle());
                        got++;
                    }
                }
                return null;
            }));
        }
        Thread.sleep(300); // the consumers are waiting in their long polls
        for (int i = 0; i < samples; i++) {
            send.run();
            Thread.sleep(20);
        }
        for (Future<?> consumer : running) {
            consumer.get(120 + samples, TimeUnit.SECONDS);
        }
        consumers.shutdownNow();
        return new ArrayList<>(Arrays.asList(latencies.toArray(Double[]::new)));
    }
}
