package dev.mq.core;

import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Push consumers of queues: creating, reading, listing and deleting them, and the {@link ConsumerDirectory}
 * push delivery finds them in. A consumer belongs to one incarnation of its queue: a queue deleted and
 * created again has none (the store removes a deleted queue's consumers; any it misses are never answered).
 */
public final class Consumers {
    private final ConsumerStore store;
    private final QueueService queues;
    private final Clock clock;
    private final EndpointPolicy endpoints;
    private final boolean functionsAllowed;
    private final FunctionNameRule functionNames;
    private final ConsumerCache directory;

    /**
     * @param endpoints        which endpoints a consumer may target (as for subscriptions)
     * @param functionsAllowed whether this deployment can invoke Lambda functions: a deployed stack can,
     *                         the local server cannot, and refuses function consumers saying so
     * @param directoryTtl     how long {@link #directory()} reuses what it read
     */
    public Consumers(
            ConsumerStore store,
            QueueService queues,
            Clock clock,
            EndpointPolicy endpoints,
            boolean functionsAllowed,
            Duration directoryTtl) {
        this(store, queues, clock, endpoints, functionsAllowed, FunctionNameRule.ANY, directoryTtl, System::nanoTime);
    }

    /** @param functionNames which functions a consumer may name (those the push function may invoke) */
    public Consumers(
            ConsumerStore store,
            QueueService queues,
            Clock clock,
            EndpointPolicy endpoints,
            FunctionNameRule functionNames,
            Duration directoryTtl) {
        this(store, queues, clock, endpoints, true, functionNames, directoryTtl, System::nanoTime);
    }

    Consumers(
            ConsumerStore store,
            QueueService queues,
            Clock clock,
            EndpointPolicy endpoints,
            boolean functionsAllowed,
            FunctionNameRule functionNames,
            Duration directoryTtl,
            LongSupplier nanoTime) {
        this.store = store;
        this.queues = queues;
        this.clock = clock;
        this.endpoints = endpoints;
        this.functionsAllowed = functionsAllowed;
        this.functionNames = functionNames;
        this.directory = new ConsumerCache(store, this::currentIncarnation, directoryTtl, nanoTime);
    }

    /** Where push delivery finds the consumers; it sees changes made here at once. */
    public ConsumerDirectory directory() {
        return directory;
    }

    /**
     * Creates the consumer (created), or confirms one of that name with the same target, secret and
     * settings (not created, left as it was). One with other settings is {@code ConsumerAlreadyExists}:
     * it is deleted first to be changed. The create is conditional, so of two concurrent different
     * PUTs one wins and the other is refused.
     */
    public Created<Consumer> put(String queue, String name, ConsumerSpec spec) {
        Names.requirePlainName("consumer", name);
        QueueConfig config = queues.queueConfig(queue);
        if (spec.functionArn() != null && !functionsAllowed) {
            throw QueueException.invalid("this server cannot invoke Lambda functions: give the consumer an endpoint"
                    + " and a secret instead (on the local server, an http://127.0.0.1 or http://localhost URL)");
        }
        if (spec.functionArn() != null) {
            functionNames.check(spec.functionArn());
        }
        if (spec.endpoint() != null) {
            endpoints.check(spec.endpoint());
        }
        Consumer wanted = new Consumer(
                queue,
                name,
                config.incarnation(),
                spec.functionArn(),
                spec.endpoint(),
                spec.secret(),
                spec.batchSize(),
                spec.batchWindowSeconds(),
                spec.maxConcurrency(),
                now());
        Optional<Consumer> existing = store.create(wanted);
        directory.forget(queue);
        if (existing.isEmpty()) {
            return new Created<>(wanted, true);
        }
        if (!spec.sameAs(existing.get())) {
            throw new QueueException(
                    ErrorCode.CONSUMER_ALREADY_EXISTS,
                    "consumer " + name + " of queue " + queue + " exists with other settings; delete it first"
                            + " to change them");
        }
        return new Created<>(existing.get(), false);
    }

    /** The consumer as stored, its secret too: what the owner is shown of it is the edge's to choose. */
    public Consumer get(String queue, String name) {
        return require(queue, name);
    }

    /** A queue's consumers sorted by name; a page may hold fewer than {@code limit} when others follow. */
    public Page<Consumer> list(String queue, int limit, String next) {
        QueueConfig config = queues.queueConfig(queue);
        String after = next == null || next.isEmpty() ? null : PageCursors.decodeName(next);
        Page<Consumer> page = store.list(queue, limit, after);
        return new Page<>(
                page.items().stream()
                        .filter(c -> c.queueIncarnation().equals(config.incarnation()))
                        .toList(),
                page.next() == null ? null : PageCursors.encode(page.next()));
    }

    /** Deletes the consumer; {@code ConsumerNotFound} when there is none (as a subscription's delete). */
    public void delete(String queue, String name) {
        Consumer consumer = require(queue, name);
        boolean deleted = store.delete(queue, name, consumer.queueIncarnation());
        directory.forget(queue);
        if (!deleted) {
            throw notFound(queue, name); // deleted meanwhile
        }
    }

    private Consumer require(String queue, String name) {
        QueueConfig config = queues.queueConfig(queue);
        Names.requirePlainName("consumer", name);
        return store.get(queue, name)
                .filter(c -> c.queueIncarnation().equals(config.incarnation()))
                .orElseThrow(() -> notFound(queue, name));
    }

    private Optional<String> currentIncarnation(String queue) {
        try {
            return Optional.of(queues.queueConfig(queue).incarnation());
        } catch (QueueException e) {
            if (e.code() == ErrorCode.QUEUE_NOT_FOUND || e.code() == ErrorCode.INVALID_REQUEST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static QueueException notFound(String queue, String name) {
        return new QueueException(
                ErrorCode.CONSUMER_NOT_FOUND, "consumer " + name + " of queue " + queue + " does not exist");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
