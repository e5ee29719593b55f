package dev.mq.examples;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.MqException;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.model.Responses.SendResult;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Log processing. Services ship log lines in batches of ten (one request per ten lines) from several
 * threads; a pool of consumers takes ten at a time, counts lines per service and level, and acknowledges
 * each batch in one request. Counting is keyed by message id, so a line delivered twice is counted once.
 *
 * <p>A batch send answers per line: a line refused as throttled is sent again, any other refusal is
 * reported and the line not counted as shipped. Lines go without deduplication ids (the cheapest write):
 * a batch whose answer is lost throws {@link MqException.OutcomeUnknown} rather than risk shipping it twice.
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
        AtomicLong shipped = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                consumers.add(pool.submit(() -> consume(counted, seen, producing, shipped)));
            }
            Map<String, Long> sent = produce(pool, lines, shipped);
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
    private Map<String, Long> produce(ExecutorService pool, int lines, AtomicLong shipped) throws Exception {
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
                    batch.add(
                            Message.of(level + " " + service + " request " + i + " took " + random.nextInt(900) + " ms")
                                    .withAttributes(Map.of("service", service, "level", level)));
                    if (batch.size() == 10 || i == share - 1) {
                        List<Message> stored = ship(batch);
                        for (Message line : stored) {
                            sent.merge(
                                    line.attributes().get("service") + " "
                                            + line.attributes().get("level"),
                                    1L,
                                    Long::sum);
                        }
                        shipped.addAndGet(stored.size());
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

    /**
     * Sends a batch and answers the lines stored. Throttled means nothing was stored, so those lines (or
     * the whole batch) go again after a pause; any other refusal is reported.
     */
    List<Message> ship(List<Message> batch) throws InterruptedException {
        List<Message> stored = new ArrayList<>();
        List<Message> pending = batch;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            Thread.sleep(attempt == 1 ? 0 : 100L << attempt);
            List<SendResult> results;
            try {
                results = mq.sendBatch(queue, pending);
            } catch (MqException.Throttled wholeBatch) {
                if (attempt == 5) {
                    throw wholeBatch;
                }
                continue;
            }
            List<Message> again = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                SendResult result = results.get(i);
                if (result.error() == null) {
                    stored.add(pending.get(i));
                } else if (attempt < 5 && result.error().code().equals("Throttled")) {
                    again.add(pending.get(i));
                } else {
                    out.printf(
                            "line not shipped: %s: %s%n",
                            result.error().code(), result.error().message());
                }
            }
            pending = again;
        }
        return stored;
    }

    /** Takes ten at a time and acks each batch in one request, until every line shipped is counted. */
    private void consume(
            Map<String, LongAdder> counted, Set<String> seen, AtomicBoolean producing, AtomicLong shipped) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while ((producing.get() || seen.size() < shipped.get()) && System.nanoTime() < deadline) {
            List<ReceivedMessage> batch = mq.receive(queue, 10, producing.get() ? 1 : 2);
            for (ReceivedMessage m : batch) {
                if (seen.add(m.messageId())) {
                    counted.computeIfAbsent(
                                    m.attributes().get("service") + " "
                                            + m.attributes().get("level"),
                                    k -> new LongAdder())
                            .increment();
                }
            }
            if (!batch.isEmpty()) {
                // a refused ack (the lease was lost) only brings the line again, and `seen` counts it once
                mq.ackBatch(
                        queue,
                        batch.stream().map(ReceivedMessage::receiptHandle).toList());
            }
        }
    }
}
