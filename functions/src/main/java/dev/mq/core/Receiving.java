package dev.mq.core;

import dev.mq.model.QueueException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Receiving, the riskiest rules, alone: long polling, leases (a standard queue's stay in place or park
 * the message until the lease ends, see {@link HiddenBudget}; a FIFO queue's stay in place), FIFO group
 * order, the answer's size budget, and the dead-letter move of a message received too often. Every lease
 * is a conditional write: two receives never both win a message.
 */
final class Receiving {
    private static final Logger LOG = Logger.getLogger(Receiving.class.getName());
    /** Long polls re-query with a backoff from this ... */
    private static final long FIRST_POLL_MILLIS = 20;
    /** ... growing to this, so an idle consumer costs about one query a second. */
    private static final long MAX_POLL_MILLIS = 1_000;
    /** The most items one page read asks for (a receive starts smaller and doubles). */
    static final int MAX_SCAN_PAGE = 100;
    /** Longer than a receive takes from reading a page to trying its leases. */
    private static final Duration CLAIM_AFTER_LEASE = Duration.ofSeconds(1);
    /**
     * A hidden message due within this is not worth parking: it is visible in a moment (or was sent
     * after the receive began, by a clock a little ahead), and parking it would only cost a transaction.
     */
    private static final Duration PARK_MARGIN = Duration.ofSeconds(5);

    private final QueueStore store;
    private final QueueCatalog catalog;
    private final DeadLetters deadLetterMoves;
    private final ReceiptHandles receipts;
    private final MessageSignal signal;
    private final SideBySide sideBySide;
    private final LeaseClaims claims;
    private final ParkedSchedule parkedSchedule;
    private final long maxAnswerBytes;
    private final ReceiveAttempts attempts;

    Receiving(
            QueueStore store,
            QueueCatalog catalog,
            DeadLetters deadLetterMoves,
            ReceiptHandles receipts,
            MessageSignal signal,
            SideBySide sideBySide,
            LeaseClaims claims,
            ParkedSchedule parkedSchedule,
            long maxAnswerBytes) {
        this.store = store;
        this.catalog = catalog;
        this.deadLetterMoves = deadLetterMoves;
        this.receipts = receipts;
        this.signal = signal;
        this.sideBySide = sideBySide;
        this.claims = claims;
        this.parkedSchedule = parkedSchedule;
        this.maxAnswerBytes = maxAnswerBytes;
        this.attempts = new ReceiveAttempts(store, catalog, receipts);
    }

    /**
     * Leases up to {@code maxMessages} messages. With a wait, polls until at least one is available or
     * the wait ends; a send in this process wakes the poll at once, others are seen at the next re-query.
     */
    List<ReceivedMessage> receive(String queue, ReceiveOptions options) {
        QueueConfig config = catalog.requireQueue(queue);
        int wait = options.waitSeconds() != null
                ? options.waitSeconds()
                : config.attributes().receiveWaitSeconds();
        int timeout = options.visibilityTimeoutSeconds() != null
                ? options.visibilityTimeoutSeconds()
                : config.attributes().visibilityTimeoutSeconds();
        // an attempt id means something only where messages are handed out in order (SQS ignores it elsewhere)
        String attemptId = config.fifo() ? options.attemptId() : null;
        if (attemptId != null) {
            ReceiveAttempts.check(attemptId);
            Optional<List<ReceivedMessage>> again = attempts.retry(config, attemptId, timeout);
            if (again.isPresent()) {
                return again.get();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
        long pause = FIRST_POLL_MILLIS;
        while (true) {
            long seenSignal = signal.version(config.incarnation());
            List<ReceivedMessage> messages = receiveOnce(config, options.maxMessages(), timeout);
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!messages.isEmpty() || left <= 0) {
                if (attemptId != null) {
                    attempts.record(config, attemptId, messages);
                }
                return messages;
            }
            signal.await(config.incarnation(), seenSignal, Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_MILLIS);
        }
    }

    private List<ReceivedMessage> receiveOnce(QueueConfig config, int max, int timeoutSeconds) {
        Instant now = catalog.now();
        Optional<QueueConfig> deadLetters = deadLetterMoves.deadLetterQueue(config);
        Batch taken = new Batch(max, maxAnswerBytes);
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
            LOG.warning(() -> "receive on " + config.name() + " stopped early ("
                    + e.code().code() + "); answering the " + taken.messages.size() + " messages leased so far");
        }
        return taken.messages;
    }

    /**
     * The messages one receive hands out, bounded by count and by an estimate of their size in the
     * answer ({@link AnswerSize}) against the edge's limit ({@link QueueService.Settings#maxAnswerBytes}),
     * so an answer never exceeds what the edge may carry. The first message always fits.
     */
    static final class Batch {
        final List<ReceivedMessage> messages = new ArrayList<>();
        final int max;
        private final long maxBytes;
        long bytes;
        boolean closed;

        Batch(int max, long maxBytes) {
            this.max = max;
            this.maxBytes = maxBytes;
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
            return (messages.isEmpty() && nonePending) || bytes + pendingBytes + size <= maxBytes;
        }

        void add(ReceivedMessage received, long size) {
            messages.add(received);
            bytes += size;
        }
    }

    /*
     * A standard queue's receive reads what came due among the parked messages (expired leases, delayed
     * messages now due: they have waited longest), then the waiting ones from the head. Parked ones are
     * read only up to the present, and hidden ones among what both reads pass are kept within a budget
     * ({@link HiddenBudget}). So a receive's reads grow with what it returns, not with what is in flight
     * or delayed. Pages start small and double, so a queue that keeps up reads about one item per message.
     */
    private void receiveShard(
            QueueConfig config,
            int shard,
            Instant now,
            int timeoutSeconds,
            Optional<QueueConfig> deadLetters,
            Batch taken) {
        if (parkedSchedule.worthReading(config.incarnation(), shard, now)) {
            QueueStore.ScanPage last = leaseFromPages(
                    config,
                    now,
                    timeoutSeconds,
                    deadLetters,
                    taken,
                    (after, limit) -> store.scanParked(config.incarnation(), shard, after, limit, now));
            if (last != null && last.lastEvaluatedId() == null) {
                parkedSchedule.read(config.incarnation(), shard, now, last.nextDue());
            }
        }
        if (!taken.full()) {
            leaseFromPages(
                    config,
                    now,
                    timeoutSeconds,
                    deadLetters,
                    taken,
                    (after, limit) -> store.scan(config.incarnation(), shard, after, limit, false, now));
        }
    }

    /** Leases from the pages {@code read} answers until the batch is full or they end; answers the last page. */
    private QueueStore.ScanPage leaseFromPages(
            QueueConfig config,
            Instant now,
            int timeoutSeconds,
            Optional<QueueConfig> deadLetters,
            Batch taken,
            BiFunction<String, Integer, QueueStore.ScanPage> read) {
        String after = null;
        // room for what the batch asks for, what other consumers take first, and the hidden budget
        int limit = Math.min(MAX_SCAN_PAGE, 3 * taken.max + 1);
        HiddenBudget hidden = new HiddenBudget(taken.max);
        QueueStore.ScanPage page;
        boolean candidatesLeft;
        do {
            page = read.apply(after, limit);
            List<StoredMessage> candidates = new ArrayList<>();
            for (StoredMessage m : page.items()) {
                if (m.visibleAt(now) || m.expiredAt(now)) {
                    candidates.add(m);
                } else if (!hidden.readPast(HiddenBudget.itemBytes(m))
                        && m.visibleAt().isAfter(now.plus(PARK_MARGIN))
                        && hidden.parkAnother()) {
                    // past the budget, and hidden for a while yet: parked, so the next receives do not pay for it
                    store.park(m);
                    parkedSchedule.parked(config.incarnation(), m.key().shard(), m.visibleAt());
                }
            }
            // Standard queues promise no strict order: trying a page's messages in random order keeps
            // consumers polling at the same moment from all racing for the same head message.
            Collections.shuffle(candidates);
            int next = 0;
            while (next < candidates.size() && !taken.full()) {
                // as many candidates as there is room for, leased side by side
                List<Candidate> chunk = new ArrayList<>();
                long chunkBytes = 0;
                long sizeThatDidNotFit = -1;
                while (next < candidates.size() && taken.messages.size() + chunk.size() < taken.max) {
                    StoredMessage candidate = candidates.get(next);
                    if (candidate.expiredAt(now)) {
                        store.removeExpired(candidate, now);
                        next++;
                        continue;
                    }
                    if (DeadLetters.deadLetterDue(config, candidate, deadLetters)) {
                        deadLetterMoves.moveToDeadLetters(config, candidate, deadLetters.get(), now);
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
                    chunk.add(new Candidate(candidate, size, hidden.leaseInPlace(HiddenBudget.itemBytes(candidate))));
                    chunkBytes += size;
                    next++;
                }
                leaseSideBySide(config, chunk, timeoutSeconds, taken);
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

    /** A message a receive is about to lease, its size in the answer, and whether its lease stays in place. */
    private record Candidate(StoredMessage message, long answerSize, boolean inPlace) {}

    /*
     * FIFO: scanning a shard in send order, the first unexpired message seen of each group decides the
     * group. Hidden (in flight or delayed) blocks the group for this receive; visible is leased, and so
     * may the group's following messages be, as long as each lease succeeds.
     */
    private void receiveFifoShard(
            QueueConfig config,
            int shard,
            Instant now,
            int timeoutSeconds,
            Optional<QueueConfig> deadLetters,
            Batch taken) {
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
                if (message.expiredAt(now)) {
                    store.removeExpired(message, now);
                    continue;
                }
                if (blocked.contains(message.groupId())) {
                    continue;
                }
                if (!message.visibleAt(now)) {
                    blocked.add(message.groupId());
                    continue;
                }
                if (DeadLetters.deadLetterDue(config, message, deadLetters)) {
                    // Only a completed move lets the group's next message be the head; if someone else
                    // holds or moved this one, the group waits.
                    if (!deadLetterMoves.moveToDeadLetters(config, message, deadLetters.get(), now)) {
                        blocked.add(message.groupId());
                    }
                    continue;
                }
                Optional<ReceivedMessage> leased = tryLease(config, message, timeoutSeconds, true);
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
     * Leases {@code chunk} side by side and adds what was leased to {@code taken}; a store failure is
     * thrown after every lease that succeeded beside it is in {@code taken}.
     */
    private void leaseSideBySide(QueueConfig config, List<Candidate> chunk, int timeoutSeconds, Batch taken) {
        List<Supplier<Optional<ReceivedMessage>>> leases = chunk.stream()
                .<Supplier<Optional<ReceivedMessage>>>map(c -> () -> {
                    Optional<ReceivedMessage> leased = Optional.empty();
                    try {
                        leased = tryLease(config, c.message(), timeoutSeconds, c.inPlace());
                        return leased;
                    } finally {
                        Instant now = catalog.now();
                        claims.release(
                                c.message().key(),
                                leased.isPresent() ? now.plusSeconds(timeoutSeconds) : null,
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
                taken.add(outcome.value().get(), chunk.get(i).answerSize());
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
    private Optional<ReceivedMessage> tryLease(
            QueueConfig config, StoredMessage message, int timeoutSeconds, boolean inPlace) {
        String token = UUID.randomUUID().toString();
        Instant now = catalog.now();
        Instant until = now.plusSeconds(timeoutSeconds);
        // FIFO group order rests on arrival positions, and a lease of 0 s hides nothing: both stay in place
        Optional<MessageKey> leased = inPlace || config.fifo() || timeoutSeconds == 0
                ? Optional.of(message.key()).filter(key -> store.lease(message, token, until, now))
                : store.leaseByParking(message, token, until, now);
        if (leased.isEmpty()) {
            return Optional.empty();
        }
        if (leased.get().isParked()) {
            parkedSchedule.parked(config.incarnation(), leased.get().shard(), until);
        }
        Instant firstReceived = message.firstReceivedAt() != null ? message.firstReceivedAt() : now;
        return Optional.of(received(
                message,
                receipts.issue(config.name(), leased.get(), token),
                message.receiveCount() + 1,
                firstReceived));
    }

    /** The answer for a leased message, as its lease's holder sees it. */
    static ReceivedMessage received(
            StoredMessage message, String receiptHandle, int receiveCount, Instant firstReceivedAt) {
        return new ReceivedMessage(
                message.messageId(),
                message.body(),
                message.attributes(),
                receiptHandle,
                receiveCount,
                message.sentAt(),
                firstReceivedAt,
                message.groupId(),
                message.deduplicationId(),
                message.attributeTypes());
    }
}
