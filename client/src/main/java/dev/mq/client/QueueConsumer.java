package dev.mq.client;

import dev.mq.model.Responses.AckResult;
import dev.mq.model.Responses.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Consumes a queue with a pool of worker threads:
 * <ul>
 *   <li>each worker long-polls for a batch of up to {@link Settings#batchSize()} messages (one request)
 *       and hands them to the {@link Handler} one after another;</li>
 *   <li>a message whose handler returned is acked together with the others of its batch, in one
 *       request, once the batch is done (or, behind a slow handler, after about a second);</li>
 *   <li>until a message is acked or given back, a heartbeat extends its lease every third of the
 *       visibility timeout, so a slow handler keeps its message, and the batch its messages, however
 *       long it takes;</li>
 *   <li>a handler that throws gives its message back after a backoff that grows with the message's
 *       {@code receiveCount} (the queue's dead-letter rule then applies). On a FIFO queue the later
 *       messages of that group in the batch are given back at once, unhandled, so the group keeps its
 *       order;</li>
 *   <li>a failed receive that may pass (throttling, {@code 5xx}, no connection) is retried after a pause
 *       that grows to 30 s; one that will not ({@code 400}, {@code 401}, {@code 403}, {@code 404}, e.g. a
 *       queue that does not exist) stops the consumer: see {@link #stopped()};</li>
 *   <li>{@link #close()} stops polling, lets the messages being handled finish and acks them, and gives
 *       back at once the messages of a batch not yet started; a long poll still waiting is abandoned (a
 *       message it had just leased comes back after its timeout).</li>
 * </ul>
 * Delivery is at least once: a handler must tolerate seeing a message again.
 */
public final class QueueConsumer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QueueConsumer.class.getName());
    /** How long a handled message may wait for the rest of its batch before it is acked anyway. */
    private static final long ACK_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Duration LONGEST_RECEIVE_PAUSE = Duration.ofSeconds(30);

    /** What to do with one message. Throwing means it failed and should come back later. */
    @FunctionalInterface
    public interface Handler {
        void handle(ReceivedMessage message) throws Exception;
    }

    private final MqClient client;
    private final String queue;
    private final Handler handler;
    private final Settings settings;
    private final List<Worker> workers = new ArrayList<>();
    private final ScheduledExecutorService heartbeats;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private final AtomicReference<MqException> stoppedBy = new AtomicReference<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /**
     * @param threads            workers, each handling one message at a time
     * @param waitSeconds        long-poll wait per receive (0..20)
     * @param visibilityTimeout  the lease each receive takes, and each heartbeat renews
     * @param retryBase          the first backoff after a failure; it doubles per receive, up to {@code retryMax}
     * @param retryMax           the longest backoff
     * @param batchSize          messages each receive asks for (1..10); the handled ones are acked in one
     *                           request. Fewer requests cost less; a larger batch holds more messages
     *                           per worker while it works through them.
     */
    public record Settings(
            int threads,
            int waitSeconds,
            Duration visibilityTimeout,
            Duration retryBase,
            Duration retryMax,
            int batchSize) {
        public Settings {
            if (threads < 1
                    || waitSeconds < 0
                    || waitSeconds > 20
                    || visibilityTimeout.toSeconds() < 3
                    || batchSize < 1
                    || batchSize > 10) {
                throw new IllegalArgumentException(
                        "need threads >= 1, waitSeconds 0..20, visibility >= 3 s, batchSize 1..10");
            }
        }

        /** As before batches could be chosen: batches of 10. */
        public Settings(
                int threads, int waitSeconds, Duration visibilityTimeout, Duration retryBase, Duration retryMax) {
            this(threads, waitSeconds, visibilityTimeout, retryBase, retryMax, 10);
        }

        /** 4 workers, 20 s long polls, 30 s leases, backoff 1 s doubling to 5 min, batches of 10. */
        public static Settings defaults() {
            return new Settings(4, 20, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5), 10);
        }

        public Settings withThreads(int n) {
            return new Settings(n, waitSeconds, visibilityTimeout, retryBase, retryMax, batchSize);
        }

        public Settings withWaitSeconds(int seconds) {
            return new Settings(threads, seconds, visibilityTimeout, retryBase, retryMax, batchSize);
        }

        public Settings withVisibilityTimeout(Duration timeout) {
            return new Settings(threads, waitSeconds, timeout, retryBase, retryMax, batchSize);
        }

        public Settings withRetryBackoff(Duration base, Duration max) {
            return new Settings(threads, waitSeconds, visibilityTimeout, base, max, batchSize);
        }

        /** Messages per receive and per ack request, 1..10 (default 10). */
        public Settings withBatchSize(int messages) {
            return new Settings(threads, waitSeconds, visibilityTimeout, retryBase, retryMax, messages);
        }

        /** Whole seconds the message stays hidden after its {@code receiveCount}-th receive failed. */
        int backoffSeconds(int receiveCount) {
            long millis = retryBase.toMillis();
            for (int i = 1; i < receiveCount && millis < retryMax.toMillis(); i++) {
                millis *= 2;
            }
            return (int) Math.max(0, Math.min(Math.min(millis, retryMax.toMillis()) / 1000, 43_200));
        }
    }

    private QueueConsumer(MqClient client, String queue, Handler handler, Settings settings) {
        this.client = client;
        this.queue = queue;
        this.handler = handler;
        this.settings = settings;
        // one heartbeat thread per worker: a slow lease extension must not hold up the others
        this.heartbeats = Executors.newScheduledThreadPool(settings.threads(), r -> daemon(r, "mq-heartbeat-" + queue));
    }

    /** Starts the workers at once. */
    public static QueueConsumer start(MqClient client, String queue, Settings settings, Handler handler) {
        QueueConsumer consumer = new QueueConsumer(client, queue, handler, settings);
        consumer.liveWorkers.set(settings.threads());
        for (int i = 0; i < settings.threads(); i++) {
            Worker worker = consumer.new Worker();
            worker.thread = daemon(worker, "mq-consumer-" + queue + "-" + i);
            consumer.workers.add(worker);
        }
        consumer.workers.forEach(w -> w.thread.start());
        return consumer;
    }

    /** Messages handled and acked so far. */
    public long acked() {
        return acked.get();
    }

    /** Handler failures so far (each message given back for a later try). */
    public long failed() {
        return failed.get();
    }

    /**
     * Completes once every worker has stopped. After {@link #close()} it completes normally. When a
     * receive fails with an error that retrying cannot mend ({@code 400}, {@code 401}, {@code 403},
     * {@code 404}: e.g. {@link MqException.QueueNotFound} for a queue that does not exist or was deleted,
     * {@link MqException.Unauthorized} for a wrong token), the consumer stops by itself, logs one line,
     * and this completes exceptionally with that {@link MqException}. So a program that only consumes
     * waits on it:
     * <pre>{@code
     * try (QueueConsumer consumer = QueueConsumer.start(mq, "orders", settings, handler)) {
     *     consumer.stopped().join();   // throws CompletionException(cause: the MqException) if it stopped by itself
     * }
     * }</pre>
     * or reacts to it: {@code consumer.stopped().whenComplete((done, error) -> ...)}. Completing the
     * returned future has no effect on the consumer.
     */
    public CompletableFuture<Void> stopped() {
        return stopped.copy();
    }

    /** Stops polling, waits for the messages in hand to be handled and acked, then returns. */
    @Override
    public void close() {
        close(Duration.ofMinutes(5));
    }

    /** As {@link #close()}, waiting at most {@code grace} for handlers still working. */
    public void close(Duration grace) {
        stopPolling();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Worker worker : workers) {
            try {
                worker.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        heartbeats.shutdownNow();
    }

    private void stopPolling() {
        running.set(false);
        for (Worker worker : workers) {
            worker.stopPolling();
        }
    }

    /** An error that the same receive would meet again however often it is retried. */
    private static boolean stopsTheConsumer(MqException e) {
        return e.status() >= 400 && e.status() < 500 && e.status() != 429;
    }

    private void stopOn(MqException e) {
        if (stoppedBy.compareAndSet(null, e)) {
            LOG.warning(() -> "stopped consuming " + queue + ": " + e.code().code() + ": " + e.getMessage());
        }
        stopPolling();
    }

    private void workerStopped() {
        if (liveWorkers.decrementAndGet() == 0) {
            heartbeats.shutdownNow();
            MqException cause = stoppedBy.get();
            if (cause == null) {
                stopped.complete(null);
            } else {
                stopped.completeExceptionally(cause);
            }
        }
    }

    private final class Worker implements Runnable {
        private boolean polling;
        Thread thread;

        /** Abandons a long poll in progress; a handler at work is never interrupted. */
        synchronized void stopPolling() {
            if (polling) {
                thread.interrupt();
            }
        }

        /** False once the consumer is closing: then no poll starts. */
        private synchronized boolean startPolling() {
            polling = running.get();
            return polling;
        }

        private synchronized void stoppedPolling() {
            polling = false;
            Thread.interrupted(); // an interrupt meant for the poll must not reach the handler
        }

        @Override
        public void run() {
            try {
                int failuresInARow = 0;
                while (startPolling()) {
                    List<ReceivedMessage> received;
                    try {
                        received = client.receive(queue, settings.batchSize(), settings.waitSeconds(), (int)
                                settings.visibilityTimeout().toSeconds());
                        failuresInARow = 0;
                    } catch (MqException e) {
                        if (!running.get()) {
                            return;
                        }
                        if (stopsTheConsumer(e)) {
                            stopOn(e);
                            return;
                        }
                        Duration pause = receivePause(++failuresInARow);
                        // an outage, not a bug here: one line, the stack trace only at FINE
                        LOG.warning(() -> "receive from " + queue + " failed (" + e.getMessage() + "); trying again in "
                                + pause.toSeconds() + " s");
                        LOG.log(Level.FINE, "receive failure", e);
                        sleep(pause); // still "polling": close() cuts the pause short
                        continue;
                    } finally {
                        stoppedPolling();
                    }
                    new Batch(received).work();
                }
            } finally {
                workerStopped();
            }
        }

        /** 1 s, 2 s, 4 s ... up to 30 s while receives keep failing. */
        private Duration receivePause(int failuresInARow) {
            long seconds = 1L << Math.min(failuresInARow - 1, 5);
            return Duration.ofSeconds(Math.min(seconds, LONGEST_RECEIVE_PAUSE.toSeconds()));
        }

        private void sleep(Duration pause) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close(): the loop ends as running is false
            }
        }
    }

    /** One receive's messages, worked through in order by one worker. */
    private final class Batch {
        private final List<ReceivedMessage> messages;
        /** Received and neither acked nor given back yet: the heartbeat keeps these leased. */
        private final Set<ReceivedMessage> held = new HashSet<>();

        private final List<ReceivedMessage> toAck = new ArrayList<>();
        private long firstToAckAt;

        Batch(List<ReceivedMessage> messages) {
            this.messages = messages;
            held.addAll(messages); // published to the heartbeat thread by scheduling it
        }

        void work() {
            if (messages.isEmpty()) {
                return;
            }
            long every = Math.max(1, settings.visibilityTimeout().toMillis() / 3);
            ScheduledFuture<?> heartbeat;
            try {
                heartbeat = heartbeats.scheduleAtFixedRate(this::extendAll, every, every, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closedPastItsGrace) {
                heartbeat = null;
            }
            try {
                Set<String> failedGroups = new HashSet<>();
                for (ReceivedMessage message : messages) {
                    if (!running.get() || (message.groupId() != null && failedGroups.contains(message.groupId()))) {
                        // closing, or behind a failed message of its group: back at once, unhandled
                        release(message, 0);
                        continue;
                    }
                    if (handle(message)) {
                        if (toAck.isEmpty()) {
                            firstToAckAt = System.nanoTime();
                        }
                        toAck.add(message);
                    } else {
                        failed.incrementAndGet();
                        if (message.groupId() != null) {
                            failedGroups.add(message.groupId());
                        }
                        release(message, settings.backoffSeconds(message.receiveCount()));
                    }
                    if (!toAck.isEmpty() && System.nanoTime() - firstToAckAt >= ACK_DELAY_NANOS) {
                        ackHandled();
                    }
                }
                ackHandled();
            } finally {
                if (heartbeat != null) {
                    heartbeat.cancel(false);
                }
            }
        }

        private boolean handle(ReceivedMessage message) {
            try {
                handler.handle(message);
                return true;
            } catch (Exception e) {
                // an expected outcome, not a bug here: one line, the stack trace only at FINE
                LOG.warning(() -> "message " + message.messageId() + " of " + queue + " failed (receive "
                        + message.receiveCount() + "): " + e);
                LOG.log(Level.FINE, "handler failure", e);
                return false;
            }
        }

        /** Acks the handled messages in one request; one that fails comes back (at least once). */
        private void ackHandled() {
            if (toAck.isEmpty()) {
                return;
            }
            forget(toAck);
            try {
                List<AckResult> results = client.ackBatch(
                        queue,
                        toAck.stream().map(ReceivedMessage::receiptHandle).toList());
                for (int i = 0; i < results.size() && i < toAck.size(); i++) {
                    AckResult result = results.get(i);
                    if (Boolean.TRUE.equals(result.ok())) {
                        acked.incrementAndGet();
                    } else {
                        // LeaseLost: it was received again meanwhile and will be handled again
                        String id = toAck.get(i).messageId();
                        LOG.warning(() -> "ack of message " + id + " of " + queue + " failed: "
                                + (result.error() == null
                                        ? "no reason given"
                                        : result.error().code() + ": "
                                                + result.error().message()));
                    }
                }
            } catch (MqException e) {
                LOG.warning(() -> "ack of " + toAck.size() + " messages of " + queue + " failed; they come back "
                        + "after their lease: " + e.getMessage());
            } finally {
                toAck.clear();
            }
        }

        /**
         * Renews the lease of every message held. Under the batch's lock, so that an extension never lands
         * after the message was acked or given back (it would hide a released message for a whole lease).
         */
        private synchronized void extendAll() {
            int lease = (int) settings.visibilityTimeout().toSeconds();
            for (ReceivedMessage message : held) {
                try {
                    client.changeVisibility(queue, message.receiptHandle(), lease);
                } catch (MqException e) {
                    LOG.warning(() -> "heartbeat of message " + message.messageId() + " failed: " + e.getMessage());
                }
            }
        }

        /** No more heartbeats for these; waits for one under way. */
        private synchronized void forget(List<ReceivedMessage> done) {
            done.forEach(held::remove);
        }

        private void release(ReceivedMessage message, int afterSeconds) {
            forget(List.of(message));
            try {
                client.changeVisibility(queue, message.receiptHandle(), afterSeconds);
            } catch (MqException e) {
                // it comes back when its lease ends anyway
                LOG.log(Level.FINE, "release of message " + message.messageId() + " failed", e);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
