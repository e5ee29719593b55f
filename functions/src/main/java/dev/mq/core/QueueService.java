package dev.mq.core;

import dev.mq.core.StoredMessage.MessageState;
import dev.mq.model.QueueAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Every rule of the point-to-point queues, behind one front: the queue catalog and its settings
 * ({@link QueueCatalog}), sending ({@link Sending}), receiving and leases ({@link Receiving}),
 * acknowledgement ({@link Acks}), dead letters and redrive ({@link DeadLetters}); stats and browsing
 * here. Knows nothing of HTTP or Lambda; persistence goes through {@link QueueStore}.
 */
public final class QueueService {
    /** A stats read reads at most this many items from a partition ... */
    private static final int STATS_READ_LIMIT = 25;
    /**
     * ... and first this many from the head of a standard queue's waiting partition, then the rest of the
     * limit only when none of them is visible: past the few leases receives keep in place at the head
     * (see {@link Receiving}) to the oldest visible message.
     */
    private static final int STATS_HEAD_LIMIT = 2;

    private final QueueStore store;
    private final QueueCatalog catalog;
    private final Sending sending;
    private final Receiving receiving;
    private final Acks acks;
    private final DeadLetters deadLetters;
    private final MoveTasks moveTasks;
    private final long maxAnswerBytes;

    /**
     * @param shardsPerQueue partitions a new queue spreads over; each takes ~1,000 writes/s on AWS
     * @param configCacheTtl how long a queue's settings are reused before they are read again; sends
     *     and receives on other instances see a change or a re-created queue after at most this long
     * @param maxAnswerBytes what the messages of one receive or browse page may take in the answer, as
     *     {@link AnswerSize} estimates them: the limit of what carries the answer (a Lambda function's
     *     answer, say), which the edge sets; the first message is always answered
     */
    public record Settings(int shardsPerQueue, Duration configCacheTtl, long maxAnswerBytes, Duration moveTaskBudget) {
        /** No limit of an edge on the size of an answer. */
        public static final long UNLIMITED_ANSWER = Long.MAX_VALUE;
        /**
         * How long one pass of a message move task moves before it answers (see {@link MoveTasks}): well
         * within API Gateway's 29 s, with room for the rest of the call.
         */
        public static final Duration MOVE_TASK_BUDGET = Duration.ofSeconds(10);

        public Settings(int shardsPerQueue, Duration configCacheTtl) {
            this(shardsPerQueue, configCacheTtl, UNLIMITED_ANSWER);
        }

        public Settings(int shardsPerQueue, Duration configCacheTtl, long maxAnswerBytes) {
            this(shardsPerQueue, configCacheTtl, maxAnswerBytes, MOVE_TASK_BUDGET);
        }

        public static Settings defaults() {
            return new Settings(2, Duration.ofSeconds(2));
        }

        public Settings withMaxAnswerBytes(long maxAnswerBytes) {
            return new Settings(shardsPerQueue, configCacheTtl, maxAnswerBytes, moveTaskBudget);
        }

        public Settings withMoveTaskBudget(Duration moveTaskBudget) {
            return new Settings(shardsPerQueue, configCacheTtl, maxAnswerBytes, moveTaskBudget);
        }
    }

