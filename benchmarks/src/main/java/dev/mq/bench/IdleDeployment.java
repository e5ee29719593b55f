package dev.mq.bench;

import dev.mq.core.QueueMetrics;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.delivery.DeliveryWorker;
import dev.mq.delivery.EndpointDeliverer;
import dev.mq.handlers.MetricsHandler;
import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.store.Services;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What an idle deployment does every minute, measured: the scheduled metrics function (one snapshot of
 * every queue, written as EMF log lines) and the scheduled delivery sweep, run in-process against
 * DynamoDB Local with no message anywhere. Measured once with one queue and once with eleven, so the
 * figures split into a part per deployment and a part per queue.
 */
final class IdleDeployment {
    private IdleDeployment() {}

    /**
     * One scheduled minute, its reads billed as DynamoDB bills them ({@link BilledReads}).
     *
     * @param readUnits read units of the metrics snapshot and the delivery sweep
     * @param metricsMs warm duration of the metrics function, median
     * @param sweepMs warm duration of the delivery sweep, median
     * @param logBytes bytes of EMF log lines the metrics function writes
     */
    record Minute(double readUnits, double metricsMs, double sweepMs, long logBytes) {}

    /** The per-deployment part (no queue) and what each queue adds to one minute. */
    record Measured(Minute deployment, Minute perQueue) {}

    static Measured measure(URI dynamoEndpoint, DynamoDbClient plain, int rounds) throws InterruptedException {
        Minute one = minute(dynamoEndpoint, plain, "idle1", 1, rounds);
        Minute eleven = minute(dynamoEndpoint, plain, "idle11", 11, rounds);
        Minute perQueue = new Minute(
                (eleven.readUnits() - one.readUnits()) / 10,
                Math.max(0, (eleven.metricsMs() - one.metricsMs()) / 10),
                Math.max(0, (eleven.sweepMs() - one.sweepMs()) / 10),
                (eleven.logBytes() - one.logBytes()) / 10);
        Minute deployment = new Minute(
                one.readUnits() - perQueue.readUnits(),
                Math.max(0, one.metricsMs() - perQueue.metricsMs()),
                one.sweepMs(),
                one.logBytes() - perQueue.logBytes());
        return new Measured(deployment, perQueue);
    }

    private static Minute minute(URI endpoint, DynamoDbClient plain, String prefix, int queues, int rounds)
            throws InterruptedException {
        Tables tables = Tables.withPrefix(prefix);
        TableSetup.createIfMissing(plain, tables);
        BilledReads reads = new BilledReads();
        CapacityMeter meter = new CapacityMeter();
        // the sweep's and the metrics function's durations stand for the functions': their HTTP client
        DynamoDbClient metered = Benchmarks.EmbeddedDynamoDbClients.likeTheFunctions(endpoint, meter, reads);
        Services services = Benchmarks.services(metered, tables);
        QueueService service = services.queues();
        TopicService topics = services.topics();
        for (int i = 0; i < queues; i++) {
            service.createQueue(prefix + "-q" + i, QueueAttributes.defaults());
        }
        AtomicLong logBytes = new AtomicLong();
        MetricsHandler metrics = new MetricsHandler(
                new QueueMetrics(service),
                "mq",
                "bench",
                Clock.systemUTC(),
                line -> logBytes.addAndGet(line.length() + 1));
        DeliveryWorker sweep =
                new DeliveryWorker(topics, service, new EndpointDeliverer(), DeliveryWorker.Settings.defaults());

        List<Double> metricsMs = new ArrayList<>();
        List<Double> sweepMs = new ArrayList<>();
        double readUnits = 0;
        long bytes = 0;
        for (int i = 0; i < rounds + 3; i++) { // the first 3 rounds warm the JIT and the settings caches
            boolean counted = i >= 3;
            meter.reset();
            reads.reset();
            logBytes.set(0);
            long start = System.nanoTime();
            metrics.handleRequest(null, null);
            long between = System.nanoTime();
            sweep.drain(() -> true);
            long end = System.nanoTime();
            if (counted) {
                metricsMs.add((between - start) / 1e6);
                sweepMs.add((end - between) / 1e6);
                readUnits += reads.units(meter);
                bytes += logBytes.get();
            }
        }
        return new Minute(
                readUnits / rounds, hundredths(median(metricsMs)), hundredths(median(sweepMs)), bytes / rounds);
    }

    private static double hundredths(double ms) {
        return Math.round(ms * 100) / 100.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
