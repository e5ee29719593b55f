package dev.mq.delivery;

import dev.mq.core.DeliveryJob;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.core.Subscription;
import dev.mq.core.TopicService;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Posts endpoint deliveries from the internal {@link TopicService#DELIVERY_QUEUE}. Each received job is
 * one attempt: its subscription is read afresh (a job whose subscription is gone is dropped), the
 * endpoint is checked again (DNS may now answer a refused address; that attempt fails without a
 * request), the payload is posted with its signature, and then the job is
 * <ul>
 *   <li>acknowledged after a 2xx answer;</li>
 *   <li>hidden for the backoff delay after any other outcome, so the queue hands it out again when it is
 *       due, with its {@code receiveCount} as the attempt number;</li>
 *   <li>dead-lettered through {@link TopicService#deadLetter} and acknowledged when the attempt that
 *       failed was the last of the budget.</li>
 * </ul>
 * A worker that stops mid-attempt leaves its jobs leased; they come back when the lease ends and count
 * that attempt. Acknowledgement follows the POST, so a receiver may see a payload twice (at least once):
 * it deduplicates by {@code messageId}. Logs name message ids and subscriptions, never payloads,
 * endpoints or secrets.
 */
public final class DeliveryWorker {
    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class.getName());
    /** Jobs taken per receive; their attempts run at the same time. */
    static final int BATCH = 10;
    /** How long to wait before polling again after the queue was missing or the store failed. */
    private static final long PAUSE_MILLIS = 1_000;

    /**
     * The retry policy.
     *
     * @param baseDelay   the pause after the first failed attempt; it doubles with each further one
     * @param maxDelay    the longest pause
     * @param maxAttempts the retry budget: attempts before the payload goes to the dead-letter queue
     * @param waitSeconds how long one receive of {@link #runWhile} waits for a job (long poll)
     */
    public record Settings(Duration baseDelay, Duration maxDelay, int maxAttempts, int waitSeconds) {
        public Settings {
            if (baseDelay.isNegative()
                    || baseDelay.isZero()
                    || maxDelay.compareTo(baseDelay) < 0
                    || maxDelay.toSeconds() > QueueAttributes.MAX_VISIBILITY_TIMEOUT) {
                throw new IllegalArgumentException(
                        "need 0 < baseDelay <= maxDelay <= " + QueueAttributes.MAX_VISIBILITY_TIMEOUT + " s");
            }
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new IllegalArgumentException("maxAttempts must be 1..1000, not " + maxAttempts);
            }
            if (waitSeconds < 0 || waitSeconds > QueueAttributes.MAX_WAIT) {
                throw new IllegalArgumentException("waitSeconds must be 0.." + QueueAttributes.MAX_WAIT);
            }
        }

        /** 1 s doubling to 15 min, 8 attempts: about 4 minutes of retries in all. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), Duration.ofMinutes(15), 8, 20);
        }

        public Settings withMaxAttempts(int attempts) {
            return new Settings(baseDelay, maxDelay, attempts, waitSeconds);
        }

        /**
         * The pause after failed attempt {@code attempt} (1 for the first): the exponential delay
         * {@code baseDelay * 2^(attempt-1)}, capped at {@code maxDelay}, with equal jitter (half of it
         * fixed, half random by {@code jitter} in [0, 1)), so failures at one moment do not retry in
         * step. Whole seconds, at least one: that is what a queue's visibility takes.
         */
        public int delaySecondsAfter(int attempt, double jitter) {
            long base = baseDelay.toMillis();
            long cap = maxDelay.toMillis();
            long exponential = base;
            for (int i = 1; i < attempt && exponential < cap; i++) {
                exponential *= 2; // stops at the cap, so never overflows
            }
            exponential = Math.min(exponential, cap);
            long half = exponential / 2;
            long millis = exponential - half + (long) (half * Math.min(Math.max(jitter, 0), 1));
            return (int) Math.max(1, (millis + 999) / 1000);
        }
    }

    private final TopicService topics;
    private final QueueService queues;
    private final EndpointDeliverer deliverer;
    private final Settings settings;
    /** A job's lease covers its attempt with room to spare; a worker that dies frees it after this. */
    private final int leaseSeconds;

    public DeliveryWorker(TopicService topics, QueueService queues, EndpointDeliverer deliverer, Settings settings) {
        this.topics = topics;
        this.queues = queues;
        this.deliverer = deliverer;
        this.settings = settings;
        this.leaseSeconds = (int) Math.max(60, deliverer.longestAttempt().toSeconds() + 30);
    }

    /**
     * One round: receives up to {@value #BATCH} due jobs, waiting up to {@code waitSeconds} for one,
     * attempts them all at once, and settles each. Answers how many jobs it took. Store failures are
     * thrown, {@code QueueNotFound} too while no delivery was ever enqueued.
     */
    public int pollOnce(int waitSeconds) throws InterruptedException {
        List<ReceivedMessage> jobs =
                queues.receive(TopicService.DELIVERY_QUEUE, new ReceiveOptions(BATCH, waitSeconds, leaseSeconds));
        List<Attempt> attempts = new ArrayList<>();
        for (ReceivedMessage job : jobs) {
            attempts.add(start(job));
        }
        for (Attempt attempt : attempts) {
            settle(attempt);
        }
        return jobs.size();
    }

    /** Long-polls and delivers until {@code keepGoing} says no or the thread is interrupted. */
    public void runWhile(BooleanSupplier keepGoing) {
        while (keepGoing.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            try {
                pollOnce(settings.waitSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!keepGoing.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    return; // stopping: the store may already be closed
                }
                if (!(e instanceof QueueException q && q.code() == ErrorCode.QUEUE_NOT_FOUND)) {
                    LOG.log(Level.WARNING, "endpoint delivery round failed; polling again shortly", e);
                }
                if (!pause()) {
                    return;
                }
            }
        }
    }

    /**
     * Delivers what is due, without waiting for more: for a function run on a schedule. Stops when a
     * round finds nothing, when the delivery queue does not exist yet, or when {@code keepGoing} says no.
     */
    public void drain(BooleanSupplier keepGoing) throws InterruptedException {
        try {
            while (keepGoing.getAsBoolean() && pollOnce(0) > 0) {
                // next round
            }
        } catch (QueueException e) {
            if (e.code() != ErrorCode.QUEUE_NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Runs {@link #runWhile} on a daemon thread until the answer is closed (the local server). */
    public Background startInBackground() {
        return new Background(this);
    }

    /** A worker on its own thread. */
    public static final class Background implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stopped;

        private Background(DeliveryWorker worker) {
            thread = new Thread(() -> worker.runWhile(() -> !stopped), "mq-endpoint-delivery");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops polling; an attempt under way is abandoned and its job comes back when its lease ends. */
        @Override
        public void close() {
            stopped = true;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- one attempt

    /** A received job and how its attempt goes; a null subscription means the job is void. */
    private record Attempt(
            ReceivedMessage received,
            DeliveryJob job,
            Subscription subscription,
            CompletableFuture<EndpointDeliverer.Outcome> outcome) {}

    private Attempt start(ReceivedMessage received) {
        DeliveryJob job;
        try {
            job = DeliveryJob.parse(received.body());
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "delivery job " + received.messageId() + " cannot be read; it is dropped");
            return new Attempt(received, null, null, null);
        }
        try {
            Optional<Subscription> target = topics.deliveryTarget(job);
            if (target.isEmpty()) {
                LOG.fine(() -> "message " + job.payload().messageId() + ": subscription " + job.topic() + "/"
                        + job.subscription() + " is gone; its delivery is dropped");
                return new Attempt(received, job, null, null);
            }
            Subscription subscription = target.get();
            if (received.receiveCount() > settings.maxAttempts()) {
                // an earlier worker stopped during the last attempt: the budget is spent
                return new Attempt(
                        received,
                        job,
                        subscription,
                        CompletableFuture.completedFuture(EndpointDeliverer.Outcome.failed("retry budget spent")));
            }
            URI endpoint;
            try {
                endpoint = topics.checkEndpoint(subscription);
            } catch (QueueException refused) {
                return new Attempt(
                        received,
                        job,
                        subscription,
                        CompletableFuture.completedFuture(
                                EndpointDeliverer.Outcome.failed("endpoint refused: " + refused.getMessage())));
            }
            byte[] body = job.payloadBytes();
            return new Attempt(
                    received,
                    job,
                    subscription,
                    deliverer.post(endpoint, body, Signatures.sign(subscription.secret(), body)));
        } catch (QueueException e) {
            // the store failed: leave the job to its lease, it comes back and counts this as an attempt
            LOG.log(Level.WARNING, "delivery job " + received.messageId() + " not attempted: " + e.getMessage(), e);
            return new Attempt(received, job, null, CompletableFuture.completedFuture(null));
        }
    }

    private void settle(Attempt attempt) throws InterruptedException {
        ReceivedMessage received = attempt.received();
        try {
            if (attempt.outcome() == null) {
                ack(received); // void job
                return;
            }
            EndpointDeliverer.Outcome outcome = attempt.outcome().get();
            if (outcome == null) {
                return; // not attempted; the lease runs out
            }
            String what = "message " + attempt.job().payload().messageId() + " to subscription "
                    + attempt.subscription().topic() + "/"
                    + attempt.subscription().name();
            int number = received.receiveCount();
            if (outcome.delivered()) {
                ack(received);
                LOG.fine(() -> "delivered " + what + " (attempt " + number + ")");
            } else if (number >= settings.maxAttempts()) {
                boolean kept = topics.deadLetter(attempt.subscription(), attempt.job());
                ack(received);
                LOG.warning(() -> "gave up delivering " + what + " after " + settings.maxAttempts() + " attempts ("
                        + outcome.detail() + ")" + (kept ? "; it is in the dead-letter queue" : ""));
            } else {
                int delay = settings.delaySecondsAfter(number, jitter());
                queues.changeVisibility(TopicService.DELIVERY_QUEUE, received.receiptHandle(), delay);
                LOG.info(() -> "attempt " + number + " of " + settings.maxAttempts() + " to deliver " + what
                        + " failed (" + outcome.detail() + "); next in " + delay + " s");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a delivery attempt failed unexpectedly", e.getCause());
        } catch (QueueException e) {
            // ack or visibility change failed: the lease runs out and the job comes back
            LOG.log(Level.WARNING, "delivery job " + received.messageId() + " not settled: " + e.getMessage(), e);
        }
    }

    private void ack(ReceivedMessage received) {
        queues.ack(TopicService.DELIVERY_QUEUE, received.receiptHandle());
    }

    /** Fresh per call, not from a generator seeded at init (SnapStart would give every copy its sequence). */
    private static double jitter() {
        return (UUID.randomUUID().getLeastSignificantBits() >>> 11) * 0x1.0p-53;
    }

    private static boolean pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
