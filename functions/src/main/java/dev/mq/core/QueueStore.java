package dev.mq.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The persistence port of {@link QueueService}. Every method that changes a message is conditional, and
 * the condition is the guarantee: a lease is taken only from the state that was read, and only the
 * current lease can end or extend it. Back-end failures surface as {@code QueueException} with
 * {@code Throttled} or {@code Unavailable}; a failed condition is a return value, never an exception.
 */
public interface QueueStore {

    // ---- catalog

    Optional<QueueConfig> getQueue(String name);

    /** Creates the queue unless one of that name exists; answers the existing one in that case. */
    Optional<QueueConfig> createQueue(QueueConfig config);

    /**
     * Writes {@code config} if the catalog still holds the version before it ({@code version - 1}) of
     * the same incarnation; false otherwise (changed meanwhile, or deleted).
     */
    boolean updateQueue(QueueConfig config);

    /** Removes the queue from the catalog; answers the removed incarnation, if there was one. */
    Optional<QueueConfig> deleteQueue(String name);

    /** Queues whose names start with {@code prefix}, after {@code afterName}; {@code next} is the last name. */
    Page<QueueConfig> listQueues(String prefix, int limit, String afterName);

    // ---- messages

    /** Stores a new message (its position is new, so no condition is needed). */
    void put(StoredMessage message);

    /**
     * Stores new messages in batches; answers the messageIds of those still unwritten after the store's
     * retries (throttling), which were not stored at all.
     */
    Set<String> putAll(List<StoredMessage> messages);

    /**
     * Stores the message and its deduplication record atomically, unless an unexpired record for the id
     * exists: then nothing is written and the first message's id is answered. A record never exists
     * without its message.
     */
    Optional<String> putDeduplicated(StoredMessage message, String dedupId, Instant dedupExpiresAt, Instant now);

    /**
     * Waiting messages of one shard (those that were visible when written: see {@link MessageKey}) in
     * arrival order, after the position {@code afterId}, reading at most {@code limit} items. With
     * {@code visibleOnly} the page holds only unexpired visible messages, though {@code lastEvaluatedId}
     * still counts the items read past.
     */
    ScanPage scan(String incarnation, int shard, String afterId, int limit, boolean visibleOnly, Instant now);

    /**
     * Parked messages of one shard (delayed, or leased, in a standard queue) in due order, after the
     * position {@code afterPosition}, reading at most {@code limit} items. With {@code dueBy}, only those
     * whose position is due by then (a lease taken or extended in place may still hide one); the page ends
     * at the first one not yet due, and says when that one is due. Without {@code dueBy}, every parked
     * message.
     */
    ScanPage scanParked(String incarnation, int shard, String afterPosition, int limit, Instant dueBy);

    /**
     * @param lastEvaluatedId where the next page starts; null at the end
     * @param nextDue of a page of parked messages due by a time: when the first one after them is due,
     *     or null when the read ended before one
     */
    record ScanPage(List<StoredMessage> items, String lastEvaluatedId, Instant nextDue) {
        public ScanPage(List<StoredMessage> items, String lastEvaluatedId) {
            this(items, lastEvaluatedId, null);
        }
    }

    /**
     * Takes a lease in place on a message read by {@link #scan} or {@link #scanParked}: succeeds only if
     * the message is still visible and its lease is still the one read, so two receivers never both win.
     * FIFO queues lease this way, keeping every message at its arrival position, which group order rests on.
     */
    boolean lease(StoredMessage read, String newToken, Instant visibleUntil, Instant now);

    /**
     * Takes a lease by parking the message until {@code visibleUntil}: under the same condition as
     * {@link #lease}, so two receivers never both win; answers the message's new key, or empty when
     * another receive or an ack came first. The move is atomic: the message is never in two places,
     * nor in none.
     */
    Optional<MessageKey> leaseByParking(StoredMessage read, String newToken, Instant visibleUntil, Instant now);

    /**
     * Parks a hidden message (leased in place, or written hidden by the first layout) at its visibility
     * time, lease and all; its receipt handle still reaches it. False when it changed since it was read.
     */
    boolean park(StoredMessage read);

    /**
     * Deletes the message if {@code leaseToken} is its current lease, wherever a change of visibility
     * parked it since the handle was issued.
     */
    LeaseOutcome delete(MessageKey key, String leaseToken);

