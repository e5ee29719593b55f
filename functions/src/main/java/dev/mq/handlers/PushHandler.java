package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.mq.delivery.PushScheduler;
import dev.mq.model.QueueException;
import dev.mq.store.MessageArrivals;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Push delivery in AWS, one function for both of its wake-ups: the messages table's stream (records that
 * may make a message visible; the event source mapping filters the rest out) wakes the consumers of the
 * queues where messages became visible, and the once-a-minute schedule (an EventBridge event, which has
 * no {@code Records}) sweeps every consumer for delayed messages coming due and leases that ran out.
 * Either way it then waits until its rounds are done or its time runs low, and returns.
 *
 * <p>Each consumer runs in its own lane ({@link PushScheduler}) and a consumer's failure stays there: the
 * batch is left for redelivery, never reported against the stream, so one failing consumer does not hold
 * a shard. Only when the consumers cannot be read at all is the batch reported failed (its first record),
 * to be tried again; the sweep would find those messages within a minute anyway.
 */
public final class PushHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final Logger LOG = Logger.getLogger(PushHandler.class.getName());
    /** Room to return after the wait: a round still running when time runs out finishes in a later invocation. */
    static final long RESERVE_MILLIS = 5_000;
    /** The wait when there is no Lambda context (a test, a local run). */
    static final Duration UNTIMED_BUDGET = Duration.ofMinutes(1);

    private final PushScheduler scheduler;
    private final Clock clock;

    public PushHandler() {
        this(FunctionRuntime.pushScheduler(), Clock.systemUTC());
        Priming.register(() -> FunctionRuntime.consumerDirectory().all());
    }

    public PushHandler(PushScheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null ? null : event.getRecords();
        try {
            if (records == null) {
                scheduler.sweep();
            } else {
                scheduler.arrived(MessageArrivals.visibleIn(records, clock.instant()));
            }
        } catch (QueueException e) {
            if (records == null || records.isEmpty()) {
                LOG.log(Level.WARNING, "the push sweep could not read the consumers; the next one retries", e);
                return new StreamsEventResponse(List.of());
            }
            String first = records.get(0).getDynamodb().getSequenceNumber();
            LOG.log(Level.WARNING, "waking push consumers failed at " + first + "; the batch will be retried", e);
            return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(first)));
        }
        try {
            if (!scheduler.awaitIdle(budget(context))) {
                LOG.info("push rounds still running at the end of the invocation; they resume in a later one");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new StreamsEventResponse(List.of());
    }

    private static Duration budget(Context context) {
        if (context == null) {
            return UNTIMED_BUDGET;
        }
        return Duration.ofMillis(Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MILLIS));
    }
}
