package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicService;
import dev.mq.model.QueueException;
import dev.mq.store.TopicLogRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fans the topic log's stream out to subscriptions. Each record is handled on its own: a record whose
 * delivery failed in the store is reported in {@code batchItemFailures}, so only it and what follows it
 * are retried (copies are idempotent, so the retry never duplicates one); a record that cannot be read
 * at all is logged with its key and skipped, as retrying it cannot help and must not block the shard.
 */
public final class FanoutHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final Logger LOG = Logger.getLogger(FanoutHandler.class.getName());

    private final TopicService topics;

    public FanoutHandler() {
        this(FunctionRuntime.topics());
        Priming.register(() -> FunctionRuntime.service().checkHealth());
    }

    public FanoutHandler(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            if (!"INSERT".equals(record.getEventName()) && !"MODIFY".equals(record.getEventName())) {
                continue; // TTL removals of the log need no fan-out
            }
            String sequence = record.getDynamodb().getSequenceNumber();
            Optional<TopicMessage> message;
            try {
                message = TopicLogRecords.fromImage(record.getDynamodb().getNewImage());
            } catch (RuntimeException unreadable) {
                LOG.log(
                        Level.SEVERE,
                        "skipping unreadable topic-log record " + sequence + " with keys "
                                + record.getDynamodb().getKeys(),
                        unreadable);
                continue;
            }
            try {
                message.ifPresent(m -> topics.fanOut(List.of(m)));
            } catch (QueueException e) {
                LOG.log(Level.WARNING, "fan-out of record " + sequence + " failed; it will be retried", e);
                failures.add(new StreamsEventResponse.BatchItemFailure(sequence));
            }
        }
        return new StreamsEventResponse(failures);
    }
}
