package dev.mq.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.core.Consumer;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.delivery.PushDelivery;
import dev.mq.delivery.PushInvoker;
import dev.mq.local.LocalServer;
import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.store.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Push consumers, measured: {@code java -cp benchmarks/target/benchmarks.jar dev.mq.bench.Push [--tiny]}.
 * On the local server over real HTTP: the time from a send's answer to the endpoint consumer being invoked
 * (stream poll and scheduler included), and how fast one push consumer (batch 10) drains a backlog beside
 * 8 polling consumers. In process over a metered DynamoDB: the write and read units per message of push
 * delivery beside pull, and what an idle push consumer's once-a-minute sweep reads, priced by {@link Cost}.
 */
public final class Push {
    static final String SECRET = "bench-secret";
    static final byte[] ALL_OK = "{\"batchItemFailures\": []}".getBytes(StandardCharsets.UTF_8);
    static final double SWEEPS_PER_MONTH = 30.0 * 24 * 60;

    private Push() {}

    public static void main(String[] args) throws Exception {
        boolean tiny = List.of(args).contains("--tiny");
        Map<String, Object> figures = measure(tiny ? 5 : 100, tiny ? 20 : 2_000, tiny ? 10 : 200);
        figures.forEach((k, v) -> System.out.println(k + ": " + v));
        System.exit(0);
    }

