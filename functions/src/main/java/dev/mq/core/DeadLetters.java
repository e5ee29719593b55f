package dev.mq.core;

import dev.mq.model.QueueException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Dead letters: moving a message received too often to its queue's dead-letter queue, and redriving
 * messages out of one. A moved message keeps its messageId and gets a new position at the target.
 */
final class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());

    private final QueueStore store;
    private final QueueCatalog catalog;
    private final MessageIds ids;
    private final MessageSignal signal;

    DeadLetters(QueueStore store, QueueCatalog catalog, MessageIds ids, MessageSignal signal) {
        this.store = store;
        this.catalog = catalog;
        this.ids = ids;
        this.signal = signal;
    }

    /** A message already received {@code maxReceiveCount} times goes to the dead-letter queue instead. */
    static boolean deadLetterDue(QueueConfig config, StoredMessage message, Optional<QueueConfig> deadLetters) {
        Integer maxReceives = config.attributes().maxReceiveCount();
        return deadLetters.isPresent() && maxReceives != null && message.receiveCount() >= maxReceives;
    }

    /** True when this call moved it; false when it was no longer in the state read (someone else acted). */
    boolean moveToDeadLetters(QueueConfig config, StoredMessage message, QueueConfig dlq, Instant now) {
        boolean moved = store.move(message, copyInto(dlq, message, now, message.receiveCount(), config.name()), now);
        if (moved) {
            signal.wake(dlq.incarnation(), 1);
        }
        return moved;
    }

    /**
     * The message as a new arrival in {@code target}: a fresh position places it after what is already
     * there, so a FIFO group's order in the target is the order of arrival. It keeps its messageId.
     */
    private StoredMessage copyInto(
            QueueConfig target, StoredMessage message, Instant now, int receives, String source) {
        MessageKey key = new MessageKey(target.incarnation(), target.shardFor(message.groupId()), ids.next(now));
        return message.movedTo(
                key, now, now.plusSeconds(target.attributes().messageRetentionSeconds()), receives, source);
    }

    Optional<QueueConfig> deadLetterQueue(QueueConfig config) {
        String name = config.attributes().deadLetterQueue();
        if (name == null) {
            return Optional.empty();
        }
        Optional<QueueConfig> dlq = catalog.cachedQueue(name);
        if (dlq.isEmpty()) {
            LOG.warning(() -> "dead-letter queue " + name + " of " + config.name()
                    + " does not exist; messages stay in their queue");
        }
        return dlq;
    }

    /**
     * Moves visible messages out of a dead-letter queue, to {@code destination} or else to the queue
     * each came from; a moved message starts again with receive count 0. Messages in flight in the
     * dead-letter queue, and those whose source queue no longer exists, stay.
     */
    int redrive(String queue, String destination, int maxMessages) {
        QueueConfig source = catalog.requireQueueFresh(queue);
        Optional<QueueConfig> fixed = Optional.empty();
        if (destination != null) {
            QueueConfig target = catalog.requireQueueFresh(destination);
            if (target.fifo() != source.fifo()) {
                throw QueueException.invalid("redrive moves messages between queues of the same kind only");
            }
            if (target.name().equals(source.name())) {
                throw QueueException.invalid("the redrive destination must be another queue");
            }
            fixed = Optional.of(target);
        }
        Instant now = catalog.now();
        int moved = 0;
        Map<String, Optional<QueueConfig>> origins = new HashMap<>();
        List<Function<String, QueueStore.ScanPage>> visiblePages = new ArrayList<>();
        for (int shard = 0; shard < source.shards(); shard++) {
            int s = shard;
            visiblePages.add(after -> store.scanParked(source.incarnation(), s, after, Receiving.MAX_SCAN_PAGE, now));
            visiblePages.add(after -> store.scan(source.incarnation(), s, after, Receiving.MAX_SCAN_PAGE, true, now));
        }
        for (Function<String, QueueStore.ScanPage> read : visiblePages) {
            String after = null;
            do {
                QueueStore.ScanPage page = read.apply(after);
                for (StoredMessage m : page.items()) {
                    if (moved >= maxMessages) {
                        break;
                    }
                    if (!m.visibleAt(now) || m.expiredAt(now)) {
                        continue; // in flight (a parked position due by now may be leased in place)
                    }
                    Optional<QueueConfig> target = fixed.isPresent()
                            ? fixed
                            : Optional.ofNullable(m.sourceQueue())
                                    .flatMap(name -> origins.computeIfAbsent(name, store::getQueue))
                                    .filter(q -> q.fifo() == source.fifo());
                    if (target.isEmpty()) {
                        continue;
                    }
                    QueueConfig to = target.get();
                    if (store.move(m, copyInto(to, m, now, 0, null), now)) {
                        moved++;
                        signal.wake(to.incarnation(), 1);
                    }
                }
                after = page.lastEvaluatedId();
            } while (after != null && moved < maxMessages);
        }
        return moved;
    }
}
