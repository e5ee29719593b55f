package dev.mq.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@link ConsumerDirectory} over the consumer store, with a short cache, as queue settings have: push
 * delivery asks for a queue's consumers on every stream record, and a store read each time would cost
 * more than the delivery. Only consumers of their queue's current incarnation are answered, so a queue
 * deleted and created again has none, even where a deletion left items behind. Changes made through
 * {@link Consumers} in this process are seen at once; others after at most the cache's lifetime.
 */
final class ConsumerCache implements ConsumerDirectory {
    private static final String ALL = "";

    private final ConsumerStore store;
    private final Function<String, Optional<String>> currentIncarnation;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    /** By queue name; {@link #ALL} (no queue has that name) holds every consumer. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param currentIncarnation a queue's current incarnation, empty when it does not exist
     * @param nanoTime           the clock the cache's lifetime is measured on ({@link System#nanoTime})
     */
    ConsumerCache(
            ConsumerStore store,
            Function<String, Optional<String>> currentIncarnation,
            Duration ttl,
            LongSupplier nanoTime) {
        this.store = store;
        this.currentIncarnation = currentIncarnation;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public List<Consumer> consumersOf(String queue) {
        return cached(queue, () -> current(store.consumersOf(queue)));
    }

    @Override
    public List<Consumer> all() {
        return cached(ALL, () -> current(store.all()));
    }

    /** Drops what is cached of {@code queue}'s consumers (and the list of all): they changed here. */
    void forget(String queue) {
        cache.remove(queue);
        cache.remove(ALL);
    }

    private List<Consumer> cached(String key, Supplier<List<Consumer>> read) {
        long now = nanoTime.getAsLong();
        Cached hit = cache.get(key);
        if (hit != null && now - hit.readAt < ttlNanos) {
            return hit.consumers;
        }
        List<Consumer> consumers = List.copyOf(read.get());
        cache.put(key, new Cached(consumers, now));
        return consumers;
    }

    /** The consumers whose queue incarnation is the current one: one look-up per queue named. */
    private List<Consumer> current(List<Consumer> consumers) {
        Map<String, Optional<String>> incarnations = new HashMap<>();
        List<Consumer> current = new ArrayList<>();
        for (Consumer consumer : consumers) {
            Optional<String> incarnation = incarnations.computeIfAbsent(consumer.queue(), currentIncarnation);
            if (incarnation.isPresent() && incarnation.get().equals(consumer.queueIncarnation())) {
                current.add(consumer);
            }
        }
        return current;
    }

    private record Cached(List<Consumer> consumers, long readAt) {}
}
