package dev.mq.local;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stands in for DynamoDB's TTL, which DynamoDB Local never runs: every interval it removes expired
 * items on a daemon thread. Reads already skip expired items, so the sweep only reclaims space; a failed
 * sweep is logged and the next one tries again.
 */
final class ExpirySweeper implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(60);
    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class.getName());

    private final ScheduledExecutorService scheduler;

    private ExpirySweeper(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Sweeps every {@code interval}; each sweep is a function answering how many items it removed. */
    static ExpirySweeper start(Duration interval, LongSupplier... sweeps) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mq-expiry-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> sweep(sweeps), millis, millis, TimeUnit.MILLISECONDS);
        return new ExpirySweeper(scheduler);
    }

    private static void sweep(LongSupplier[] sweeps) {
        // an exception escaping a scheduled task would cancel every later run
        try {
            long removed = 0;
            for (LongSupplier sweep : sweeps) {
                removed += sweep.getAsLong();
            }
            long total = removed;
            if (total > 0) {
                LOG.info(() -> "removed " + total + " expired items");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "expiry sweep failed; the next one retries", e);
        }
    }

    /** Stops sweeping, waiting briefly for a sweep under way so it does not outlive DynamoDB Local. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
