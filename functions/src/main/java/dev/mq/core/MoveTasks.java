package dev.mq.core;

import dev.mq.core.QueueStore.StoredMoveTask;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.logging.Logger;

/**
 * Message move tasks (SQS's StartMessageMoveTask and ListMessageMoveTasks): a redrive of a dead-letter
 * queue ({@link DeadLetters#redrive}) run in passes and recorded, so its progress can be watched.
 *
 * <p>Where a task runs: no caller can be made to wait for a whole queue (the API answers within API
 * Gateway's 29 s), and nothing else runs in the background of a function. So each pass moves for at
 * most {@link QueueService.Settings#moveTaskBudget} and records what it moved: the start runs the first
 * pass; a task that has messages left stays {@code RUNNING}, and the next pass runs on the next start or
 * listing for its source, or on {@link #continueRunning} (which a scheduled function can call). A pass
 * moves in chunks, each a redrive, and adds each chunk's count to the record as soon as it is moved: every
 * move is one transaction (a message is never in two queues, nor in none), two passes side by side never
 * move a message twice, and a pass that dies between a chunk's moves and its count leaves the count short
 * by at most that chunk. A pass whose redrive finds fewer messages than it asked for ends the task
 * {@code COMPLETED}; messages in flight in the source, and those whose queue of origin is gone, stay.
 */
final class MoveTasks {
    private static final Logger LOG = Logger.getLogger(MoveTasks.class.getName());
    /** How long a task's record is kept after it starts and after it ends, as SQS lists tasks of 14 days. */
    static final Duration KEEP = Duration.ofDays(14);

    static final int MAX_PER_SECOND = 500;
    static final int MAX_LISTED = 10;
    /** Messages one redrive of a pass moves at most, when no rate is set: one count write per chunk. */
    private static final int CHUNK = 100;

    private final QueueStore store;
    private final QueueCatalog catalog;
    private final DeadLetters deadLetters;
    private final MessageIds ids;
    private final ToLongFunction<QueueConfig> visibleMessages;
    private final Duration budget;

    MoveTasks(
            QueueStore store,
            QueueCatalog catalog,
            DeadLetters deadLetters,
            MessageIds ids,
            ToLongFunction<QueueConfig> visibleMessages,
            Duration budget) {
        this.store = store;
        this.catalog = catalog;
        this.deadLetters = deadLetters;
        this.ids = ids;
        this.visibleMessages = visibleMessages;
        this.budget = budget;
    }

    MoveTask start(String source, String destination, Integer maxPerSecond) {
        if (maxPerSecond != null && (maxPerSecond < 1 || maxPerSecond > MAX_PER_SECOND)) {
            throw QueueException.invalid("maxPerSecond must be 1 to " + MAX_PER_SECOND);
        }
        QueueConfig from = catalog.requireQueueFresh(source);
        if (catalog.deadLetterSources(source).isEmpty()) {
            throw QueueException.invalid("queue " + source + " is the dead-letter queue of no queue;"
                    + " only a dead-letter queue's messages are moved");
        }
        if (destination != null) {
            QueueConfig to = catalog.requireQueueFresh(destination);
            if (to.fifo() != from.fifo()) {
                throw QueueException.invalid("a move task moves messages between queues of the same kind only");
            }
            if (to.name().equals(from.name())) {
                throw QueueException.invalid("the destination of a move task must be another queue");
            }
        }
        // a running task that nobody continued since gets its pass first: it may end now, leaving room
        Optional<MoveTask> running = running(from).map(this::pass).filter(t -> t.status() == MoveTask.Status.RUNNING);
        if (running.isPresent()) {
            throw alreadyRunning(running.get());
        }
        Instant now = catalog.now();
        String id = ids.next(now);
        MoveTask task = new MoveTask(
                handle(source, id),
                MoveTask.Status.RUNNING,
                source,
                destination,
                maxPerSecond,
                0,
                visibleMessages.applyAsLong(from),
                null,
                now);
        StoredMoveTask stored = new StoredMoveTask(id, from.incarnation(), task);
        Optional<StoredMoveTask> other = store.createMoveTask(stored, now.plus(KEEP));
        if (other.isPresent()) {
            throw alreadyRunning(other.get().task());
        }
        return pass(stored);
    }

