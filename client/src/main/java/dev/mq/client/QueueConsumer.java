package dev.mq.client;

import dev.mq.model.Responses.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Consumes a queue with a pool of worker threads:
 * <ul>
 *   <li>each worker long-polls for one message at a time and hands it to the {@link Handler};</li>
 *   <li>while the handler works, a heartbeat extends the lease every third of the visibility timeout,
 *       so a slow handler keeps its message however long it takes;</li>
 *   <li>a handler that returns acks the message; one that throws gives it back after a backoff that
 *       grows with the message's {@code receiveCount} (the queue's dead-letter rule then applies);</li>
 *   <li>{@link #close()} stops polling, lets the messages being handled finish and acks them; a long poll
 *       still waiting is abandoned (a message it had just leased comes back after its timeout).</li>
 * </ul>
 * Delivery is at least once: a handler must tolerate seeing a message again.
 */
public final class QueueConsumer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QueueConsumer.class.getName());

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

    /**
     * @param threads            workers, each handling one message at a time
     * @param waitSeconds        long-poll wait per receive (0..20)
     * @param visibilityTimeout  the lease each receive takes, and each heartbeat renews
     * @param retryBase          the first backoff after a failure; it doubles per receive, up to {@code retryMax}
     * @param retryMax           the longest backoff
     */
    public record Settings(int threads, int waitSeconds, Duration visibilityTimeout, Duration retryBase,
                           Duration retryMax) {
        public Settings {
            if (threads < 1 || waitSeconds < 0 || waitSeconds > 20 || visibilityTimeout.toSeconds() < 3) {
                throw new IllegalArgumentException("need threads >= 1, waitSeconds 0..20, visibility >= 3 s");
            }
        }

        public static Settings defaults() {
            return new Settings(4, 20, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));
        }

        public Settings withThreads(int n) {
            return new Settings(n, waitSeconds, visibilityTimeout, retryBase, retryMax);
        }

        public Settings withWaitSeconds(int seconds) {
            return new Settings(threads, seconds, visibilityTimeout, retryBase, retryMax);
        }

        public Settings withVisibilityTimeout(Duration timeout) {
            return new Settings(threads, waitSeconds, timeout, retryBase, retryMax);
        }

        public Settings withRetryBackoff(Duration base, Duration max) {
            return new Settings(threads, waitSeconds, visibilityTimeout, base, max);
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
        for (int i = 0; i < settings.threads(); i++) {
            Worker worker = consumer.new Worker();
            worker.thread = daemon(worker, "mq-consumer-" + queue + "-" + i);
            consumer.workers.add(worker);
            worker.thread.start();
        }
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

    /** Stops polling, waits for the messages in hand to be handled and acked, then returns. */
    @Override
    public void close() {
        close(Duration.ofMinutes(5));
    }

    /** As {@link #close()}, waiting at most {@code grace} for handlers still working. */
    public void close(Duration grace) {
        running.set(false);
        for (Worker worker : workers) {
            worker.stopPolling();
        }
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
            while (running.get()) {
                List<ReceivedMessage> received;
                if (!startPolling()) {
                    return;
                }
                try {
                    received = client.receive(queue, 1, settings.waitSeconds(),
                            (int) settings.visibilityTimeout().toSeconds());
                } catch (MqException e) {
                    if (!running.get()) {
                        return;
                    }
                    LOG.log(Level.WARNING, "receive from " + queue + " failed; trying again", e);
                    pause();
                    continue;
                } finally {
                    stoppedPolling();
                }
                for (ReceivedMessage message : received) {
                    if (running.get()) {
                        handle(message);
                    } else {
                        release(message, 0); // arrived after close(): give it back at once
                    }
                }
            }
        }

        private void handle(ReceivedMessage message) {
            long every = Math.max(1, settings.visibilityTimeout().toMillis() / 3);
            int lease = (int) settings.visibilityTimeout().toSeconds();
            ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(
                    () -> extend(message, lease), every, every, TimeUnit.MILLISECONDS);
            boolean ok;
            try {
                handler.handle(message);
                ok = true;
            } catch (Exception e) {
                // an expected outcome, not a bug here: one line, the stack trace only at FINE
                LOG.warning(() -> "message " + message.messageId() + " of " + queue + " failed (receive "
                        + message.receiveCount() + "): " + e);
                LOG.log(Level.FINE, "handler failure", e);
                ok = false;
            } finally {
                heartbeat.cancel(false);
            }
            if (ok) {
                try {
                    client.ack(queue, message.receiptHandle());
                    acked.incrementAndGet();
                } catch (MqException e) {
                    // LeaseLost: it was received again meanwhile and will be handled again (at least once)
                    LOG.log(Level.WARNING, "ack of message " + message.messageId() + " failed: " + e.getMessage());
                }
            } else {
                failed.incrementAndGet();
                release(message, settings.backoffSeconds(message.receiveCount()));
            }
        }

        private void extend(ReceivedMessage message, int seconds) {
            try {
                client.changeVisibility(queue, message.receiptHandle(), seconds);
            } catch (MqException e) {
                LOG.log(Level.WARNING, "heartbeat of message " + message.messageId() + " failed: " + e.getMessage());
            }
        }

        private void release(ReceivedMessage message, int afterSeconds) {
            try {
                client.changeVisibility(queue, message.receiptHandle(), afterSeconds);
            } catch (MqException e) {
                // it comes back when its lease ends anyway
                LOG.log(Level.FINE, "release of message " + message.messageId() + " failed", e);
            }
        }

        private void pause() {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
