package dev.mq.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one request's independent store calls side by side: the leases of a batch receive and the
 * deletes of a batch ack each wait on DynamoDB, not on each other, so ten take about as long as one.
 * Every call's outcome is kept, failures included, so a caller never loses a lease that succeeded
 * beside one that failed. When the pool is busy, the calling thread runs the call itself.
 */
final class SideBySide {
    /** A call's value, or the exception it ended with. */
    record Outcome<T>(T value, RuntimeException error) {}

    private final ThreadPoolExecutor pool;

    SideBySide(int maxThreads) {
        pool = new ThreadPoolExecutor(
                0,
                maxThreads,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "mq-store-call");
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** The outcomes, in the order of the calls. */
    <T> List<Outcome<T>> run(List<Supplier<T>> calls) {
        List<Outcome<T>> outcomes = new ArrayList<>();
        if (calls.size() <= 1) {
            calls.forEach(call -> outcomes.add(outcome(call)));
            return outcomes;
        }
        List<Future<Outcome<T>>> others = new ArrayList<>();
        for (Supplier<T> call : calls.subList(1, calls.size())) {
            others.add(pool.submit(() -> outcome(call)));
        }
        outcomes.add(outcome(calls.get(0)));
        boolean interrupted = false;
        for (Future<Outcome<T>> future : others) {
            while (true) {
                try {
                    outcomes.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the calls are under way: their outcomes must still be collected
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome<>(null, new IllegalStateException(e.getCause())));
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcomes;
    }

    private static <T> Outcome<T> outcome(Supplier<T> call) {
        try {
            return new Outcome<>(call.get(), null);
        } catch (RuntimeException e) {
            return new Outcome<>(null, e);
        }
    }
}
