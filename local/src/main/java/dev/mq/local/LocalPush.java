package dev.mq.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.mq.core.ConsumerDirectory;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.QueueService;
import dev.mq.delivery.EndpointDeliverer;
import dev.mq.delivery.EndpointInvoker;
import dev.mq.delivery.PushDelivery;
import dev.mq.delivery.PushInvoker;
import dev.mq.delivery.PushScheduler;
import dev.mq.store.MessageArrivals;
import dev.mq.store.Tables;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Push delivery on a laptop, run as in AWS: a reader of the messages table's stream wakes the consumers
 * of queues where messages became visible (as the stream's Lambda would), and a sweep every
 * {@link #SWEEP_INTERVAL} wakes every consumer for delayed messages coming due and leases that ran out
 * (in AWS once a minute; here often, since it costs nothing and a laptop user is watching). Only endpoint
 * consumers run here: a function consumer's batches fail, and stay leased, with a note to use an endpoint.
 */
final class LocalPush implements AutoCloseable {
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(LocalPush.class.getName());

    /** No consumers (until they are stored). */
    static final ConsumerDirectory NO_CONSUMERS = new ConsumerDirectory() {
        @Override
        public List<dev.mq.core.Consumer> consumersOf(String queue) {
            return List.of();
        }

        @Override
        public List<dev.mq.core.Consumer> all() {
            return List.of();
        }
    };

    private final PushScheduler scheduler;
    private final StreamPoller arrivals;
    private final ScheduledExecutorService sweeps;

    private LocalPush(PushScheduler scheduler, StreamPoller arrivals, ScheduledExecutorService sweeps) {
        this.scheduler = scheduler;
        this.arrivals = arrivals;
        this.sweeps = sweeps;
    }

    static LocalPush start(
            EmbeddedDynamoDb dynamoDb,
            Tables tables,
            QueueService queues,
            ConsumerDirectory consumers,
            EndpointPolicy endpoints) {
        PushInvoker noFunctions = (consumer, event) ->
                new PushInvoker.Result.Failed("function consumers do not run on the local server; use an endpoint");
        PushDelivery delivery = new PushDelivery(
                queues,
                new EndpointInvoker(new EndpointDeliverer(), endpoints),
                noFunctions,
                PushDelivery.EventSource.local(),
                Clock.systemUTC());
        PushScheduler scheduler = new PushScheduler(consumers, delivery);
        StreamPoller arrivals = StreamPoller.startAnotherReader(
                dynamoDb.streams(),
                dynamoDb.client(),
                tables.messages(),
                tables.catalog(),
                new Signals(scheduler),
                "mq-push",
                StreamPoller.Pacing.PROMPT);
        ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mq-push-sweep");
            thread.setDaemon(true);
            return thread;
        });
        long millis = SWEEP_INTERVAL.toMillis();
        sweeps.scheduleWithFixedDelay(() -> sweep(scheduler), millis, millis, TimeUnit.MILLISECONDS);
        return new LocalPush(scheduler, arrivals, sweeps);
    }

    private static void sweep(PushScheduler scheduler) {
        // an exception escaping a scheduled task would cancel every later run
        try {
            scheduler.sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "push sweep failed; the next one retries", e);
        }
    }

    /** The stream's records, read for arrivals; a wake-up is best effort, the sweep catches what it misses. */
    private static final class Signals implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        private final PushScheduler scheduler;

        Signals(PushScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            try {
                scheduler.arrived(MessageArrivals.visibleIn(
                        event.getRecords(), Clock.systemUTC().instant()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "waking push consumers failed; the sweep will", e);
            }
            return new StreamsEventResponse(List.of());
        }
    }

    /** Stops reading and sweeping, then the rounds under way (their batches come back after their timeout). */
    @Override
    public void close() {
        arrivals.close();
        sweeps.shutdownNow();
        try {
            sweeps.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.close();
    }
}
