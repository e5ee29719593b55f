package dev.mq.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes long polls in this process when a message arrives, so the local server answers a waiting
 * consumer at once. Across processes (Lambda instances) a poll still finds the message at its next
 * re-query.
 *
 * <p>A message wakes one waiting poll, not all of them: with many consumers waiting on a queue, waking
 * every one for each message had them all query for a message only one could take (at 8 consumers, 1.7
 * queries per message delivered, most of them empty). The others wait on until their next re-query.
 */
final class MessageSignal {
    /** One queue incarnation's arrivals; guarded by its own monitor. */
    private static final class Arrivals {
        long version;
        int waiting;
    }

    private final Map<String, Arrivals> queues = new ConcurrentHashMap<>();

    long version(String incarnation) {
        Arrivals arrivals = arrivals(incarnation);
        synchronized (arrivals) {
            return arrivals.version;
        }
    }

    /** {@code messages} arrived (or became visible): wakes as many waiting polls, at most. */
    void wake(String incarnation, int messages) {
        Arrivals arrivals = arrivals(incarnation);
        synchronized (arrivals) {
            arrivals.version++;
            if (messages >= arrivals.waiting) {
                arrivals.notifyAll();
            } else {
                for (int i = 0; i < messages; i++) {
                    arrivals.notify();
                }
            }
        }
    }

    /** Waits up to {@code millis} unless a message arrived since {@code seen} was read, or one wakes it. */
    void await(String incarnation, long seen, long millis) {
        Arrivals arrivals = arrivals(incarnation);
        synchronized (arrivals) {
            if (arrivals.version != seen) {
                return;
            }
            arrivals.waiting++;
            try {
                arrivals.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                arrivals.waiting--;
            }
        }
    }

    private Arrivals arrivals(String incarnation) {
        return queues.computeIfAbsent(incarnation, k -> new Arrivals());
    }
}
