package dev.mq.core;

import dev.mq.core.StoredMessage.MessageState;
import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.model.Requests.MessageRequest;
import dev.mq.model.Requests.ReceiveRequest;
import dev.mq.model.Requests.SendBatch;
import dev.mq.model.Requests.SendEntry;
import dev.mq.model.Responses.AckResult;
import dev.mq.model.Responses.BrowsedMessage;
import dev.mq.model.Responses.QueueDescription;
import dev.mq.model.Responses.QueueStats;
import dev.mq.model.Responses.QueueSummary;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.model.Responses.SendResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every rule of the point-to-point queues: creation and settings, sending with delay and
 * deduplication, leases with visibility timeouts, long polling, dead letters, FIFO group order,
 * acknowledgement, browsing and redrive. Knows nothing of HTTP or Lambda; persistence goes through
 * {@link QueueStore}.
 */
public final class QueueService {
    private static final Logger LOG = Logger.getLogger(QueueService.class.getName());
    /** Long polls re-query with a backoff from this ... */
    private static final long FIRST_POLL_MILLIS = 20;
    /** ... growing to this, so an idle consumer costs about one query a second. */
    private static final long MAX_POLL_MILLIS = 1_000;
    private static final int MAX_SCAN_PAGE = 100;
    /** A stats read reads at most this many items from a partition ... */
    private static final int STATS_READ_LIMIT = 25;
    /** ... and this many from the head of a standard queue's waiting partition, where all are visible. */
    private static final int STATS_HEAD_LIMIT = 2;
    private static final Pattern LIST_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,80}");

    private final QueueStore store;
    private final Clock clock;
    private final ReceiptHandles receipts;
    private final MessageIds ids = new MessageIds();
    private final Settings settings;
    private final Map<String, CachedConfig> configCache = new ConcurrentHashMap<>();
    private final MessageSignal signal = new MessageSignal();
    /** A batch's leases and acks run side by side; at most this many store calls at once besides callers. */
    private final SideBySide sideBySide = new SideBySide(32);
    /** When a shard's parked messages are next worth reading, as far as this process knows. */
    private final ParkedSchedule parkedSchedule = new ParkedSchedule();
    /** Standard-queue receives in this process skip what another is leasing or just leased. */
    private final LeaseClaims claims = new LeaseClaims();
    /** Longer than a receive takes from reading a page to trying its leases. */
    private static final Duration CLAIM_AFTER_LEASE = Duration.ofSeconds(1);
    /**
     * A waiting message hidden for longer than this was written hidden, before parking existed, and is
     * parked by the receive that finds it. One hidden for less was sent after the receive began (or by
     * a clock a little ahead); parking it would put a visible copy beside it, which a third receive
     * could lease while the park is undecided.
     */
    private static final Duration LEFTOVER_MARGIN = Duration.ofSeconds(5);

    /**
     * @param shardsPerQueue partitions a new queue spreads over; each takes ~1,000 writes/s on AWS
     * @param configCacheTtl how long a queue's settings are reused before they are read again; sends
     *     and receives on other instances see a change or a re-created queue after at most this long
     */
    public record Settings(int shardsPerQueue, Duration configCacheTtl) {
        public static Settings defaults() {
            return new Settings(2, Duration.ofSeconds(2));
        }
    }

    public QueueService(QueueStore store, Clock clock, byte[] receiptKey, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.receipts = new ReceiptHandles(receiptKey);
        this.settings = settings;
    }

    // ---------------------------------------------------------------- queues

    public record Created(QueueDescription queue, boolean created) {}

    public Created createQueue(String name, QueueAttributes attributes) {
        Names.requireQueueName(name);
        checkDeadLetterQueue(name, attributes);
        QueueConfig wanted = new QueueConfig(name, Names.isFifo(name), now(), UUID.randomUUID().toString(),
                settings.shardsPerQueue(), attributes, 0);
        Optional<QueueConfig> existing = store.createQueue(wanted);
        configCache.remove(name);
        if (existing.isEmpty()) {
            return new Created(describe(wanted, null), true);
        }
        if (!existing.get().attributes().equals(attributes)) {
            throw new QueueException(ErrorCode.QUEUE_ALREADY_EXISTS,
                    "queue " + name + " exists with other attributes; change them with PATCH");
        }
        return new Created(describe(existing.get(), null), false);
    }

    /**
     * Applies {@code change} to the current attributes. A concurrent change makes the write fail its
     * version condition; the change is then applied again to what that one wrote.
     */
    public QueueDescription updateQueue(String name, UnaryOperator<QueueAttributes> change) {
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
                throw new QueueException(ErrorCode.UNAVAILABLE, "queue " + name
                        + " is being changed by others at the same time; retry");
            }
        }
    }

    public QueueConfig queueConfig(String name) {
        return requireQueueFresh(name);
    }

    public QueueDescription getQueue(String name) {
        QueueConfig config = requireQueueFresh(name);
        return describe(config, stats(config));
    }

    /** Queues sorted by name; an empty or absent {@code prefix} or {@code next} means none. */
    public Page<QueueSummary> listQueues(String prefix, int limit, String next) {
        String from = prefix == null ? "" : prefix;
        if (!LIST_PREFIX.matcher(from).matches()) {
            throw QueueException.invalid("prefix must be up to 80 of A-Z a-z 0-9 _ - .");
        }
        String after = next == null || next.isEmpty() ? null : Tokens.decodeQueueName(next, from);
        Page<QueueConfig> page = store.listQueues(from, limit, after);
        return new Page<>(page.items().stream()
                .map(q -> new QueueSummary(q.name(), q.fifo(), q.createdAt().toString())).toList(),
                page.next() == null ? null : Tokens.encode(page.next()));
    }

    /**
     * Deletes the queue and its messages. A queue that other queues name as their dead-letter queue is
     * refused with {@code QueueInUse}, naming them: deleting it would leave their poison messages with
     * nowhere to go. The check reads the queue catalog, not messages; a change that names this queue
     * at the very moment of the delete can still slip past it, and then that queue's messages stay in
     * it until its {@code deadLetterQueue} is changed.
     */
    public void deleteQueue(String name) {
        Names.requireQueueName(name);
        List<String> sources = deadLetterSources(name);
        if (!sources.isEmpty() && store.getQueue(name).isPresent()) {
            int shown = Math.min(sources.size(), 10);
            String named = String.join(", ", sources.subList(0, shown))
                    + (sources.size() > shown ? " and " + (sources.size() - shown) + " more" : "");
            throw new QueueException(ErrorCode.QUEUE_IN_USE, "queue " + name + " is the deadLetterQueue of "
                    + named + "; change their deadLetterQueue (PATCH) or delete them first");
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
    private List<String> deadLetterSources(String name) {
        List<String> sources = new ArrayList<>();
        String after = null;
        do {
            Page<QueueConfig> page = store.listQueues("", 1_000, after);
            page.items().stream().filter(q -> name.equals(q.attributes().deadLetterQueue()))
                    .forEach(q -> sources.add(q.name()));
            after = page.next();
        } while (after != null);
        return sources;
    }

    public void purge(String name) {
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

    private QueueDescription describe(QueueConfig config, QueueStats stats) {
        return new QueueDescription(config.name(), config.fifo(), config.createdAt().toString(), config.attributes(),
                stats);
    }

    /**
     * Stats at a cost that does not grow with the queue: the counts kept from the messages' writes (see
     * {@link QueueCounts}), brought up to the present by reading only what time may have changed since
     * a message was written, at most {@link #STATS_READ_LIMIT} items per read:
     * <ul>
     *   <li>each shard's parked messages that are due (a delay ended, a lease ran out): visible now;</li>
     *   <li>the head of each waiting partition: the oldest visible message, whose age is the queue's
     *       oldest age (visible messages only: one scheduled for later is not late); in a FIFO queue also
     *       the leases that ran out in place, which gather at the head, since receives take the oldest;</li>
     *   <li>in a FIFO queue with a delay, the messages that arrived within it: only these can still be
     *       delayed, so every other message counted delayed is visible now.</li>
     * </ul>
     * So the answer is exact once the counter has caught up (a few seconds), unless more than the read
     * limit came due in one shard without a receive (then approximate, as SQS's counts are). Messages past
     * their retention are counted until they are removed (TTL).
     */
    private QueueStats stats(QueueConfig config) {
        Instant now = now();
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
            java.util.function.Consumer<StoredMessage> bringUpToNow = m -> {
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
                if (is == MessageState.VISIBLE && (oldestVisible[0] == null || m.sentAt().isBefore(oldestVisible[0]))) {
                    oldestVisible[0] = m.sentAt();
                }
                if (is == MessageState.DELAYED && was == MessageState.DELAYED) {
                    stillDelayed[0]++;
                }
            };
            store.dueParked(config.incarnation(), shard, now, STATS_READ_LIMIT).forEach(bringUpToNow);
            store.scan(config.incarnation(), shard, null, config.fifo() ? STATS_READ_LIMIT : STATS_HEAD_LIMIT, false, now)
                    .items().forEach(bringUpToNow);
            if (config.fifo() && !delay.isZero()) {
                QueueStore.ScanPage recent = store.newestWaiting(config.incarnation(), shard, now.minus(delay),
                        STATS_READ_LIMIT);
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
        long age = oldestVisible[0] == null ? 0 : Math.max(0, Duration.between(oldestVisible[0], now).toSeconds());
        // while the counter lags the writes, a message read above can be one it has not counted yet
        return new QueueStats(Math.max(0, counts[MessageState.VISIBLE.ordinal()]),
                Math.max(0, counts[MessageState.IN_FLIGHT.ordinal()]), Math.max(0, counts[MessageState.DELAYED.ordinal()]),
                age);
    }

    /** Hands every item of the pages {@code read} answers, from the start of a partition, to {@code action}. */
    private static void forEveryItem(java.util.function.Function<String, QueueStore.ScanPage> read,
                                     java.util.function.Consumer<StoredMessage> action) {
        String after = null;
        do {
            QueueStore.ScanPage page = read.apply(after);
            page.items().forEach(action);
            after = page.lastEvaluatedId();
        } while (after != null);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends each entry; in a batch, an entry refused by validation or by the store keeps its error and
     * the others are still sent. Results are in request order. A FIFO queue's messages are written
     * one by one in request order, and a store failure fails every later entry, so a retry can never
     * put a group's messages out of order.
     */
    public List<SendResult> send(String queue, SendBatch request) {
        QueueConfig config = requireQueue(queue);
        Instant now = now();
        List<SendEntry> entries = request.entries();
        SendResult[] results = new SendResult[entries.size()];
        List<StoredMessage> batched = new ArrayList<>();
        List<Integer> batchedAt = new ArrayList<>();
        QueueException storeFailure = null;
        for (int i = 0; i < entries.size(); i++) {
            try {
                if (entries.get(i).error() != null) {
                    throw entries.get(i).error();
                }
                if (storeFailure != null) {
                    throw storeFailure;
                }
                StoredMessage message = prepare(config, entries.get(i).message(), now);
                if (message.key().isParked()) {
                    parkedSchedule.parked(config.incarnation(), message.key().shard(), message.visibleAt());
                }
                if (config.fifo() || message.deduplicationId() != null) {
                    try {
                        results[i] = write(config, message, now);
                    } catch (QueueException e) {
                        if (config.fifo()) {
                            storeFailure = e;
                        }
                        throw e;
                    }
                } else {
                    batched.add(message);
                    batchedAt.add(i);
                    results[i] = SendResult.sent(message.messageId(), false);
                }
            } catch (QueueException e) {
                if (!request.batch()) {
                    throw e; // a single message answers with the HTTP error itself
                }
                results[i] = SendResult.failed(e);
            }
        }
        writeBatch(batched, batchedAt, results, request.batch());
        signal.wake(config.incarnation(), results.length);
        return List.of(results);
    }

    private SendResult write(QueueConfig config, StoredMessage message, Instant now) {
        if (message.deduplicationId() == null) {
            store.put(message);
            return SendResult.sent(message.messageId(), false);
        }
        Instant window = now.plusSeconds(config.attributes().deduplicationWindowSeconds());
        Optional<String> first = store.putDeduplicated(message, message.deduplicationId(), window, now);
        return SendResult.sent(first.orElse(message.messageId()), first.isPresent());
    }

    /** Standard messages without deduplication go in one batch write; what it could not store is failed. */
    private void writeBatch(List<StoredMessage> messages, List<Integer> positions, SendResult[] results,
                            boolean batch) {
        if (messages.isEmpty()) {
            return;
        }
        Set<String> unwritten;
        QueueException failure;
        try {
            unwritten = store.putAll(messages);
            failure = new QueueException(ErrorCode.THROTTLED, "the store is busy; send this message again");
        } catch (QueueException e) {
            unwritten = messages.stream().map(StoredMessage::messageId).collect(Collectors.toSet());
            failure = e;
        }
        if (unwritten.isEmpty()) {
            return;
        }
        if (!batch) {
            throw failure;
        }
        for (int k = 0; k < messages.size(); k++) {
            if (unwritten.contains(messages.get(k).messageId())) {
                results[positions.get(k)] = SendResult.failed(failure);
            }
        }
    }

    private StoredMessage prepare(QueueConfig config, MessageRequest request, Instant now) {
        QueueAttributes attributes = config.attributes();
        if (config.fifo()) {
            if (request.groupId() == null) {
                throw QueueException.invalid("groupId is required on a FIFO queue");
            }
            if (request.delaySeconds() != null || request.deliverAt() != null) {
                throw QueueException.invalid(
                        "a FIFO queue refuses per-message delaySeconds and deliverAt; its queue delaySeconds applies");
            }
        } else if (request.groupId() != null) {
            throw QueueException.invalid("groupId is only allowed on FIFO queues");
        }
        request.requireSizeAtMost(attributes.maxMessageBytes(), "this queue");
        Instant visibleAt;
        if (request.deliverAt() != null) {
            if (request.deliverAt().isAfter(now.plusSeconds(attributes.messageRetentionSeconds()))) {
                throw QueueException.invalid("deliverAt is beyond this queue's retention period of "
                        + attributes.messageRetentionSeconds() + " seconds");
            }
            visibleAt = request.deliverAt().isBefore(now) ? now : request.deliverAt();
        } else {
            int delay = request.delaySeconds() != null ? request.delaySeconds() : attributes.delaySeconds();
            visibleAt = now.plusSeconds(delay);
        }
        String dedupId = request.deduplicationId();
        if (dedupId == null && attributes.contentBasedDeduplication()) {
            dedupId = sha256Hex(request.body());
        }
        String messageId = ids.next(now);
        int shard = shardFor(config, request.groupId());
        // a delayed standard message is parked until due, so no receive reads it before
        MessageKey key = !config.fifo() && visibleAt.isAfter(now)
                ? MessageKey.parked(config.incarnation(), shard, visibleAt, messageId)
                : new MessageKey(config.incarnation(), shard, messageId);
        // Retention counts from when the message becomes deliverable, so a scheduled message is never
        // due and expired at once.
        return new StoredMessage(key, messageId, request.body(), request.attributes(), now, visibleAt, null, 0, null,
                request.groupId(), dedupId, visibleAt.plusSeconds(attributes.messageRetentionSeconds()), null);
    }

    private int shardFor(QueueConfig config, String groupId) {
        if (groupId != null) {
            // One group's order lives in one partition.
            return Math.floorMod(groupId.hashCode(), config.shards());
        }
        return MessageIds.randomIndex(config.shards());
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Leases up to {@code maxMessages} messages. With a wait, polls until at least one is available or
     * the wait ends; a send in this process wakes the poll at once, others are seen at the next re-query.
     */
    public List<ReceivedMessage> receive(String queue, ReceiveRequest request) {
        QueueConfig config = requireQueue(queue);
        int wait = request.waitSeconds() != null ? request.waitSeconds() : config.attributes().receiveWaitSeconds();
        int timeout = request.visibilityTimeoutSeconds() != null
                ? request.visibilityTimeoutSeconds() : config.attributes().visibilityTimeoutSeconds();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
        long pause = FIRST_POLL_MILLIS;
        while (true) {
            long seenSignal = signal.version(config.incarnation());
            List<ReceivedMessage> messages = receiveOnce(config, request.maxMessages(), timeout);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!messages.isEmpty() || left <= 0) {
                return messages;
            }
            signal.await(config.incarnation(), seenSignal, Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_MILLIS);
        }
    }

    private List<ReceivedMessage> receiveOnce(QueueConfig config, int max, int timeoutSeconds) {
        Instant now = now();
        Optional<QueueConfig> deadLetters = deadLetterQueue(config);
        Batch taken = new Batch(max);
        int start = MessageIds.randomIndex(config.shards());
        try {
            // The next shard is read only while the batch is not full: one query answers a receive whose
            // first shard has enough, and a consumer asking for 10 is not handed 1 while 9 wait elsewhere.
            for (int i = 0; i < config.shards() && !taken.full(); i++) {
                int shard = (start + i) % config.shards();
                if (config.fifo()) {
                    receiveFifoShard(config, shard, now, timeoutSeconds, deadLetters, taken);
                } else {
                    receiveShard(config, shard, now, timeoutSeconds, deadLetters, taken);
                }
            }
        } catch (QueueException e) {
            if (taken.messages.isEmpty()) {
                throw e;
            }
            // Messages already leased must reach the consumer, or they would stay hidden for their
            // whole timeout and count a receive nobody saw.
            LOG.warning(() -> "receive on " + config.name() + " stopped early (" + e.code().code()
                    + "); answering the " + taken.messages.size() + " messages leased so far");
        }
        return taken.messages;
    }

    /**
     * The messages one receive hands out, bounded by count and by an estimate of their size in a Lambda
     * answer (6 MB, with the body escaped twice on the way), so an answer never exceeds what the
     * function may return. The first message always fits: 256 KB escaped twice is under 2 MB.
     */
    private static final class Batch {
        static final long ANSWER_BUDGET = 5_000_000;
        final List<ReceivedMessage> messages = new ArrayList<>();
        final int max;
        long bytes;
        boolean closed;

        Batch(int max) {
            this.max = max;
        }

        /** No more room: by count, or closed when the next message would not fit the answer. */
        boolean full() {
            return closed || messages.size() >= max;
        }

        void close() {
            closed = true;
        }

        /** Whether a message of {@code size} (its {@link AnswerSize}) still fits the answer. */
        boolean fits(long size) {
            return fits(size, true, 0);
        }

        /** With {@code pendingBytes} of messages being leased beside it ({@code nonePending}: none). */
        boolean fits(long size, boolean nonePending, long pendingBytes) {
            return (messages.isEmpty() && nonePending) || bytes + pendingBytes + size <= ANSWER_BUDGET;
        }

        void add(ReceivedMessage received, long size) {
            messages.add(received);
            bytes += size;
        }
    }

    /*
     * A standard queue's receive reads what came due among the parked messages (expired leases, delayed
     * messages now due: they have waited longest), then the waiting ones from the head. Both reads stop
     * where nothing can be leased: parked ones at the present, waiting ones hold nothing hidden (see
     * DynamoDbQueueStore). So a receive's reads grow with what it returns, not with what is in flight or
     * delayed. Pages start small and double, so a queue that keeps up reads about one item per message.
     */
    private void receiveShard(QueueConfig config, int shard, Instant now, int timeoutSeconds,
                              Optional<QueueConfig> deadLetters, Batch taken) {
        if (parkedSchedule.worthReading(config.incarnation(), shard, now)) {
            QueueStore.ScanPage last = leaseFromPages(config, now, timeoutSeconds, deadLetters, taken,
                    (after, limit) -> store.scanParked(config.incarnation(), shard, after, limit, now));
            if (last != null && last.lastEvaluatedId() == null) {
                parkedSchedule.read(config.incarnation(), shard, now, last.nextDue());
            }
        }
        if (!taken.full()) {
            leaseFromPages(config, now, timeoutSeconds, deadLetters, taken,
                    (after, limit) -> store.scan(config.incarnation(), shard, after, limit, false, now));
        }
    }

    /** Leases from the pages {@code read} answers until the batch is full or they end; answers the last page. */
    private QueueStore.ScanPage leaseFromPages(QueueConfig config, Instant now, int timeoutSeconds,
                                               Optional<QueueConfig> deadLetters, Batch taken,
                                               java.util.function.BiFunction<String, Integer, QueueStore.ScanPage> read) {
        String after = null;
        int limit = Math.min(MAX_SCAN_PAGE, 2 * taken.max);
        QueueStore.ScanPage page;
        boolean candidatesLeft;
        do {
            page = read.apply(after, limit);
            // Standard queues promise no strict order: trying a page's messages in random order keeps
            // consumers polling at the same moment from all racing for the same head message.
            List<StoredMessage> candidates = new ArrayList<>(page.items());
            Collections.shuffle(candidates);
            int next = 0;
            while (next < candidates.size() && !taken.full()) {
                // as many candidates as there is room for, leased side by side
                List<StoredMessage> chunk = new ArrayList<>();
                List<Long> sizes = new ArrayList<>();
                long chunkBytes = 0;
                long sizeThatDidNotFit = -1;
                while (next < candidates.size() && taken.messages.size() + chunk.size() < taken.max) {
                    StoredMessage candidate = candidates.get(next);
                    if (candidate.expiredAt(now)) {
                        next++; // past retention: its TTL removes it
                        continue;
                    }
                    if (!candidate.visibleAt(now)) {
                        if (candidate.visibleAt().isAfter(now.plus(LEFTOVER_MARGIN))) {
                            // hidden among the waiting: written before parking existed
                            store.park(candidate);
                            parkedSchedule.parked(config.incarnation(), candidate.key().shard(), candidate.visibleAt());
                        }
                        next++; // else sent after this receive began: the next one takes it
                        continue;
                    }
                    if (deadLetterDue(config, candidate, deadLetters)) {
                        moveToDeadLetters(config, candidate, deadLetters.get(), now);
                        next++;
                        continue;
                    }
                    if (!claims.claim(candidate.key(), now)) {
                        next++; // another receive in this process is leasing it
                        continue;
                    }
                    long size = AnswerSize.of(candidate);
                    if (!taken.fits(size, chunk.isEmpty(), chunkBytes)) {
                        claims.release(candidate.key(), null, now);
                        sizeThatDidNotFit = size;
                        break;
                    }
                    chunk.add(candidate);
                    sizes.add(size);
                    chunkBytes += size;
                    next++;
                }
                leaseSideBySide(config, chunk, sizes, timeoutSeconds, taken);
                // judged as if every lease would succeed: with some lost to other consumers it may fit now
                if (sizeThatDidNotFit >= 0 && !taken.fits(sizeThatDidNotFit)) {
                    taken.close();
                    return null;
                }
            }
            candidatesLeft = next < candidates.size();
            after = page.lastEvaluatedId();
            limit = Math.min(MAX_SCAN_PAGE, limit * 2);
        } while (after != null && !taken.full());
        return candidatesLeft ? null : page;
    }

    /*
     * FIFO: scanning a shard in send order, the first unexpired message seen of each group decides the
     * group. Hidden (in flight or delayed) blocks the group for this receive; visible is leased, and so
     * may the group's following messages be, as long as each lease succeeds.
     */
    private void receiveFifoShard(QueueConfig config, int shard, Instant now, int timeoutSeconds,
                                  Optional<QueueConfig> deadLetters, Batch taken) {
        Set<String> blocked = new HashSet<>();
        String after = null;
        int limit = Math.min(MAX_SCAN_PAGE, 2 * taken.max);
        do {
            QueueStore.ScanPage page = store.scan(config.incarnation(), shard, after, limit, false, now);
            for (StoredMessage message : page.items()) {
                long size = AnswerSize.of(message);
                if (taken.full() || !taken.fits(size)) {
                    return;
                }
                if (message.expiredAt(now) || blocked.contains(message.groupId())) {
                    continue;
                }
                if (!message.visibleAt(now)) {
                    blocked.add(message.groupId());
                    continue;
                }
                if (deadLetterDue(config, message, deadLetters)) {
                    // Only a completed move lets the group's next message be the head; if someone else
                    // holds or moved this one, the group waits.
                    if (!moveToDeadLetters(config, message, deadLetters.get(), now)) {
                        blocked.add(message.groupId());
                    }
                    continue;
                }
                Optional<ReceivedMessage> leased = tryLease(config, message, timeoutSeconds);
                if (leased.isPresent()) {
                    taken.add(leased.get(), size);
                } else {
                    blocked.add(message.groupId());
                }
            }
            after = page.lastEvaluatedId();
            limit = Math.min(MAX_SCAN_PAGE, limit * 2);
        } while (after != null && !taken.full());
    }

    /**
     * Leases {@code chunk} side by side and adds what was leased to {@code taken} with its answer size
     * from {@code sizes}; a store failure is thrown after every lease that succeeded beside it is in
     * {@code taken}.
     */
    private void leaseSideBySide(QueueConfig config, List<StoredMessage> chunk, List<Long> sizes, int timeoutSeconds,
                                 Batch taken) {
        List<java.util.function.Supplier<Optional<ReceivedMessage>>> leases = chunk.stream()
                .<java.util.function.Supplier<Optional<ReceivedMessage>>>map(m -> () -> {
                    Optional<ReceivedMessage> leased = Optional.empty();
                    try {
                        leased = tryLease(config, m, timeoutSeconds);
                        return leased;
                    } finally {
                        Instant now = now();
                        claims.release(m.key(), leased.isPresent() ? now.plusSeconds(timeoutSeconds) : null,
                                now.plus(CLAIM_AFTER_LEASE));
                    }
                })
                .toList();
        List<SideBySide.Outcome<Optional<ReceivedMessage>>> outcomes = sideBySide.run(leases);
        RuntimeException failure = null;
        for (int i = 0; i < outcomes.size(); i++) {
            SideBySide.Outcome<Optional<ReceivedMessage>> outcome = outcomes.get(i);
            if (outcome.error() != null) {
                failure = failure == null ? outcome.error() : failure;
            } else if (outcome.value().isPresent()) {
                taken.add(outcome.value().get(), sizes.get(i));
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The visibility timeout counts from the moment of this lease, not from the start of the receive:
     * a receive that raced others for a while still hands out its full timeout.
     */
    private Optional<ReceivedMessage> tryLease(QueueConfig config, StoredMessage message, int timeoutSeconds) {
        String token = UUID.randomUUID().toString();
        Instant now = now();
        Instant until = now.plusSeconds(timeoutSeconds);
        // FIFO group order rests on arrival positions, and a lease of 0 s hides nothing: both stay in place
        Optional<MessageKey> leased = config.fifo() || timeoutSeconds == 0
                ? Optional.of(message.key()).filter(key -> store.lease(message, token, until, now))
                : store.leaseByParking(message, token, until, now);
        if (leased.isEmpty()) {
            return Optional.empty();
        }
        if (leased.get().isParked()) {
            parkedSchedule.parked(config.incarnation(), leased.get().shard(), until);
        }
        Instant firstReceived = message.firstReceivedAt() != null ? message.firstReceivedAt() : now;
        return Optional.of(new ReceivedMessage(message.messageId(), message.body(), message.attributes(),
                receipts.issue(config.name(), leased.get(), token), message.receiveCount() + 1,
                message.sentAt().toString(), firstReceived.toString(), message.groupId(),
                message.deduplicationId()));
    }

    /** A message already received {@code maxReceiveCount} times goes to the dead-letter queue instead. */
    private static boolean deadLetterDue(QueueConfig config, StoredMessage message, Optional<QueueConfig> deadLetters) {
        Integer maxReceives = config.attributes().maxReceiveCount();
        return deadLetters.isPresent() && maxReceives != null && message.receiveCount() >= maxReceives;
    }

    /** True when this call moved it; false when it was no longer in the state read (someone else acted). */
    private boolean moveToDeadLetters(QueueConfig config, StoredMessage message, QueueConfig dlq, Instant now) {
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
    private StoredMessage copyInto(QueueConfig target, StoredMessage message, Instant now, int receives,
                                   String source) {
        MessageKey key = new MessageKey(target.incarnation(), shardFor(target, message.groupId()), ids.next(now));
        return message.movedTo(key, now, now.plusSeconds(target.attributes().messageRetentionSeconds()), receives,
                source);
    }

    private Optional<QueueConfig> deadLetterQueue(QueueConfig config) {
        String name = config.attributes().deadLetterQueue();
        if (name == null) {
            return Optional.empty();
        }
        Optional<QueueConfig> dlq = cachedQueue(name);
        if (dlq.isEmpty()) {
            LOG.warning(() -> "dead-letter queue " + name + " of " + config.name()
                    + " does not exist; messages stay in their queue");
        }
        return dlq;
    }

    // ---------------------------------------------------------------- acknowledging

    /** Acks one handle: deleted or already gone is success; a superseded lease is {@code LeaseLost}. */
    public void ack(String queue, String receiptHandle) {
        QueueConfig config = requireQueue(queue);
        ReceiptHandles.Receipt receipt = openReceipt(config, receiptHandle);
        claims.forget(receipt.key());
        if (store.delete(receipt.key(), receipt.leaseToken()) == QueueStore.LeaseOutcome.LEASE_LOST) {
            throw leaseLost();
        }
    }

    /**
     * Acks each handle, side by side. A handle's own problem is its entry's error; a store failure is
     * thrown (the others may have been acked: acking again is harmless).
     */
    public List<AckResult> ackAll(String queue, List<String> receiptHandles) {
        requireQueue(queue);
        List<java.util.function.Supplier<AckResult>> acks = receiptHandles.stream()
                .<java.util.function.Supplier<AckResult>>map(handle -> () -> {
                    try {
                        ack(queue, handle);
                        return AckResult.ok(handle);
                    } catch (QueueException e) {
                        if (e.code() != ErrorCode.INVALID_RECEIPT_HANDLE && e.code() != ErrorCode.LEASE_LOST) {
                            throw e;
                        }
                        return AckResult.failed(handle, e);
                    }
                }).toList();
        List<AckResult> results = new ArrayList<>();
        for (SideBySide.Outcome<AckResult> outcome : sideBySide.run(acks)) {
            if (outcome.error() != null) {
                throw outcome.error();
            }
            results.add(outcome.value());
        }
        return results;
    }

    /**
     * Hides the message for {@code seconds} from now (0 releases it at once). A message already gone
     * is left alone, as for an ack.
     */
    public void changeVisibility(String queue, String receiptHandle, int seconds) {
        QueueConfig config = requireQueue(queue);
        ReceiptHandles.Receipt receipt = openReceipt(config, receiptHandle);
        Instant visibleAt = now().plusSeconds(seconds);
        QueueStore.LeaseOutcome outcome = store.changeVisibility(receipt.key(), receipt.leaseToken(), visibleAt);
        parkedSchedule.parked(config.incarnation(), receipt.key().shard(), visibleAt);
        claims.forget(receipt.key()); // given back: for any receive at its new visibility time
        if (outcome == QueueStore.LeaseOutcome.LEASE_LOST) {
            throw leaseLost();
        }
        if (seconds == 0) {
            signal.wake(config.incarnation(), 1);
        }
    }

    private ReceiptHandles.Receipt openReceipt(QueueConfig cached, String handle) {
        ReceiptHandles.Receipt receipt = receipts.open(cached.name(), handle);
        QueueConfig config = receipt.key().incarnation().equals(cached.incarnation())
                ? cached : requireQueueFresh(cached.name()); // the cache may predate a re-creation
        if (!receipt.key().incarnation().equals(config.incarnation())
                || receipt.key().shard() < 0 || receipt.key().shard() >= config.shards()) {
            // Issued by an earlier queue of the same name: it cannot reach this queue's messages.
            throw ReceiptHandles.invalid();
        }
        return receipt;
    }

    private static QueueException leaseLost() {
        return new QueueException(ErrorCode.LEASE_LOST,
                "the lease of this receipt handle expired and the message was received again; it was not changed");
    }

    // ---------------------------------------------------------------- browsing and redrive

    /** Every unacknowledged message in send order, without leasing any. */
    public Page<BrowsedMessage> browse(String queue, int limit, String next) {
        QueueConfig config = requireQueueFresh(queue);
        Instant now = now();
        String after = next == null || next.isEmpty() ? null : Tokens.decodeMessageId(next);
        List<StoredMessage> merged = new ArrayList<>();
        for (int shard = 0; shard < config.shards(); shard++) {
            merged.addAll(unexpired(config, shard, after, limit + 1, now));
            // Parked messages are in due order, not arrival order: every one is read to merge them. A
            // browse's reads grow with what is in flight or delayed; a receive's do not.
            int s = shard;
            forEveryItem(from -> store.scanParked(config.incarnation(), s, from, MAX_SCAN_PAGE * 10, null), m -> {
                if (!m.expiredAt(now) && (after == null || m.key().id().compareTo(after) > 0)) {
                    merged.add(m);
                }
            });
        }
        merged.sort(Comparator.comparing(m -> m.key().id()));
        int fit = 0;
        long bytes = 0;
        while (fit < Math.min(limit, merged.size())) {
            long size = AnswerSize.of(merged.get(fit));
            if (fit > 0 && bytes + size > Batch.ANSWER_BUDGET) {
                break;
            }
            bytes += size;
            fit++;
        }
        boolean more = merged.size() > fit;
        List<StoredMessage> pageItems = merged.subList(0, fit);
        String token = more ? Tokens.encode(pageItems.get(pageItems.size() - 1).key().id()) : null;
        return new Page<>(pageItems.stream().map(m -> new BrowsedMessage(m.messageId(), m.body(), m.attributes(),
                m.stateAt(now).wire(), m.receiveCount(), m.sentAt().toString(),
                m.firstReceivedAt() == null ? null : m.firstReceivedAt().toString(), m.groupId(),
                m.deduplicationId())).toList(), token);
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
     * each came from; a moved message starts again with receive count 0. Messages in flight in the
     * dead-letter queue, and those whose source queue no longer exists, stay.
     */
    public int redrive(String queue, String destination, int maxMessages) {
        QueueConfig source = requireQueueFresh(queue);
        Optional<QueueConfig> fixed = Optional.empty();
        if (destination != null) {
            QueueConfig target = requireQueueFresh(destination);
            if (target.fifo() != source.fifo()) {
                throw QueueException.invalid("redrive moves messages between queues of the same kind only");
            }
            if (target.name().equals(source.name())) {
                throw QueueException.invalid("the redrive destination must be another queue");
            }
            fixed = Optional.of(target);
        }
        Instant now = now();
        int moved = 0;
        Map<String, Optional<QueueConfig>> origins = new HashMap<>();
        List<java.util.function.Function<String, QueueStore.ScanPage>> visiblePages = new ArrayList<>();
        for (int shard = 0; shard < source.shards(); shard++) {
            int s = shard;
            visiblePages.add(after -> store.scanParked(source.incarnation(), s, after, MAX_SCAN_PAGE, now));
            visiblePages.add(after -> store.scan(source.incarnation(), s, after, MAX_SCAN_PAGE, true, now));
        }
        for (java.util.function.Function<String, QueueStore.ScanPage> read : visiblePages) {
            String after = null;
            do {
                QueueStore.ScanPage page = read.apply(after);
                for (StoredMessage m : page.items()) {
                    if (moved >= maxMessages) {
                        break;
                    }
                    Optional<QueueConfig> target = fixed.isPresent() ? fixed
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

    /** Answers when the store does; throws {@code Unavailable} when it does not. */
    public void checkHealth() {
        store.getQueue("health-check");
    }

    /**
     * Puts a copy of a topic message into a standard queue, once: {@code copyKey} names the copy (message
     * and subscription), and a second call with it within {@code window} writes nothing. The copy is
     * known by {@code messageId}, the published message's id, in every queue it reaches.
     */
    public void deliverCopy(String queue, String messageId, String body, Map<String, String> attributes,
                            String copyKey, Duration window) {
        QueueConfig config = requireQueue(queue);
        Instant now = now();
        MessageKey key = new MessageKey(config.incarnation(), shardFor(config, null), ids.next(now));
        StoredMessage copy = new StoredMessage(key, messageId, body, Map.copyOf(attributes), now, now, null, 0, null,
                null, null, now.plusSeconds(config.attributes().messageRetentionSeconds()), null);
        store.putDeduplicated(copy, copyKey, now.plus(window), now);
        signal.wake(config.incarnation(), 1);
    }

    /** Removes expired items; the local server calls this because DynamoDB Local never runs TTL. */
    public long sweepExpired() {
        return store.deleteExpired(now());
    }

    // ---------------------------------------------------------------- helpers

    /** Milliseconds, the precision times are stored at, so a time reads the same in every answer. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private QueueConfig requireQueue(String name) {
        Names.requireQueueName(name);
        return cachedQueue(name).orElseThrow(() -> QueueException.queueNotFound(name));
    }

    /** Admin reads skip the cache: a person looking at a queue expects what is there now. */
    private QueueConfig requireQueueFresh(String name) {
        Names.requireQueueName(name);
        Optional<QueueConfig> config = store.getQueue(name);
        config.ifPresentOrElse(c -> configCache.put(name, new CachedConfig(c, System.nanoTime())),
                () -> configCache.remove(name));
        return config.orElseThrow(() -> QueueException.queueNotFound(name));
    }

    private Optional<QueueConfig> cachedQueue(String name) {
        CachedConfig cached = configCache.get(name);
        if (cached != null && System.nanoTime() - cached.readAt < settings.configCacheTtl().toNanos()) {
            return Optional.of(cached.config);
        }
        Optional<QueueConfig> config = store.getQueue(name);
        config.ifPresentOrElse(c -> configCache.put(name, new CachedConfig(c, System.nanoTime())),
                () -> configCache.remove(name));
        return config;
    }

    private record CachedConfig(QueueConfig config, long readAt) {}

    static String sha256Hex(String body) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
