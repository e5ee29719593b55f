package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.FailingCalls;
import dev.mq.testing.LocalDynamoDb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The stream handler fed DynamoDB stream events made from the topic log's real items. */
class FanoutHandlerTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final FailingCalls COPIES = new FailingCalls("TransactWriteItemsRequest");
    static DynamoDbClient faulty;
    Tables tables;
    QueueService queues;
    TopicService topics;

    @BeforeAll
    static void start() {
        faulty = LocalDynamoDb.client(
                db.endpoint(),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(COPIES)
                        .build());
    }

    @AfterAll
    static void stop() {
        faulty.close();
    }

    @BeforeEach
    void fresh() {
        tables = db.freshTables();
        Services services = Services.over(faulty, tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .endpoints(new EndpointPolicy(true, false))
                .build();
        queues = services.queues();
        topics = services.topics();
        queues.createQueue("inbox", QueueAttributes.defaults());
        topics.createTopic("news");
        topics.subscribe("news", "inbox", Wire.subscriptionSpec("{\"queue\": \"inbox\"}"));
    }

    private void publish(String body) throws InterruptedException {
        Thread.sleep(2); // published strictly after the subscription was created
        topics.publish("news", new MessageToSend(body, Map.of(), null, null, null, null));
    }

    /** The topic log's items as a stream batch of INSERT records, in the order read. */
    private DynamodbEvent streamOfLog() {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        int sequence = 100;
        for (Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item :
                db.client().scan(r -> r.tableName(tables.topicLog())).items()) {
            records.add(insert(Integer.toString(sequence++), image(item)));
        }
        records.sort((a, b) -> a.getDynamodb()
                .getNewImage()
                .get("mid")
                .getS()
                .compareTo(b.getDynamodb().getNewImage().get("mid").getS()));
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord insert(String sequence, Map<String, AttributeValue> image) {
        StreamRecord data = new StreamRecord();
        data.setSequenceNumber(sequence);
        data.setNewImage(image);
        data.setKeys(Map.of("pk", image.get("pk"), "sk", image.get("sk")));
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("INSERT");
        record.setEventSource("aws:dynamodb");
        record.setDynamodb(data);
        return record;
    }

    private static Map<String, AttributeValue> image(
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, AttributeValue> image = new HashMap<>();
        item.forEach((k, v) -> {
            AttributeValue a = new AttributeValue();
            if (v.s() != null) {
                a.setS(v.s());
            } else if (v.n() != null) {
                a.setN(v.n());
            } else if (v.hasM()) {
                a.setM(image(v.m()));
            }
            image.put(k, a);
        });
        return image;
    }

    private List<String> inbox() {
        return queues.browse("inbox", 100, null).items().stream()
                .map(m -> m.body())
                .toList();
    }

    @Test
    void batch_isFannedOut_andAReplayWritesNoSecondCopy() throws Exception {
        publish("a");
        publish("b");
        FanoutHandler handler = new FanoutHandler(topics);

        assertThat(handler.handleRequest(streamOfLog(), null).getBatchItemFailures())
                .isEmpty();
        assertThat(handler.handleRequest(streamOfLog(), null).getBatchItemFailures())
                .isEmpty();
        assertThat(inbox()).containsExactly("a", "b");
    }

    @Test
    void unreadableRecord_isSkipped_andDoesNotBlockTheOthers() throws Exception {
        publish("a");
        DynamodbEvent event = streamOfLog();
        Map<String, AttributeValue> poisoned =
                new HashMap<>(event.getRecords().get(0).getDynamodb().getNewImage());
        poisoned.remove("body");
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        records.add(insert("1", poisoned));
        records.addAll(event.getRecords());
        event.setRecords(records);

        StreamsEventResponse response = new FanoutHandler(topics).handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(inbox()).containsExactly("a");
    }

    @Test
    void storeFailure_reportsTheRecordForRetry_andTheRetryDelivers() throws Exception {
        publish("a");
        DynamodbEvent event = streamOfLog();
        COPIES.failFromCall(1);
        StreamsEventResponse failed;
        try {
            failed = new FanoutHandler(topics).handleRequest(event, null);
        } finally {
            COPIES.heal();
        }
        assertThat(failed.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getDynamodb().getSequenceNumber());
        assertThat(inbox()).isEmpty();

        assertThat(new FanoutHandler(topics).handleRequest(event, null).getBatchItemFailures())
                .isEmpty();
        assertThat(inbox()).containsExactly("a");
    }
}
