package dev.mq.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Does locally what Lambda's event source mapping does in AWS: reads a table's DynamoDB stream (the topic
 * log's for fan-out, the messages table's for the queue counts, from DynamoDB Local) and invokes the stream handler with {@link DynamodbEvent} batches of
 * up to {@value #BATCH_SIZE} records, on one daemon thread.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Every record reaches the handler, in stream order within a shard, and a parent shard is read to
 *       its end before its children, as Lambda does.</li>
 *   <li>A batch is checkpointed once the handler returns: the sequence number of the last record handled
 *       is saved per shard ({@link StreamCheckpoints}), so a restart resumes right after it
 *       ({@code AFTER_SEQUENCE_NUMBER}) and neither loses nor repeats records; a shard never checkpointed
 *       is read from {@code TRIM_HORIZON}.</li>
 *   <li>{@code batchItemFailures} are honoured as Lambda does: the records before the lowest failed one
 *       are checkpointed, and reading resumes at that record, never skipping it, after a pause growing
 *       from {@link #FIRST_RETRY} to {@link #MAX_RETRY}. A handler that throws, or names a record not in
 *       the batch, fails the whole batch. (Parking a record that keeps failing is the handler's job.)</li>
 *   <li>While records flow the stream is read every {@link Pacing#busy()} (at once after a full batch),
 *       and every {@link Pacing#idle()} when it is quiet: for fan-out ({@link Pacing#PROMPT}) so a publish
 *       reaches its subscriber queues well within a second; for the counts ({@link Pacing#BATCHED}) a few
 *       seconds, as Lambda's batching window does, since stats catch up on demand
 *       ({@link #awaitCaughtUp}).</li>
 *   <li>No exception ends the thread: it is logged and polling continues after a pause.</li>
 * </ul>
 */
final class StreamPoller implements AutoCloseable {
    static final int BATCH_SIZE = 100;

    /** How often the stream is read while records flow, and while it is quiet. */
    record Pacing(Duration busy, Duration idle) {
        static final Pacing PROMPT = new Pacing(Duration.ofMillis(50), Duration.ofMillis(200));
        /**
         * Each read of DynamoDB Local's stream costs the server CPU that requests then lack: read every
         * 50 ms beside a busy queue, the counts' stream took most of the local server's throughput.
         */
        static final Pacing BATCHED = new Pacing(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /**
     * How often the list of shards is read again. A shard's children are looked for as soon as it ends,
     * so this only bounds how late a shard appearing any other way is seen.
     */
    static final Duration SHARD_REFRESH = Duration.ofSeconds(10);
    /** Lambda's event names the region; DynamoDB Local's records say {@code ddblocal}. */
    static final String REGION = "us-east-1";

    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(StreamPoller.class.getName());

    private final DynamoDbStreamsClient streams;
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final StreamCheckpoints checkpoints;
    private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
    private final String functionName;
    private final Pacing pacing;
    private final Thread thread;
    private final AtomicLong handled = new AtomicLong();
    private volatile boolean running = true;
    /** Rounds over the shards: how many began, and the last that found nothing new ({@link #awaitCaughtUp}). */
    private final Object rounds = new Object();

    private long roundsBegun;
    private long lastQuietRound;
    /** Someone waits for a round: skip the pause. */
    private volatile boolean roundWanted;
    /** How many wait for a quiet round: while any do, rounds follow each other without a pause. */
    private int waiters;

    // Owned by the polling thread.
    private String streamArn;
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    private Map<String, StreamCheckpoints.Checkpoint> saved = Map.of();
    private long refreshDueNanos;
    private boolean pollAgainAtOnce;
    private Duration errorPause = Duration.ZERO;

    private StreamPoller(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            String table,
            StreamCheckpoints checkpoints,
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler,
            String functionName,
            Pacing pacing) {
        this.pacing = pacing;
        this.streams = streams;
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.checkpoints = checkpoints;
        this.handler = handler;
        this.functionName = functionName;
        this.thread = new Thread(this::run, functionName + "-stream-poller");
        thread.setDaemon(true);
    }

    /**
     * Starts polling the stream of {@code table}.
     *
     * @param checkpointTable where checkpoints are kept (the catalog table)
     */
    static StreamPoller start(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            String table,
            String checkpointTable,
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler) {
        return start(streams, dynamoDb, table, checkpointTable, handler, "mq-fanout", Pacing.PROMPT);
    }

    /** @param functionName the function the handler stands for: its name in the handler's context */
    static StreamPoller start(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            String table,
            String checkpointTable,
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler,
            String functionName,
            Pacing pacing) {
        return start(
                streams,
                dynamoDb,
                table,
                new StreamCheckpoints(dynamoDb, checkpointTable),
                handler,
                functionName,
                pacing);
    }

    /**
     * A further reader of a stream another poller reads already (as a second Lambda event source mapping
     * on one stream): its checkpoints are kept apart, under {@code functionName}.
     */
    static StreamPoller startAnotherReader(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            String table,
            String checkpointTable,
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler,
            String functionName,
            Pacing pacing) {
        return start(
                streams,
                dynamoDb,
                table,
                new StreamCheckpoints(dynamoDb, checkpointTable, functionName),
                handler,
                functionName,
                pacing);
    }

    private static StreamPoller start(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            String table,
            StreamCheckpoints checkpoints,
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler,
            String functionName,
            Pacing pacing) {
        StreamPoller poller = new StreamPoller(streams, dynamoDb, table, checkpoints, handler, functionName, pacing);
        poller.thread.start();
        return poller;
    }

    /**
     * Waits until a round over the shards that began after this call found no record left to hand over
     * (the handler has seen every write made before the call), or {@code max} passed; answers which. The
     * poller starts that round at once rather than after its pause.
     */
    boolean awaitCaughtUp(Duration max) {
        if (Thread.currentThread() == thread) {
            return false;
        }
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (rounds) {
            long begunBefore = roundsBegun;
            waiters++;
            roundWanted = true;
            LockSupport.unpark(thread);
            try {
                while (running && lastQuietRound <= begunBefore) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        rounds.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return lastQuietRound > begunBefore;
            } finally {
                waiters--;
            }
        }
    }

    /** How many records the handler has handled (and were checkpointed) since this poller started. */
    long recordsHandled() {
        return handled.get();
    }

    /**
     * Stops polling and waits for a batch under way to finish, so nothing outlives the clients it uses.
     * A batch the handler is still on is not checkpointed, so the next start hands it over again.
     */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_WAIT.toMillis());
            if (thread.isAlive()) {
                LOG.warning("the stream poller did not stop within " + STOP_WAIT + "; interrupting it");
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        while (running) {
            Duration pause;
            long round;
            synchronized (rounds) {
                round = ++roundsBegun;
                roundWanted = waiters > 0;
            }
            try {
                boolean busy = pollOnce();
                pause = busy ? pacing.busy() : pacing.idle();
                if (pollAgainAtOnce) {
                    pause = Duration.ZERO;
                }
                errorPause = Duration.ZERO;
                boolean quiet =
                        !busy && !pollAgainAtOnce && shards.values().stream().allMatch(s -> s.retryFrom == null);
                synchronized (rounds) {
                    if (quiet) {
                        lastQuietRound = round;
                    }
                    rounds.notifyAll();
                }
            } catch (Exception | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw (VirtualMachineError) e;
                }
                if (!running) {
                    break;
                }
                errorPause = grow(errorPause);
                pause = errorPause;
                if (e instanceof ResourceNotFoundException) {
                    // the table or its stream went away (or is not there yet): find it again
                    streamArn = null;
                    shards.clear();
                }
                LOG.log(Level.WARNING, "reading the stream of " + table + " failed; trying again in " + pause, e);
            }
            pauseFor(untilNextShardIsDue(pause));
        }
    }

    /** Reads each shard that may be read now once; answers whether any records came. */
    private boolean pollOnce() {
        pollAgainAtOnce = false;
        if (streamArn == null) {
            findStream();
        }
        if (System.nanoTime() - refreshDueNanos >= 0) {
            refreshShards();
        }
        boolean busy = false;
        for (ShardState shard : new ArrayList<>(shards.values())) {
            if (!running) {
                break;
            }
            if (shard.ended || !parentDone(shard) || System.nanoTime() - shard.notBeforeNanos < 0) {
                continue;
            }
            try {
                busy |= pollShard(shard) > 0;
            } catch (ResourceNotFoundException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                shard.iterator = null;
                backOff(shard);
                LOG.log(
                        Level.WARNING,
                        "reading shard " + shard.id + " of " + streamArn + " failed; trying again in " + shard.pause,
                        e);
            }
        }
        return busy;
    }

    private void findStream() {
        String arn = dynamoDb.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (arn == null) {
            throw ResourceNotFoundException.builder()
                    .message("table " + table + " has no stream")
                    .build();
        }
        streamArn = arn;
        saved = checkpoints.load(arn);
        shards.clear();
        refreshDueNanos = System.nanoTime();
        LOG.fine(() -> "polling " + arn + " with checkpoints of " + saved.size() + " shards");
    }

    /** Reads the stream's shards; new ones join with their saved checkpoints, trimmed ones are forgotten. */
    private void refreshShards() {
        List<software.amazon.awssdk.services.dynamodb.model.Shard> listed = new ArrayList<>();
        String after = null;
        do {
            String from = after;
            DescribeStreamResponse page =
                    streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(from));
            listed.addAll(page.streamDescription().shards());
            after = page.streamDescription().lastEvaluatedShardId();
        } while (after != null);

        Set<String> ids = new HashSet<>();
        for (software.amazon.awssdk.services.dynamodb.model.Shard shard : listed) {
            ids.add(shard.shardId());
            shards.computeIfAbsent(shard.shardId(), id -> {
                ShardState state = new ShardState(id, shard.parentShardId());
                StreamCheckpoints.Checkpoint checkpoint = saved.get(id);
                if (checkpoint != null) {
                    state.checkpoint = checkpoint.sequenceNumber();
                    state.ended = checkpoint.ended();
                }
                return state;
            });
        }
        // Checkpoints of shards the stream no longer lists are of no use: their records are gone.
        Set<String> gone = new HashSet<>(shards.keySet());
        gone.addAll(saved.keySet());
        gone.removeAll(ids);
        for (String id : gone) {
            checkpoints.delete(streamArn, id);
            shards.remove(id);
        }
        saved = new HashMap<>(saved);
        saved.keySet().retainAll(ids);
        refreshDueNanos = System.nanoTime() + SHARD_REFRESH.toNanos();
    }

    /** A parent read to its end, or no longer listed (trimmed), lets its children be read. */
    private boolean parentDone(ShardState shard) {
        ShardState parent = shard.parentId == null ? null : shards.get(shard.parentId);
        return parent == null || parent.ended;
    }

    // ---------------------------------------------------------------- one shard

    /** Reads one batch from the shard and hands it to the handler; answers how many records came. */
    private int pollShard(ShardState shard) {
        GetRecordsResponse response = getRecords(shard);
        if (response == null) {
            return 0;
        }
        List<Record> records = response.records();
        String next = response.nextShardIterator();
        if (records.isEmpty()) {
            if (shard.retryFrom == null) {
                shard.pause = Duration.ZERO;
            }
            shard.iterator = next;
            if (next == null) {
                end(shard);
            }
            return 0;
        }
        int failed = invoke(shard, records);
        if (failed != 0) {
            int done = failed < 0 ? records.size() : failed;
            advance(shard, records.get(done - 1).dynamodb().sequenceNumber(), done);
        }
        if (failed >= 0) {
            shard.retryFrom = records.get(failed).dynamodb().sequenceNumber();
            shard.iterator = null;
            backOff(shard);
            LOG.warning(() -> "record " + shard.retryFrom + " of shard " + shard.id + " failed; retrying from it in "
                    + shard.pause);
            return records.size();
        }
        shard.retryFrom = null;
        shard.pause = Duration.ZERO;
        shard.iterator = next;
        if (next == null) {
            end(shard);
        } else if (records.size() >= BATCH_SIZE) {
            pollAgainAtOnce = true;
        }
        return records.size();
    }

    /**
     * One GetRecords call, getting an iterator first where needed. An expired iterator is got again from
     * the checkpoint; trimmed records (DynamoDB Local's fresh-stream quirk, or a checkpoint older than
     * the stream keeps) send the shard back to {@code TRIM_HORIZON}. Answers null when the shard should
     * be tried again on the next round.
     */
    private GetRecordsResponse getRecords(ShardState shard) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (shard.iterator == null) {
                    shard.iterator =
                            streams.getShardIterator(iteratorRequest(shard)).shardIterator();
                }
                String iterator = shard.iterator;
                GetRecordsResponse response =
                        streams.getRecords(r -> r.shardIterator(iterator).limit(BATCH_SIZE));
                shard.trimmed = false;
                return response;
            } catch (ExpiredIteratorException e) {
                shard.iterator = null;
                LOG.fine(() -> "iterator of shard " + shard.id + " expired; getting one from its checkpoint");
            } catch (TrimmedDataAccessException e) {
                shard.iterator = null;
                if (shard.retryFrom != null || (shard.checkpoint != null && !shard.fromTrimHorizon)) {
                    LOG.warning(() -> "shard " + shard.id + ": records after "
                            + (shard.retryFrom != null ? "(and at) " + shard.retryFrom : shard.checkpoint)
                            + " are no longer in the stream;"
                            + " continuing with the oldest record it holds");
                    shard.retryFrom = null;
                    shard.fromTrimHorizon = true;
                } else if (shard.trimmed) {
                    // TRIM_HORIZON itself was trimmed again: let DynamoDB Local settle before the next try
                    backOff(shard);
                    return null;
                }
                shard.trimmed = true;
            }
            if (attempt >= 2) {
                pollAgainAtOnce = true;
                return null;
            }
        }
    }

    private GetShardIteratorRequest iteratorRequest(ShardState shard) {
        GetShardIteratorRequest.Builder request =
                GetShardIteratorRequest.builder().streamArn(streamArn).shardId(shard.id);
        if (shard.retryFrom != null) {
            request.shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).sequenceNumber(shard.retryFrom);
        } else if (shard.checkpoint != null && !shard.fromTrimHorizon) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(shard.checkpoint);
        } else {
            request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        }
        return request.build();
    }

    /**
     * Invokes the handler; answers the index of the first record to read again, or -1 when all were
     * handled. As Lambda: a handler that throws, or a failure naming no record of the batch, fails the
     * whole batch; otherwise reading resumes at the lowest failed record.
     */
    private int invoke(ShardState shard, List<Record> records) {
        StreamsEventResponse response;
        try {
            response = handler.handleRequest(
                    StreamEvents.event(records, streamArn, REGION),
                    new LocalLambdaContext(UUID.randomUUID().toString(), functionName));
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "the stream handler failed on a batch of " + records.size() + " records of shard " + shard.id
                            + "; the whole batch is retried",
                    e);
            return 0;
        }
        if (response == null
                || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return -1;
        }
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            positions.put(records.get(i).dynamodb().sequenceNumber(), i);
        }
        int first = records.size();
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            Integer position = failure == null ? null : positions.get(failure.getItemIdentifier());
            if (position == null) {
                LOG.warning(() -> "the stream handler reported a failure naming no record of its batch ("
                        + (failure == null ? null : failure.getItemIdentifier()) + "); the whole batch is retried");
                return 0;
            }
            first = Math.min(first, position);
        }
        return first;
    }

    /** Records up to {@code sequenceNumber} are handled: remember it, in memory and in the table. */
    private void advance(ShardState shard, String sequenceNumber, int count) {
        shard.checkpoint = sequenceNumber;
        shard.fromTrimHorizon = false;
        handled.addAndGet(count);
        save(shard);
    }

    /** The shard is closed and read to its end: its children may be read, and it is never read again. */
    private void end(ShardState shard) {
        shard.ended = true;
        shard.iterator = null;
        save(shard);
        refreshDueNanos = System.nanoTime();
        pollAgainAtOnce = true;
        LOG.fine(() -> "shard " + shard.id + " of " + streamArn + " ended");
    }

    /**
     * A checkpoint that cannot be written is kept in memory and written with the next one; should the
     * server stop first, the records since the last written one are handed over again on the next
     * start, which the handler's idempotent copies absorb.
     */
    private void save(ShardState shard) {
        try {
            checkpoints.save(streamArn, shard.id, new StreamCheckpoints.Checkpoint(shard.checkpoint, shard.ended));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not save the checkpoint of shard " + shard.id + " at " + shard.checkpoint, e);
        }
    }

    // ---------------------------------------------------------------- pauses

    private static void backOff(ShardState shard) {
        shard.pause = grow(shard.pause);
        shard.notBeforeNanos = System.nanoTime() + shard.pause.toNanos();
    }

    private static Duration grow(Duration pause) {
        if (pause.isZero()) {
            return FIRST_RETRY;
        }
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    }

    /** A shard backing off for less than {@code pause} is tried when it is due. */
    private Duration untilNextShardIsDue(Duration pause) {
        long now = System.nanoTime();
        long nanos = pause.toNanos();
        for (ShardState shard : shards.values()) {
            if (!shard.ended && shard.notBeforeNanos - now > 0) {
                nanos = Math.min(
                        nanos,
                        Math.max(
                                shard.notBeforeNanos - now, Pacing.PROMPT.busy().toNanos()));
            }
        }
        return Duration.ofNanos(nanos);
    }

    /** Sleeps, unless {@link #close()} wakes it. */
    private void pauseFor(Duration pause) {
        long deadline = System.nanoTime() + pause.toNanos();
        long left;
        while (running && !roundWanted && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** What the poller knows of one shard. */
    private static final class ShardState {
        final String id;
        final String parentId;
        /** The last record handled, or null while none was. */
        String checkpoint;
        /** Closed and read to its end. */
        boolean ended;
        /** Where the next GetRecords reads; null means get one from the position below. */
        String iterator;
        /** A record that failed: reading resumes at it. */
        String retryFrom;
        /** The records after the checkpoint were trimmed: read from the oldest one there is. */
        boolean fromTrimHorizon;
        /** The last attempt was refused as trimmed. */
        boolean trimmed;

        Duration pause = Duration.ZERO;
        long notBeforeNanos = System.nanoTime();

        ShardState(String id, String parentId) {
            this.id = id;
            this.parentId = parentId;
        }
    }
}