    /** The push part's figures, by name. */
    static Map<String, Object> measure(int latencySamples, int backlog, int capacityMessages) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
                MqClient client = MqClient.builder()
                        .endpoint(server.baseUrl())
                        .autoDeduplication(false)
                        .build();
                Endpoint endpoint = new Endpoint()) {
            double[] latency = latency(client, endpoint, latencySamples);
            figures.put(
                    "send -> consumer invoked (ms)",
                    String.format(
                            Locale.ROOT, "p50 %.1f, p99 %.1f (%d samples)", latency[0], latency[1], latencySamples));
            double push = pushThroughput(client, endpoint, backlog);
            double pull = pullThroughput(client, backlog, 8);
            figures.put(
                    "backlog of " + backlog + " drained (msg/s)",
                    String.format(Locale.ROOT, "push consumer, batch 10: %.0f; 8 polling consumers: %.0f", push, pull));
        }
        figures.putAll(Benchmarks.onItsOwnDynamoDb(dynamo -> {
            Tables tables = Benchmarks.createTables(dynamo, "push");
            CapacityMeter meter = new CapacityMeter();
            BilledReads reads = new BilledReads();
            try (DynamoDbClient metered = Benchmarks.EmbeddedDynamoDbClients.metered(dynamo.endpoint(), meter, reads)) {
                return capacity(Benchmarks.service(metered, tables), meter, reads, capacityMessages);
            }
        }));
        return figures;
    }

    /** p50 and p99 ms from a send's answer to the consumer's invocation, one message at a time. */
    private static double[] latency(MqClient client, Endpoint endpoint, int samples) throws Exception {
        String queue = "push-latency";
        client.createQueue(queue);
        client.putConsumer(
                queue,
                "bench",
                MqClient.Consumer.toEndpoint(endpoint.url(), SECRET).withBatchSize(10));
        client.send(queue, Message.of("warm-up"));
        endpoint.await("warm-up");
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            // a random pause, so sends fall anywhere in the stream reader's poll interval
            Thread.sleep(ThreadLocalRandom.current().nextInt(300));
            String body = "latency-" + i;
            client.send(queue, Message.of(body));
            long sent = System.nanoTime();
            long invoked = endpoint.await(body);
            ms.add((invoked - sent) / 1e6);
        }
        Collections.sort(ms);
        return new double[] {percentile(ms, 0.50), percentile(ms, 0.99)};
    }

    private static double pushThroughput(MqClient client, Endpoint endpoint, int backlog) throws Exception {
        String queue = "push-throughput";
        client.createQueue(queue);
        fill(client, queue, backlog);
        int before = endpoint.records.get();
        long start = System.nanoTime();
        client.putConsumer(
                queue,
                "bench",
                MqClient.Consumer.toEndpoint(endpoint.url(), SECRET).withBatchSize(10));
        while (endpoint.records.get() - before < backlog
                || !client.browse(queue, 1, null).messages().isEmpty()) {
            Thread.sleep(5);
        }
        return backlog / ((System.nanoTime() - start) / 1e9);
    }

    private static double pullThroughput(MqClient client, int backlog, int consumers) throws Exception {
        String queue = "pull-throughput";
        client.createQueue(queue);
        fill(client, queue, backlog);
        AtomicInteger acked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            running.add(pool.submit(() -> {
                while (acked.get() < backlog) {
                    List<dev.mq.model.Responses.ReceivedMessage> got = client.receive(queue, 10, 0);
                    if (!got.isEmpty()) {
                        client.ackBatch(
                                queue,
                                got.stream()
                                        .map(dev.mq.model.Responses.ReceivedMessage::receiptHandle)
                                        .toList());
                        acked.addAndGet(got.size());
                    }
                }
                return null;
            }));
        }
        for (Future<?> consumer : running) {
            consumer.get();
        }
        pool.shutdown();
        return backlog / ((System.nanoTime() - start) / 1e9);
    }

    private static void fill(MqClient client, String queue, int messages) {
        for (int sent = 0; sent < messages; sent += 10) {
            client.sendBatch(queue, Collections.nCopies(Math.min(10, messages - sent), Message.of("m")));
        }
    }

    /**
     * Units per message of a 1 KB message sent in batches of 10 and delivered by push (one lease of 10, the
     * event, the acks) beside the same pulled (a receive of 10, an ack batch), and the billed reads of one
     * sweep of an idle push consumer (its lease finds nothing).
     */
    private static Map<String, Object> capacity(
            QueueService queues, CapacityMeter meter, BilledReads reads, int messages) {
        PushDelivery delivery = new PushDelivery(
                queues,
                (consumer, event) -> new PushInvoker.Result.Answered(ALL_OK),
                (consumer, event) -> new PushInvoker.Result.Failed("no functions here"),
                PushDelivery.EventSource.local(),
                Clock.systemUTC());
        Map<String, Object> figures = new LinkedHashMap<>();
        for (String queue : List.of("cap-push", "cap-pull")) {
            queues.createQueue(queue, QueueAttributes.defaults());
            queues.receive(queue, new ReceiveOptions(1, 0, null)); // caches the queue's settings
        }
        Consumer consumer = new Consumer(
                "cap-push",
                "bench",
                queues.queueConfig("cap-push").incarnation(),
                null,
                "http://127.0.0.1:1/unused",
                SECRET,
                10,
                0,
                1,
                Instant.now());
        List<MessageToSend> ten = Collections.nCopies(10, MessageToSend.of(Capacity.ONE_KB_ITEM_BODY));

        meter.reset();
        for (int sent = 0; sent < messages; sent += 10) {
            queues.sendBatch("cap-push", ten);
            for (int delivered = 0; delivered < 10; ) {
                delivered += delivery.deliverOnce(consumer);
            }
        }
        figures.put("units per message, push (send batch 10, push batch 10)", units(meter, messages));

        meter.reset();
        for (int sent = 0; sent < messages; sent += 10) {
            queues.sendBatch("cap-pull", ten);
            List<ReceivedMessage> got = new ArrayList<>();
            while (got.size() < 10) {
                got.addAll(queues.receive("cap-pull", new ReceiveOptions(10, 0, null)));
            }
            queues.ackAll(
                    "cap-pull", got.stream().map(ReceivedMessage::receiptHandle).toList());
        }
        figures.put("units per message, pull (send batch 10, receive 10, ack batch)", units(meter, messages));

        meter.reset();
        reads.reset();
        delivery.deliverOnce(consumer); // what the sweep does for each consumer, once a minute
        double sweepReads = reads.units(meter);
        double monthly = sweepReads * SWEEPS_PER_MONTH * Cost.Prices.DYNAMO_READ_UNIT;
        figures.put(
                "idle push consumer",
                String.format(
                        Locale.ROOT,
                        "%.2f billed read units per sweep (once a minute), %.0f a month: $%.4f a month;"
                                + " no Lambda invocation besides the sweep's own",
                        sweepReads,
                        sweepReads * SWEEPS_PER_MONTH,
                        monthly));
        return figures;
    }

    private static String units(CapacityMeter meter, int messages) {
        return String.format(
                Locale.ROOT, "%.2f W, %.2f R", meter.writeUnits() / messages, meter.readUnits() / messages);
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** A loopback endpoint consumer that acks everything and notes when each body was handed to it. */
    static final class Endpoint implements AutoCloseable {
        final HttpServer http;
        final ExecutorService threads = Executors.newCachedThreadPool();
        final Map<String, Long> invokedAt = new ConcurrentHashMap<>();
        final AtomicInteger records = new AtomicInteger();

        Endpoint() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", this::handle);
            http.setExecutor(threads);
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/consumer";
        }

        private void handle(HttpExchange exchange) throws IOException {
            long now = System.nanoTime();
            String event = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // bodies here are plain words, so the event's "body" fields can be read without a parser
            int at = 0;
            while ((at = event.indexOf("\"body\":\"", at)) >= 0) {
                int start = at + 8;
                int end = event.indexOf('"', start);
                invokedAt.putIfAbsent(event.substring(start, end), now);
                records.incrementAndGet();
                at = end;
            }
            exchange.sendResponseHeaders(200, ALL_OK.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ALL_OK);
            }
        }

        long await(String body) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            Long at;
            while ((at = invokedAt.get(body)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("never invoked with " + body);
                }
                Thread.sleep(1);
            }
            return at;
        }

        @Override
        public void close() {
            http.stop(0);
            threads.shutdownNow();
        }
    }
}