    /**
     * Sets when the message becomes visible again, if {@code leaseToken} is its current lease. A parked
     * message made visible sooner than it is due moves to the earlier position; its handle follows.
     */
    LeaseOutcome changeVisibility(MessageKey key, String leaseToken, Instant visibleAt);

    enum LeaseOutcome {
        DONE,
        GONE,
        LEASE_LOST
    }

    /**
     * Moves a message to another queue in one transaction: the source is removed only if it is still
     * in the state read (visible, same lease) and the copy is written in the same step, at a position
     * nothing holds yet. The copy keeps the messageId: a message exists in one place at a time, so its id
     * stays unique however often it is moved and redriven.
     */
    boolean move(StoredMessage read, StoredMessage copy, Instant now);

    // ---- counts and the reads that bring them up to the present

    /**
     * A queue incarnation's messages as counted from the messages' writes (see {@link QueueCounts}): one
     * small read, whatever the number of messages; a little behind the writes while they flow.
     */
    QueueCounts counts(String incarnation);

    /**
     * The first parked messages of a shard that are due by {@code now} (their position says so; a lease
     * extended in place may still hide one), at most {@code limit}: the read stops at the present, so it
     * never pays for messages not yet due.
     */
    List<StoredMessage> dueParked(String incarnation, int shard, Instant now, int limit);

    /**
     * The newest waiting messages of a shard that arrived at or after {@code since}, newest first, at most
     * {@code limit} ({@code lastEvaluatedId} not null when there are more).
     */
    ScanPage newestWaiting(String incarnation, int shard, Instant since, int limit);

    /** Deletes every message of the incarnation; answers how many were removed. */
    long deleteAll(String incarnation, int shards);

    /**
     * Removes a message read past its retention. DynamoDB's TTL removes such items too, but up to days
     * later, and until then every receive would read past it.
     */
    void removeExpired(StoredMessage read, Instant now);

    /** Removes items whose retention or deduplication window has passed (for stores without TTL). */
    long deleteExpired(Instant now);

    // ---- reads of single messages

    /** The message at {@code key} (a consistent read), if it is there. */
    Optional<StoredMessage> get(MessageKey key);

    // ---- receive attempts (FIFO queues' ReceiveRequestAttemptId)

    /**
     * What a receive named {@code attemptId} leased in the queue incarnation, until {@code expiresAt}:
     * replaces an earlier record of the same attempt.
     */
    void putReceiveAttempt(String incarnation, String attemptId, List<Lease> leases, Instant expiresAt);

    /** The leases recorded for the attempt, unless there are none or they expired by {@code now}. */
    Optional<List<Lease>> receiveAttempt(String incarnation, String attemptId, Instant now);

    /** A lease a receive took: the message's key and the lease's token. */
    record Lease(MessageKey key, String token) {}

    // ---- message move tasks

    /**
     * A move task as stored: {@code id} orders a source's tasks by start, {@code incarnation} is the
     * source queue's incarnation it moves from.
     */
    record StoredMoveTask(String id, String incarnation, MoveTask task) {}

    /**
     * Records {@code task} (running) as its source's one running task, kept until {@code expiresAt}, unless
     * the source already has a running task: then nothing is written and that one is answered. The two
     * writes are one transaction, so a running task and its source's mark never exist one without the other.
     */
    Optional<StoredMoveTask> createMoveTask(StoredMoveTask task, Instant expiresAt);

    /** The source queue's running task, if it has one. */
    Optional<StoredMoveTask> runningMoveTask(String source);

    /** The source queues that have a running task, whatever their incarnation: one small read. */
    List<String> sourcesWithRunningMoveTasks();

    /** One task of a source, if it is (still) recorded. */
    Optional<StoredMoveTask> moveTask(String source, String id);

    /**
     * Adds {@code moved} to the task's count, whatever its status: a pass that ran beside the one that
     * ended the task still counts what it moved.
     */
    void addMovedMessages(String source, String id, long moved);

    /**
     * Ends the running task with {@code status} (and {@code failureReason}), and frees its source for the
     * next task, in one transaction; keeps its record until {@code expiresAt}. False when it was not
     * running any more (another pass ended it).
     */
    boolean endMoveTask(String source, String id, MoveTask.Status status, String failureReason, Instant expiresAt);

    /**
     * The source's tasks of the queue incarnation, newest first, at most {@code limit}, leaving out those
     * whose record expired by {@code now}.
     */
    List<StoredMoveTask> moveTasks(String source, String incarnation, int limit, Instant now);
}