    public QueueService(QueueStore store, Clock clock, byte[] receiptKey, Settings settings) {
        this.store = store;
        this.maxAnswerBytes = settings.maxAnswerBytes();
        ReceiptHandles receipts = new ReceiptHandles(receiptKey);
        MessageIds ids = new MessageIds();
        // what receives, sends and acks in this process share: a send wakes waiting polls, a receive
        // skips what another here is leasing, and parked messages are read when one may be due
        MessageSignal signal = new MessageSignal();
        LeaseClaims claims = new LeaseClaims();
        ParkedSchedule parkedSchedule = new ParkedSchedule();
        // a batch's leases and acks run side by side; at most this many store calls at once besides callers
        SideBySide sideBySide = new SideBySide(32);
        this.catalog = new QueueCatalog(store, clock, settings);
        this.sending = new Sending(store, catalog, ids, signal, parkedSchedule);
        this.deadLetters = new DeadLetters(store, catalog, ids, signal);
        this.receiving = new Receiving(
                store, catalog, deadLetters, receipts, signal, sideBySide, claims, parkedSchedule, maxAnswerBytes);
        this.acks = new Acks(store, catalog, receipts, signal, sideBySide, claims, parkedSchedule);
        this.moveTasks = new MoveTasks(
                store, catalog, deadLetters, ids, config -> stats(config).visible(), settings.moveTaskBudget());
    }

    // ---------------------------------------------------------------- queues

    public Created<QueueDescription> createQueue(String name, QueueAttributes attributes) {
        return createQueue(name, attributes, Map.of());
    }

    /**
     * Creates the queue with {@code tags} (SQS's rules, see {@link QueueTags}). When it exists with the
     * same attributes, it is answered as it is: its tags are not changed (as SQS).
     */
    public Created<QueueDescription> createQueue(String name, QueueAttributes attributes, Map<String, String> tags) {
        return catalog.createQueue(name, attributes, tags);
    }

    /**
     * Sets {@code tags} on the queue, replacing the values of keys it has: at most 50 tags per queue after
     * the change, keys of 1-128 characters, case-sensitive, not starting with {@code aws:}, values of
     * 0-256. Tags are kept in the queue's catalog entry: deleting the queue drops them. Not an attribute
     * change: {@code modifiedAt} stays.
     */
    public void tagQueue(String queue, Map<String, String> tags) {
        catalog.tagQueue(queue, tags);
    }

    /** Removes the queue's tags of {@code keys}; keys it has no tag of are no mistake. */
    public void untagQueue(String queue, Collection<String> keys) {
        catalog.untagQueue(queue, keys);
    }

    /** The queue's tags, as the catalog holds them now. */
    public Map<String, String> queueTags(String queue) {
        return catalog.requireQueueFresh(queue).tags();
    }

    /**
     * The queues whose dead-letter queue is {@code deadLetterQueue} (which must exist), sorted by name,
     * {@code limit} (1-1000) at a time. Its reads grow with the number of queues in the catalog (it lists
     * the catalog until it has found a page), never with messages.
     */
    public Page<String> deadLetterSourceQueues(String deadLetterQueue, int limit, String next) {
        return catalog.deadLetterSourceQueues(deadLetterQueue, limit, next);
    }

    /**
     * Applies {@code change} to the current attributes. A concurrent change makes the write fail its
     * version condition; the change is then applied again to what that one wrote.
     */
    public QueueDescription updateQueue(String name, UnaryOperator<QueueAttributes> change) {
        return catalog.updateQueue(name, change);
    }

    public QueueConfig queueConfig(String name) {
        return catalog.queueConfig(name);
    }

    /**
     * The queue's settings as a send sees them: from the few-seconds cache, so asking costs no read in the
     * steady state ({@link #queueConfig} reads them fresh, for a person looking at the queue).
     */
    public QueueConfig cachedQueueConfig(String name) {
        return catalog.requireQueue(name);
    }

    public QueueDescription getQueue(String name) {
        QueueConfig config = catalog.requireQueueFresh(name);
        return catalog.describe(config, stats(config));
    }

    /** Queues sorted by name; an empty or absent {@code prefix} or {@code next} means none. */
    public Page<QueueSummary> listQueues(String prefix, int limit, String next) {
        return catalog.listQueues(prefix, limit, next);
    }

    /**
     * Deletes the queue and its messages; a queue that others name as their dead-letter queue is
     * refused with {@code QueueInUse}.
     */
    public void deleteQueue(String name) {
        catalog.deleteQueue(name);
    }

    public void purge(String name) {
        catalog.purge(name);
    }

