package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.mq.core.Consumer;
import dev.mq.core.ConsumerDirectory;
import dev.mq.core.QueueService;
import dev.mq.delivery.PushDelivery;
import dev.mq.delivery.PushInvoker;
import dev.mq.delivery.PushScheduler;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The push function's two events, read as the Lambda runtime reads them: the schedule's sweeps every
 * consumer, the stream's wakes the consumers of queues where messages became visible; a directory that
 * cannot be read fails the stream batch (to be retried), never the sweep.
 */
class PushHandlerTest {
    static final PojoSerializer<DynamodbEvent> EVENTS =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, PushHandlerTest.class.getClassLoader());
    static final Clock AFTER_THE_SEND = Clock.fixed(Instant.ofEpochMilli(1764928800000L + 1), ZoneOffset.UTC);

    /** Records which reads the scheduler made of the directory: {@code all} for both wake-ups. */
    static final class Directory implements ConsumerDirectory {
        final List<String> reads = new ArrayList<>();
        boolean failing;

        @Override
        public List<Consumer> consumersOf(String queue) {
            reads.add("of " + queue);
            return List.of();
        }

        @Override
        public List<Consumer> all() {
            if (failing) {
                throw new QueueException(ErrorCode.UNAVAILABLE, "the catalog is unavailable");
            }
            reads.add("all");
            return List.of();
        }
    }

    @Test
    void theScheduledEvent_sweeps() throws Exception {
        Directory directory = new Directory();
        StreamsEventResponse response = handler(directory).handleRequest(event("scheduled-event.json"), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(directory.reads).containsExactly("all");
    }

    @Test
    void aStreamBatch_wakesOnlyWhenAMessageBecameVisible() throws Exception {
        Directory directory = new Directory();
        StreamsEventResponse response = handler(directory).handleRequest(event("messages-stream-send.json"), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(directory.reads).containsExactly("all");

        Directory early = new Directory();
        PushHandler beforeVisible = new PushHandler(
                new PushScheduler(early, delivery()),
                Clock.fixed(Instant.ofEpochMilli(1764928799000L), ZoneOffset.UTC));
        beforeVisible.handleRequest(event("messages-stream-send.json"), null);
        assertThat(early.reads).isEmpty();
    }

    @Test
    void aDirectoryThatCannotBeRead_failsTheStreamBatch_butNotTheSweep() throws Exception {
        Directory directory = new Directory();
        directory.failing = true;
        PushHandler push = handler(directory);
        assertThat(push.handleRequest(event("messages-stream-send.json"), null).getBatchItemFailures())
                .singleElement()
                .satisfies(f -> assertThat(f.getItemIdentifier()).isEqualTo("111"));
        assertThat(push.handleRequest(event("scheduled-event.json"), null).getBatchItemFailures())
                .isEmpty();
    }

    private static PushHandler handler(ConsumerDirectory directory) {
        return new PushHandler(new PushScheduler(directory, delivery()), AFTER_THE_SEND);
    }

    /** Never reached: these directories list no consumers. */
    private static PushDelivery delivery() {
        PushInvoker none = (consumer, event) -> new PushInvoker.Result.Failed("unused");
        return new PushDelivery((QueueService) null, none, none, PushDelivery.EventSource.local(), Clock.systemUTC());
    }

    private static DynamodbEvent event(String name) throws Exception {
        try (InputStream in = PushHandlerTest.class.getResourceAsStream("/events/" + name)) {
            return EVENTS.fromJson(in);
        }
    }
}
