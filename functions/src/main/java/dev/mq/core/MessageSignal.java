package dev.mq.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes long polls in this process when a message arrives, so the local server answers a waiting
 * consumer at once. Across processes (Lambda instances) a poll still finds the message at its next
 * re-query.
 */
final class MessageSignal {
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();

    long version(String incarnation) {
        return counter(incarnation).get();
    }

    void wake(String incarnation) {
        AtomicLong counter = counter(incarnation);
        synchronized (counter) {
            counter.incrementAndGet();
            counter.notifyAll();
        }
    }

    /** Waits up to {@code millis} unless a message arrived since {@code seen} was read. */
    void await(String incarnation, long seen, long millis) {
        AtomicLong counter = counter(incarnation);
        synchronized (counter) {
            if (counter.get() != seen) {
                return;
            }
            try {
                counter.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private AtomicLong counter(String incarnation) {
        return versions.computeIfAbsent(incarnation, k -> new AtomicLong());
    }
}