    /**
     * Stats at a cost that does not grow with the queue: the counts kept from the messages' writes (see
     * {@link QueueCounts}), brought up to the present by reading only what time may have changed since
     * a message was written, at most {@link #STATS_READ_LIMIT} items per read:
     * <ul>
     *   <li>each shard's parked messages that are due (a delay ended, a lease ran out): visible now;</li>
     *   <li>the head of each waiting partition: the oldest visible message, whose age is the queue's
     *       oldest age (visible messages only: one scheduled for later is not late), and the leases that
     *       ran out in place, which gather at the head, since receives take the oldest;</li>
     *   <li>in a FIFO queue with a delay, the messages that arrived within it: only these can still be
     *       delayed, so every other message counted delayed is visible now.</li>
     * </ul>
     * So the answer is exact once the counter has caught up (a few seconds), unless more than the read
     * limit came due in one shard without a receive (then approximate, as SQS's counts are). Messages past
     * their retention are counted until they are removed (TTL).
     */
    private QueueStats stats(QueueConfig config) {
        Instant now = catalog.now();
        QueueCounts counted = store.counts(config.incarnation());
        long[] counts = new long[MessageState.values().length];
        counts[MessageState.VISIBLE.ordinal()] = counted.visible();
        counts[MessageState.IN_FLIGHT.ordinal()] = counted.inFlight();
        counts[MessageState.DELAYED.ordinal()] = counted.delayed();
        Instant[] oldestVisible = {null};
        long[] stillDelayed = {0};
        boolean delayWindowComplete = true;
        Duration delay = Duration.ofSeconds(config.attributes().delaySeconds());
        for (int shard = 0; shard < config.shards(); shard++) {
            Set<String> seen = new HashSet<>();
            Consumer<StoredMessage> bringUpToNow = m -> {
                if (!seen.add(m.key().position())) {
                    return;
                }
                MessageState was = QueueCounts.countedAs(m);
                counts[was.ordinal()]--;
                if (m.expiredAt(now)) {
                    return;
                }
                MessageState is = m.stateAt(now);
                counts[is.ordinal()]++;
                if (is == MessageState.VISIBLE
                        && (oldestVisible[0] == null || m.sentAt().isBefore(oldestVisible[0]))) {
                    oldestVisible[0] = m.sentAt();
                }
                if (is == MessageState.DELAYED && was == MessageState.DELAYED) {
                    stillDelayed[0]++;
                }
            };
            store.dueParked(config.incarnation(), shard, now, STATS_READ_LIMIT).forEach(bringUpToNow);
            QueueStore.ScanPage head = store.scan(
                    config.incarnation(), shard, null, config.fifo() ? STATS_READ_LIMIT : STATS_HEAD_LIMIT, false, now);
            head.items().forEach(bringUpToNow);
            if (!config.fifo()
                    && head.lastEvaluatedId() != null
                    && head.items().stream().noneMatch(m -> m.visibleAt(now))) {
                store.scan(config.incarnation(), shard, head.lastEvaluatedId(), STATS_READ_LIMIT, false, now)
                        .items()
                        .forEach(bringUpToNow);
            }
            if (config.fifo() && !delay.isZero()) {
                QueueStore.ScanPage recent =
                        store.newestWaiting(config.incarnation(), shard, now.minus(delay), STATS_READ_LIMIT);
                recent.items().forEach(bringUpToNow);
                delayWindowComplete &= recent.lastEvaluatedId() == null;
            }
        }
        if (config.fifo() && delayWindowComplete) {
            // a FIFO message is delayed only by the queue delay, so one that arrived before it is visible
            int delayed = MessageState.DELAYED.ordinal();
            counts[MessageState.VISIBLE.ordinal()] += counts[delayed] - stillDelayed[0];
            counts[delayed] = stillDelayed[0];
        }
        long age = oldestVisible[0] == null
                ? 0
                : Math.max(0, Duration.between(oldestVisible[0], now).toSeconds());
        // while the counter lags the writes, a message read above can be one it has not counted yet
        return new QueueStats(
                Math.max(0, counts[MessageState.VISIBLE.ordinal()]),
                Math.max(0, counts[MessageState.IN_FLIGHT.ordinal()]),
                Math.max(0, counts[MessageState.DELAYED.ordinal()]),
                age);
    }

