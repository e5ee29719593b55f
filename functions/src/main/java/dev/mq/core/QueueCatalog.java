package dev.mq.core;

import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Queues as the catalog holds them: creation, settings and their checks, listing, deletion, and each
 * process's short-lived cache of settings, so a send or receive does not pay a read for them.
 */
final class QueueCatalog {
    private static final Logger LOG = Logger.getLogger(QueueCatalog.class.getName());
    private static final Pattern LIST_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,80}");

    private final QueueStore store;
    private final Clock clock;
    private final QueueService.Settings settings;
    private final Map<String, CachedConfig> configCache = new ConcurrentHashMap<>();

    QueueCatalog(QueueStore store, Clock clock, QueueService.Settings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    Created<QueueDescription> createQueue(String name, QueueAttributes attributes) {
        Names.requireQueueName(name);
        checkDeadLetterQueue(name, attributes);
        QueueConfig wanted = new QueueConfig(
                name,
                Names.isFifo(name),
                now(),
                UUID.randomUUID().toString(),
                settings.shardsPerQueue(),
                attributes,
                0);
        Optional<QueueConfig> existing = store.createQueue(wanted);
        configCache.remove(name);
        if (existing.isEmpty()) {
            return new Created<>(describe(wanted, null), true);
        }
        if (!existing.get().attributes().equals(attributes)) {
            throw new QueueException(
                    ErrorCode.QUEUE_ALREADY_EXISTS,
                    "queue " + name + " exists with other attributes; change them with PATCH");
        }
        return new Created<>(describe(existing.get(), null), false);
    }

    /**
     * Applies {@code change} to the current attributes. A concurrent change makes the write fail its
     * version condition; the change is then applied again to what that one wrote.
     */
    QueueDescription updateQueue(String name, UnaryOperator<QueueAttributes> change) {
        for (int attempt = 1; ; attempt++) {
            QueueConfig current = requireQueueFresh(name);
            QueueAttributes changed = change.apply(current.attributes());
            checkDeadLetterQueue(name, changed);
            QueueConfig updated = current.withAttributes(changed);
            if (store.updateQueue(updated)) {
                configCache.remove(name);
                return describe(updated, null);
            }
            if (attempt >= 5) {
                throw new QueueException(
                        ErrorCode.UNAVAILABLE, "queue " + name + " is being changed by others at the same time; retry");
            }
        }
    }

    QueueConfig queueConfig(String name) {
        return requireQueueFresh(name);
    }

    /** Queues sorted by name; an empty or absent {@code prefix} or {@code next} means none. */
    Page<QueueSummary> listQueues(String prefix, int limit, String next) {
        String from = prefix == null ? "" : prefix;
        if (!LIST_PREFIX.matcher(from).matches()) {
            throw QueueException.invalid("prefix must be up to 80 of A-Z a-z 0-9 _ - .");
        }
        String after = next == null || next.isEmpty() ? null : PageCursors.decodeQueueName(next, from);
        Page<QueueConfig> page = store.listQueues(from, limit, after);
        return new Page<>(
                page.items().stream()
                        .map(q -> new QueueSummary(q.name(), q.fifo(), q.createdAt()))
                        .toList(),
                page.next() == null ? null : PageCursors.encode(page.next()));
    }

    /**
     * Deletes the queue and its messages. A queue that other queues name as their dead-letter queue is
     * refused with {@code QueueInUse}, naming them: deleting it would leave their poison messages with
     * nowhere to go. The check reads the queue catalog, not messages; a change that names this queue
     * at the very moment of the delete can still slip past it, and then that queue's messages stay in
     * it until its {@code deadLetterQueue} is changed.
     */
    void deleteQueue(String name) {
        Names.requireQueueName(name);
        List<String> sources = deadLetterSources(name);
        if (!sources.isEmpty() && store.getQueue(name).isPresent()) {
            int shown = Math.min(sources.size(), 10);
            String named = String.join(", ", sources.subList(0, shown))
                    + (sources.size() > shown ? " and " + (sources.size() - shown) + " more" : "");
            throw new QueueException(
                    ErrorCode.QUEUE_IN_USE,
                    "queue " + name + " is the deadLetterQueue of " + named
                            + "; change their deadLetterQueue (PATCH) or delete them first");
        }
        QueueConfig removed = store.deleteQueue(name).orElseThrow(() -> QueueException.queueNotFound(name));
        configCache.remove(name);
        // The catalog entry is gone, so nothing can reach these messages; removing them now keeps the
        // table small, and whatever is missed here expires through TTL. The delete has happened either
        // way, so a failure here is logged, not answered.
        try {
            store.deleteAll(removed.incarnation(), removed.shards());
        } catch (QueueException e) {
            LOG.warning(() -> "queue " + name + " deleted; its messages are left to expire (" + e.getMessage() + ")");
        }
    }

    /**
     * The queues that name {@code name} as their dead-letter queue, sorted. One listing of the catalog:
     * its read cost grows with the number of queues, never with messages (a catalog entry is ~200
     * bytes, so a thousand queues are ~200 KB, about 25 read units).
     */
    List<String> deadLetterSources(String name) {
        List<String> sources = new ArrayList<>();
        String after = null;
        do {
            Page<QueueConfig> page = store.listQueues("", 1_000, after);
            page.items().stream()
                    .filter(q -> name.equals(q.attributes().deadLetterQueue()))
                    .forEach(q -> sources.add(q.name()));
            after = page.next();
        } while (after != null);
        return sources;
    }

    void purge(String name) {
        QueueConfig config = requireQueueFresh(name);
        store.deleteAll(config.incarnation(), config.shards());
    }

    private void checkDeadLetterQueue(String name, QueueAttributes attributes) {
        String dlq = attributes.deadLetterQueue();
        if (dlq == null) {
            return;
        }
        if (dlq.equals(name)) {
            throw QueueException.invalid("a queue cannot be its own dead-letter queue");
        }
        if (Names.isFifo(dlq) != Names.isFifo(name)) {
            throw QueueException.invalid("the dead-letter queue of a " + (Names.isFifo(name) ? "FIFO" : "standard")
                    + " queue must be a " + (Names.isFifo(name) ? "FIFO" : "standard") + " queue");
        }
        if (store.getQueue(dlq).isEmpty()) {
            throw QueueException.invalid("dead-letter queue " + dlq + " does not exist; create it first");
        }
    }

    QueueDescription describe(QueueConfig config, QueueStats stats) {
        return new QueueDescription(config.name(), config.fifo(), config.createdAt(), config.attributes(), stats);
    }

    /** Milliseconds, the precision times are stored at, so a time reads the same in every answer. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    QueueConfig requireQueue(String name) {
        Names.requireQueueName(name);
        return cachedQueue(name).orElseThrow(() -> QueueException.queueNotFound(name));
    }

    /** Admin reads skip the cache: a person looking at a queue expects what is there now. */
    QueueConfig requireQueueFresh(String name) {
        Names.requireQueueName(name);
        Optional<QueueConfig> config = store.getQueue(name);
        config.ifPresentOrElse(
                c -> configCache.put(name, new CachedConfig(c, System.nanoTime())), () -> configCache.remove(name));
        return config.orElseThrow(() -> QueueException.queueNotFound(name));
    }

    Optional<QueueConfig> cachedQueue(String name) {
        CachedConfig cached = configCache.get(name);
        if (cached != null
                && System.nanoTime() - cached.readAt < settings.configCacheTtl().toNanos()) {
            return Optional.of(cached.config);
        }
        Optional<QueueConfig> config = store.getQueue(name);
        config.ifPresentOrElse(
                c -> configCache.put(name, new CachedConfig(c, System.nanoTime())), () -> configCache.remove(name));
        return config;
    }

    private record CachedConfig(QueueConfig config, long readAt) {}
}
