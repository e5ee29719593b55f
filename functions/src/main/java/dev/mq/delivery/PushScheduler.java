package dev.mq.delivery;

import dev.mq.core.Consumer;
import dev.mq.core.ConsumerDirectory;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs push delivery rounds when there may be something to deliver, and keeps their concurrency in
 * bounds. It is woken two ways, which are all there is (no consumer polls):
 * <ul>
 *   <li>{@link #arrived}: the messages table's stream showed messages becoming visible in these queue
 *       incarnations (see {@code MessageArrivals});</li>
 *   <li>{@link #sweep}: every consumer, for what no write announces: delayed messages coming due and
 *       leases that ran out. Run it on a schedule (the local server every second; in AWS once a
 *       minute).</li>
 * </ul>
 * A woken consumer gets rounds until one leases nothing. Each consumer has its own lane: its own threads
 * and at most {@code maxConcurrency} rounds (batches) in flight; a round that leased a full batch starts
 * another beside it, up to that bound, so a backlog is drained in parallel and a trickle with one round.
 * A slow or failing consumer therefore only ever holds its own lane, never another consumer's.
 *
 * <p>In a Lambda function (the stream handler and the scheduled sweep), call {@link #arrived} or
 * {@link #sweep} and then {@link #awaitIdle} with the time the invocation has left.
 *
 * <p>The bound is per scheduler, that is per process, and that is the documented guarantee: several
 * push function instances running at once (one per stream shard, plus the sweep) each keep their own,
 * so a consumer gets at most {@code maxConcurrency} × that many batches at once. A shared bound would
 * cost a conditional write per batch; a consumer that needs a hard limit sets its own function's
 * reserved concurrency (an invocation past it fails, and its batch comes back after its timeout).
 */
public final class PushScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PushScheduler.class.getName());

    private final ConsumerDirectory directory;
    private final PushDelivery delivery;
    /** One lane per consumer, keyed by the whole value: a consumer made again with other settings gets a new one. */
    private final Map<Consumer, Lane> lanes = new ConcurrentHashMap<>();

    private volatile boolean closed;

    public PushScheduler(ConsumerDirectory directory, PushDelivery delivery) {
        this.directory = directory;
        this.delivery = delivery;
    }

    /** Messages became visible in these queue incarnations: wakes their consumers. */
    public void arrived(Collection<String> incarnations) {
        if (incarnations.isEmpty()) {
            return;
        }
        Set<String> woken = new HashSet<>(incarnations);
        for (Consumer consumer : directory.all()) {
            if (woken.contains(consumer.queueIncarnation())) {
                lane(consumer).wake();
            }
        }
    }

    /** Wakes every consumer, and lets go of the lanes of consumers that are gone. */
    public void sweep() {
        Set<Consumer> current = new HashSet<>(directory.all());
        lanes.entrySet().removeIf(entry -> {
            if (current.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
        for (Consumer consumer : current) {
            lane(consumer).wake();
        }
    }

    /** Waits until no round runs, or {@code max} passed; answers which. */
    public boolean awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (lanes.values().stream().anyMatch(Lane::busy)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Stops starting rounds; rounds under way are interrupted, and their batches come back after their timeout. */
    @Override
    public void close() {
        closed = true;
        lanes.values().forEach(Lane::close);
        lanes.clear();
    }

    private Lane lane(Consumer consumer) {
        return lanes.computeIfAbsent(consumer, Lane::new);
    }

    /** One consumer's rounds, on its own threads, at most {@code maxConcurrency} at once. */
    private final class Lane {
        private final Consumer consumer;
        private final ExecutorService threads;
        // guarded by this
        private int running;
        private boolean wanted;

        Lane(Consumer consumer) {
            this.consumer = consumer;
            AtomicInteger count = new AtomicInteger();
            String name = "mq-push-" + consumer.queue() + "-" + consumer.name() + "-";
            this.threads = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, name + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }

        /** Something may be due: a round starts unless one runs, and that one goes on for another round. */
        void wake() {
            synchronized (this) {
                wanted = true;
                if (running > 0) {
                    return;
                }
                running++;
            }
            start();
        }

        /** A full batch came: likely more is waiting, so another round runs beside, within the bound. */
        private void widen() {
            synchronized (this) {
                if (running >= consumer.maxConcurrency()) {
                    return;
                }
                running++;
            }
            start();
        }

        private void start() {
            try {
                threads.execute(this::rounds);
            } catch (RejectedExecutionException closing) {
                synchronized (this) {
                    running--;
                }
            }
        }

        private void rounds() {
            try {
                while (!closed && !Thread.currentThread().isInterrupted()) {
                    synchronized (this) {
                        wanted = false;
                    }
                    int leased;
                    try {
                        leased = delivery.deliverOnce(consumer);
                    } catch (RuntimeException e) {
                        // the store failed: the next signal or sweep tries again
                        LOG.log(
                                Level.WARNING,
                                "push delivery to " + consumer.queue() + "/" + consumer.name() + " failed",
                                e);
                        return;
                    }
                    if (leased >= consumer.batchSize()) {
                        widen();
                    } else if (leased == 0) {
                        synchronized (this) {
                            if (!wanted) {
                                return;
                            }
                        }
                    }
                }
            } finally {
                synchronized (this) {
                    running--;
                }
            }
        }

        synchronized boolean busy() {
            return running > 0;
        }

        void close() {
            threads.shutdownNow();
            try {
                threads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
