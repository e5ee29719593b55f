package dev.mq.core;

import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.model.RedriveAllowPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
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

    /** Creates the queue with {@code tags}; when it exists already, its tags stay as they are (as SQS). */
    Created<QueueDescription> createQueue(String name, QueueAttributes attributes, Map<String, String> tags) {
        Names.requireQueueName(name);
        Map<String, String> checkedTags = QueueTags.with(name, Map.of(), tags);
        checkDeadLetterQueue(name, null, attributes);
        Instant now = now();
        QueueConfig wanted = new QueueConfig(
                name,
                Names.isFifo(name),
                now,
                UUID.randomUUID().toString(),
                settings.shardsPerQueue(),
                attributes,
                0,
                now,
                checkedTags);
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
        return describe(
                changeEntry(name, current -> {
                    QueueAttributes changed = change.apply(current.attributes());
                    checkDeadLetterQueue(name, current.attributes().deadLetterQueue(), changed);
                    return current.withAttributes(changed, now());
                }),
                null);
    }

    /** Sets {@code tags} on the queue, replacing the values of keys it has; its attributes stay as they are. */
    void tagQueue(String name, Map<String, String> tags) {
        changeEntry(name, current -> current.withTags(QueueTags.with(name, current.tags(), tags)));
    }

    /** Removes the tags of {@code keys}; a key the queue has no tag of is no mistake (as SQS). */
    void untagQueue(String name, Collection<String> keys) {
        changeEntry(name, current -> current.withTags(QueueTags.without(current.tags(), keys)));
    }

    /**
     * Writes what {@code change} makes of the queue's entry, under the version condition: when another
     * change came in between, {@code change} is applied again to what that one wrote.
     */
    private QueueConfig changeEntry(String name, UnaryOperator<QueueConfig> change) {
        for (int attempt = 1; ; attempt++) {
            QueueConfig updated = change.apply(requireQueueFresh(name));
            if (store.updateQueue(updated)) {
                configCache.remove(name);
                return updated;
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

    /** Every queue that names {@code name} as its dead-letter queue, sorted (see {@link #deadLetterSources(String, String, int)}). */
    List<String> deadLetterSources(String name) {
        return deadLetterSources(name, null, Integer.MAX_VALUE);
    }

    /**
     * The queues whose dead-letter queue is {@code deadLetterQueue}, sorted by name, a page at a time; the
     * dead-letter queue must exist.
     */
    Page<String> deadLetterSourceQueues(String deadLetterQueue, int limit, String next) {
        requireQueueFresh(deadLetterQueue);
        if (limit < 1 || limit > 1000) {
            throw QueueException.invalid("limit must be an integer from 1 to 1000");
        }
        String after = next == null || next.isEmpty() ? null : PageCursors.decodeQueueName(next, "");
        List<String> found = deadLetterSources(deadLetterQueue, after, limit + 1);
        if (found.size() <= limit) {
            return new Page<>(found, null);
        }
        List<String> page = List.copyOf(found.subList(0, limit));
        return new Page<>(page, PageCursors.encode(page.get(limit - 1)));
    }

    /**
     * Up to {@code want} queues after {@code after} that name {@code name} as their dead-letter queue,
     * sorted. Nothing indexes the catalog by dead-letter queue, so this lists the catalog from
     * {@code after} on until it has found {@code want}: its reads grow with the number of queues (all of
     * them when few name this one), never with messages. A catalog entry is ~200 bytes without tags, so a
     * thousand queues are ~200 KB, about 25 read units; tags make an entry up to ~20 KB bigger.
     */
    private List<String> deadLetterSources(String name, String after, int want) {
        List<String> sources = new ArrayList<>();
        String from = after;
        do {
            Page<QueueConfig> page = store.listQueues("", 1_000, from);
            for (QueueConfig q : page.items()) {
                if (name.equals(q.attributes().deadLetterQueue()) && sources.size() < want) {
                    sources.add(q.name());
                }
            }
            from = page.next();
        } while (from != null && sources.size() < want);
        return sources;
    }

    void purge(String name) {
        QueueConfig config = requireQueueFresh(name);
        store.deleteAll(config.incarnation(), config.shards());
    }

    /**
     * Checks the dead-letter queue {@code attributes} name for queue {@code name}: another queue, of the
     * same kind, that exists. A dead-letter queue newly named (other than {@code currentDlq}) must also
     * admit {@code name} by its redrive allow policy; a queue named before its policy changed keeps it.
     */
    private void checkDeadLetterQueue(String name, String currentDlq, QueueAttributes attributes) {
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
        QueueConfig deadLetters = store.getQueue(dlq)
                .orElseThrow(
                        () -> QueueException.invalid("dead-letter queue " + dlq + " does not exist; create it first"));
        RedriveAllowPolicy policy = deadLetters.attributes().redriveAllowPolicy();
        if (!dlq.equals(currentDlq) && !policy.allows(name)) {
            throw QueueException.invalid("the redriveAllowPolicy of queue " + dlq + " ("
                    + switch (policy.permission()) {
                        case DENY_ALL -> "denyAll";
                        case BY_QUEUE -> "byQueue " + String.join(", ", policy.sourceQueues());
                        case ALLOW_ALL -> "allowAll";
                    }
                    + ") does not allow queue " + name + " to use it as its dead-letter queue");
        }
    }

    QueueDescription describe(QueueConfig config, QueueStats stats) {
        return new QueueDescription(
                config.name(),
                config.fifo(),
                config.createdAt(),
                config.modifiedAt(),
                config.attributes(),
                config.tags(),
                stats);
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
