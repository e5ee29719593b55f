package dev.mq.examples;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.model.Responses.ReceivedMessage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Log processing. Services ship log lines in batches of ten (one request per ten lines) from several
 * threads; a pool of consumers takes ten at a time, counts lines per service and level, and acknowledges
 * each batch in one request. Counting is keyed by message id, so a line delivered twice is counted once.
 */
public final class LogProcessing {
    private static final List<String> SERVICES = List.of("checkout", "search", "auth");
    private static final List<String> LEVELS = List.of("INFO", "INFO", "INFO", "WARN", "ERROR");

    /** Lines sent and counted per "service level", and the rate the pipeline ran at. */
    public record Result(Map<String, Long> sent, Map<String, Long> counted, double linesPerSecond) {}

    private final MqClient mq;
    private final String queue;
    private final PrintStream out;

    public LogProcessing(MqClient mq, String prefix, PrintStream out) {
        this.mq = mq;
        this.queue = prefix + "logs";
        this.out = out;
    }

    public Result run(int lines) throws Exception {
        mq.createQueue(queue);
        try {
            return pipeline(lines);
        } finally {
            mq.deleteQueue(queue);
        }
    }

    private Result pipeline(int lines) throws Exception {
        long start = System.nanoTime();
        Map<String, LongAdder> counted = new ConcurrentHashMap<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                consumers.add(pool.submit(() -> consume(counted, seen, producing, lines)));
            }
            Map<String, Long> sent = produce(pool, lines);
            producing.set(false);
            for (Future<?> consumer : consumers) {
                consumer.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> totals = new TreeMap<>();
            counted.forEach((key, n) -> totals.put(key, n.sum()));
            out.printf("%d log lines shipped and counted in %.1f s (%.0f lines/s)%n", lines, seconds, lines / seconds);
            totals.forEach((key, n) -> out.printf("  %-16s %6d%n", key, n));
            return new Result(sent, totals, lines / seconds);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Four shippers, each sending its share of lines in batches of ten. */
    private Map<String, Long> produce(ExecutorService pool, int lines) throws Exception {
        List<Future<Map<String, Long>>> shippers = new ArrayList<>();
        for (int shipper = 0; shipper < 4; shipper++) {
            int share = lines / 4 + (shipper < lines % 4 ? 1 : 0);
            long seed = shipper;
            shippers.add(pool.submit(() -> {
                Random random = new Random(seed);
                Map<String, Long> sent = new TreeMap<>();
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < share; i++) {
                    String service = SERVICES.get(random.nextInt(SERVICES.size()));
                    String level = LEVELS.get(random.nextInt(LEVELS.size()));
                    batch.add(Message.of(level + " " + service + " request " + i + " took " + random.nextInt(900) + " ms")
                            .withAttributes(Map.of("service", service, "level", level)));
                    sent.merge(service + " " + level, 1L, Long::sum);
                    if (batch.size() == 10 || i == share - 1) {
                        mq.sendBatch(queue, batch);
                        batch.clear();
                    }
                }
                return sent;
            }));
        }
        Map<String, Long> sent = new TreeMap<>();
        for (Future<Map<String, Long>> shipper : shippers) {
            shipper.get().forEach((key, n) -> sent.merge(key, n, Long::sum));
        }
        return sent;
    }

    /** Takes ten at a time and acks each batch in one request, until every line is counted. */
    private void consume(Map<String, LongAdder> counted, Set<String> seen, AtomicBoolean producing, int lines) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (seen.size() < lines && System.nanoTime() < deadline) {
            List<ReceivedMessage> batch = mq.receive(queue, 10, producing.get() ? 1 : 2);
            for (ReceivedMessage m : batch) {
                if (seen.add(m.messageId())) {
                    counted.computeIfAbsent(m.attributes().get("service") + " " + m.attributes().get("level"),
                            k -> new LongAdder()).increment();
                }
            }
            if (!batch.isEmpty()) {
                mq.ackBatch(queue, batch.stream().map(ReceivedMessage::receiptHandle).toList());
            }
        }
    }
}