    /** The source's tasks, newest first; a running one gets a pass first, so watching it moves it on. */
    List<MoveTask> list(String source, int maxResults) {
        if (maxResults < 1 || maxResults > MAX_LISTED) {
            throw QueueException.invalid("maxResults must be 1 to " + MAX_LISTED);
        }
        QueueConfig from = catalog.requireQueueFresh(source);
        running(from).ifPresent(this::pass);
        return store.moveTasks(source, from.incarnation(), maxResults, catalog.now()).stream()
                .map(StoredMoveTask::task)
                .toList();
    }

    /** A pass of every running task of the deployment; answers how many are still running after it. */
    int continueRunning() {
        int stillRunning = 0;
        for (String source : store.sourcesWithRunningMoveTasks()) {
            Optional<QueueConfig> from = store.getQueue(source);
            Optional<StoredMoveTask> task = store.runningMoveTask(source);
            if (task.isEmpty()) {
                continue;
            }
            if (from.isEmpty() || !from.get().incarnation().equals(task.get().incarnation())) {
                end(task.get(), MoveTask.Status.FAILED, "the source queue " + source + " was deleted");
            } else if (pass(task.get()).status() == MoveTask.Status.RUNNING) {
                stillRunning++;
            }
        }
        return stillRunning;
    }

    /** The source's running task; one left by a deleted queue of the same name is ended FAILED. */
    private Optional<StoredMoveTask> running(QueueConfig from) {
        Optional<StoredMoveTask> running = store.runningMoveTask(from.name());
        if (running.isPresent() && !running.get().incarnation().equals(from.incarnation())) {
            end(running.get(), MoveTask.Status.FAILED, "the source queue " + from.name() + " was deleted");
            return Optional.empty();
        }
        return running;
    }

    /**
     * Moves chunk by chunk until the source has nothing more to move (the task ends COMPLETED) or the
     * budget is spent (it stays RUNNING); with a rate, a chunk is a second's worth and the next waits for
     * the second to end. Answers the task as recorded after the pass.
     */
    private MoveTask pass(StoredMoveTask stored) {
        MoveTask task = stored.task();
        long deadline = System.nanoTime() + budget.toNanos();
        int chunk = task.maxPerSecond() != null ? task.maxPerSecond() : CHUNK;
        try {
            while (true) {
                long chunkStarted = System.nanoTime();
                int moved = deadLetters.redrive(task.source(), task.destination(), chunk);
                if (moved > 0) {
                    store.addMovedMessages(task.source(), stored.id(), moved);
                }
                if (moved < chunk) {
                    end(stored, MoveTask.Status.COMPLETED, null);
                    break;
                }
                long nextChunk = task.maxPerSecond() != null ? chunkStarted + TimeUnit.SECONDS.toNanos(1) : 0;
                if (System.nanoTime() >= deadline || nextChunk > deadline) {
                    break;
                }
                long wait = nextChunk - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (QueueException e) {
            if (e.code() == ErrorCode.QUEUE_NOT_FOUND || e.code() == ErrorCode.INVALID_REQUEST) {
                // the source or the destination is gone, or no longer of the same kind: no pass can go on
                end(stored, MoveTask.Status.FAILED, e.getMessage());
            } else {
                // the store is busy or did not answer: the next pass goes on from here
                LOG.warning(() ->
                        "move task of " + task.source() + " paused (" + e.code().code() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return store.moveTask(task.source(), stored.id())
                .map(StoredMoveTask::task)
                .orElse(task);
    }

    private void end(StoredMoveTask task, MoveTask.Status status, String reason) {
        store.endMoveTask(
                task.task().source(), task.id(), status, reason, catalog.now().plus(KEEP));
    }

    private static QueueException alreadyRunning(MoveTask running) {
        return new QueueException(
                ErrorCode.INVALID_REQUEST,
                "queue " + running.source() + " already has a running move task (" + running.taskHandle()
                        + ", " + running.moved() + " of about " + running.toMove()
                        + " moved); only one runs at a time: list it to follow it");
    }

    /** Names the task by its source and id, so it can be found from the handle alone. */
    static String handle(String source, String id) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((source + "/" + id).getBytes(StandardCharsets.UTF_8));
    }
}
