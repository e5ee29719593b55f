package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.mq.model.QueueException;
import dev.mq.store.MessageCounts;
import dev.mq.store.MessageCountsRecords;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps each queue's message counts from the messages table's stream: one update per queue per batch.
 * When the store fails, the whole batch is reported failed and comes again; what it counted before is
 * not counted twice (see {@link MessageCounts}).
 */
public final class CountsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final Logger LOG = Logger.getLogger(CountsHandler.class.getName());

    private final MessageCounts counts;
    private final Clock clock;

    public CountsHandler() {
        this(FunctionRuntime.counts(), Clock.systemUTC());
        Priming.register(() -> FunctionRuntime.counts().read("priming"));
    }

    public CountsHandler(MessageCounts counts, Clock clock) {
        this.counts = counts;
        this.clock = clock;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords();
        if (records == null || records.isEmpty()) {
            return new StreamsEventResponse(List.of());
        }
        try {
            counts.count(records.stream().map(MessageCountsRecords::change).toList(), clock.instant());
            return new StreamsEventResponse(List.of());
        } catch (QueueException e) {
            String first = records.get(0).getDynamodb().getSequenceNumber();
            LOG.log(
                    Level.WARNING,
                    "counting a batch of " + records.size() + " records from " + first + " failed; it will be retried",
                    e);
            return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(first)));
        }
    }
}