    /** Hands every item of the pages {@code read} answers, from the start of a partition, to {@code action}. */
    private static void forEveryItem(Function<String, QueueStore.ScanPage> read, Consumer<StoredMessage> action) {
        String after = null;
        do {
            QueueStore.ScanPage page = read.apply(after);
            page.items().forEach(action);
            after = page.lastEvaluatedId();
        } while (after != null);
    }

    // ---------------------------------------------------------------- messages

    /** Sends one message; a refusal (by the queue's rules or the store) is thrown. */
    public SendOutcome send(String queue, MessageToSend message) {
        return sending.send(queue, List.of(message), false).get(0);
    }

    /**
     * Sends up to a batch of messages, each with its own outcome, in the order given: one refused (by
     * the queue's rules or the store) does not stop the others. A missing queue is thrown.
     */
    public List<SendOutcome> sendBatch(String queue, List<MessageToSend> messages) {
        return sending.send(queue, messages, true);
    }

    /**
     * Leases up to {@code maxMessages} messages. With a wait, polls until at least one is available or
     * the wait ends; a send in this process wakes the poll at once, others are seen at the next re-query.
     */
    public List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        return receiving.receive(queue, options);
    }

    /** Acks one handle: deleted or already gone is success; a superseded lease is {@code LeaseLost}. */
    public void ack(String queue, String receiptHandle) {
        acks.ack(queue, receiptHandle);
    }

    /** Acks each handle, side by side; a handle's own problem is its entry's error. */
    public List<AckOutcome> ackAll(String queue, List<String> receiptHandles) {
        return acks.ackAll(queue, receiptHandles);
    }

    /** Hides the message for {@code seconds} from now (0 releases it at once). */
    public void changeVisibility(String queue, String receiptHandle, int seconds) {
        acks.changeVisibility(queue, receiptHandle, seconds);
    }

    // ---------------------------------------------------------------- browsing and redrive

    /** Every unacknowledged message in send order, without leasing any. */
    public Page<BrowsedMessage> browse(String queue, int limit, String next) {
        QueueConfig config = catalog.requireQueueFresh(queue);
        Instant now = catalog.now();
        String after = next == null || next.isEmpty() ? null : PageCursors.decodeMessageId(next);
        List<StoredMessage> merged = new ArrayList<>();
        for (int shard = 0; shard < config.shards(); shard++) {
            merged.addAll(unexpired(config, shard, after, limit + 1, now));
            // Parked messages are in due order, not arrival order: every one is read to merge them (a
            // browse's reads grow with what is in flight or delayed; a receive's do not), keeping the
            // first limit + 1 in arrival order.
            int s = shard;
            PriorityQueue<StoredMessage> firstParked = new PriorityQueue<>(
                    Comparator.comparing((StoredMessage m) -> m.key().id()).reversed());
            forEveryItem(
                    from -> store.scanParked(config.incarnation(), s, from, Receiving.MAX_SCAN_PAGE * 10, null), m -> {
                        if (!m.expiredAt(now) && (after == null || m.key().id().compareTo(after) > 0)) {
                            firstParked.add(m);
                            if (firstParked.size() > limit + 1) {
                                firstParked.poll(); // the latest arrival of those kept
                            }
                        }
                    });
            merged.addAll(firstParked);
        }
        merged.sort(Comparator.comparing(m -> m.key().id()));
        int fit = 0;
        long bytes = 0;
        while (fit < Math.min(limit, merged.size())) {
            long size = AnswerSize.of(merged.get(fit));
            if (fit > 0 && bytes + size > maxAnswerBytes) {
                break;
            }
            bytes += size;
            fit++;
        }
        boolean more = merged.size() > fit;
        List<StoredMessage> pageItems = merged.subList(0, fit);
        String cursor = more
                ? PageCursors.encode(pageItems.get(pageItems.size() - 1).key().id())
                : null;
        return new Page<>(
                pageItems.stream()
                        .map(m -> new BrowsedMessage(
                                m.messageId(),
                                m.body(),
                                m.attributes(),
                                m.stateAt(now),
                                m.receiveCount(),
                                m.sentAt(),
                                m.firstReceivedAt(),
                                m.groupId(),
                                m.deduplicationId(),
                                m.attributeTypes()))
                        .toList(),
                cursor);
    }

    /** Up to {@code want} unexpired messages of a shard after {@code after}, in order. */
    private List<StoredMessage> unexpired(QueueConfig config, int shard, String after, int want, Instant now) {
        List<StoredMessage> found = new ArrayList<>();
        String cursor = after;
        do {
            QueueStore.ScanPage page = store.scan(config.incarnation(), shard, cursor, want, false, now);
            for (StoredMessage m : page.items()) {
                if (!m.expiredAt(now) && found.size() < want) {
                    found.add(m);
                }
            }
            cursor = page.lastEvaluatedId();
        } while (cursor != null && found.size() < want);
        return found;
    }

    /**
     * Moves visible messages out of a dead-letter queue, to {@code destination} or else to the queue
     * each came from; a moved message starts again with receive count 0.
     */
    public int redrive(String queue, String destination, int maxMessages) {
        return deadLetters.redrive(queue, destination, maxMessages);
    }

    /**
     * Starts moving the messages of dead-letter queue {@code source} to {@code destination}, or, when it is
     * null, each back to the queue it came from, at most {@code maxPerSecond} a second (1 to 500; null: as
     * fast as they go). Refused ({@code InvalidRequest}) when {@code source} is the dead-letter queue of no
     * queue, when the destination is of the other kind (standard, FIFO) or the source itself, and while
     * the source has a running task. The call runs the task's first pass (at most
     * {@link Settings#moveTaskBudget}) and answers the task as it stands; a task with messages left stays
     * {@code RUNNING} and goes on at the next {@link #moveTasks} or start for its source, or
     * {@link #continueMoveTasks}. See {@link MoveTasks}.
     */
    public MoveTask startMoveTask(String source, String destination, Integer maxPerSecond) {
        return moveTasks.start(source, destination, maxPerSecond);
    }

    /**
     * The move tasks of {@code source}, newest first, at most {@code maxResults} (1 to 10), of the last 14
     * days; a running one is moved on for a pass before it is answered.
     */
    public List<MoveTask> moveTasks(String source, int maxResults) {
        return moveTasks.list(source, maxResults);
    }

    /**
     * A pass of every running move task of the deployment, for a scheduled function, so a task nobody
     * watches still ends; answers how many are still running.
     */
    public int continueMoveTasks() {
        return moveTasks.continueRunning();
    }

    /** Answers when the store does; throws {@code Unavailable} when it does not. */
    public void checkHealth() {
        store.getQueue("health-check");
    }

    /**
     * Puts a copy of a topic message into a standard queue, once per {@code copyKey} within
     * {@code window}; the copy is known by {@code messageId}, the published message's id.
     */
    public void deliverCopy(
            String queue,
            String messageId,
            String body,
            Map<String, String> attributes,
            Map<String, String> attributeTypes,
            String copyKey,
            Duration window) {
        sending.deliverCopy(queue, messageId, body, attributes, attributeTypes, copyKey, window);
    }

    /** Removes expired items; the local server calls this because DynamoDB Local never runs TTL. */
    public long sweepExpired() {
        return store.deleteExpired(catalog.now());
    }
}
