package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.BrowsedMessage;
import dev.mq.core.Consumer;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Services;
import dev.mq.testing.LocalDynamoDb;
import dev.mq.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One push delivery round at a time, over DynamoDB Local and a real HTTP endpoint on loopback: what the
 * consumer gets, and what its answer leaves leased. The clock is moved by hand past visibility timeouts.
 */
class PushDeliveryTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final byte[] RECEIPT_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String SECRET = "consumer-secret";

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    QueueService queues;
    PushReceiver receiver;
    PushDelivery delivery;

    @BeforeEach
    void fresh() throws Exception {
        queues = Services.over(db.client(), db.freshTables())
                .clock(clock)
                .receiptKey(RECEIPT_KEY)
                .build()
                .queues();
        receiver = new PushReceiver(SECRET);
        EndpointInvoker endpoints = new EndpointInvoker(
                new EndpointDeliverer(Duration.ofSeconds(2), Duration.ofMillis(500)), new EndpointPolicy(true, false));
        delivery = new PushDelivery(queues, endpoints, null, PushDelivery.EventSource.local(), clock);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void anEndpointConsumer_getsAnSqsEvent_thatTheLambdaRuntimeReadsAsAnSQSEvent_andTheMessageIsAcked()
            throws Exception {
        queues.createQueue("orders", QueueAttributes.defaults());
        Instant sent = clock.instant();
        String id = queues.send(
                        "orders",
                        new MessageToSend("order 7 paid: 12,50 €", Map.of("type", "paid"), null, null, null, null))
                .messageId();
        clock.advance(Duration.ofSeconds(2));

        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(1);

        assertThat(receiver.calls).hasSize(1);
        PushReceiver.Call call = receiver.calls.get(0);
        assertThat(call.signatureValid()).isTrue();
        assertThat(call.event().getRecords()).hasSize(1);
        SQSEvent.SQSMessage record = call.event().getRecords().get(0);
        assertThat(record.getMessageId()).isEqualTo(id);
        assertThat(record.getReceiptHandle()).isNotBlank();
        assertThat(record.getBody()).isEqualTo("order 7 paid: 12,50 €");
        assertThat(record.getAttributes())
                .containsEntry("ApproximateReceiveCount", "1")
                .containsEntry("SentTimestamp", Long.toString(sent.toEpochMilli()))
                .containsEntry(
                        "ApproximateFirstReceiveTimestamp",
                        Long.toString(sent.plusSeconds(2).toEpochMilli()));
        assertThat(record.getMessageAttributes()).containsOnlyKeys("type");
        assertThat(record.getMessageAttributes().get("type").getStringValue()).isEqualTo("paid");
        assertThat(record.getMessageAttributes().get("type").getDataType()).isEqualTo("String");
        // SQS's own digests: the values the SQS SDK (MessageMD5ChecksumInterceptor) computes for them
        assertThat(record.getMd5OfBody()).isEqualTo("4bb3a51c7e644021e6deae82a33031e7");
        assertThat(record.getMd5OfMessageAttributes()).isEqualTo("5217f1273744650da8af405fbf53fa1a");
        assertThat(record.getEventSource()).isEqualTo("mq");
        assertThat(record.getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:orders");
        assertThat(record.getAwsRegion()).isEqualTo("us-east-1");
        // the raw names are SQS's (the runtime's serializer maps eventSourceARN and Records)
        ObjectNode raw = (ObjectNode) Json.MAPPER.readTree(call.raw());
        assertThat(raw.get("Records").get(0).has("eventSourceARN")).isTrue();

        assertThat(browse("orders")).as("acknowledged").isEmpty();
        assertThat(delivery.deliverOnce(consumer("orders", 10))).isZero();
    }

    @Test
    void batchItemFailures_leaveExactlyThoseMessages_whichComeBackAfterTheVisibilityTimeout_withReceiveCount2() {
        queues.createQueue("orders", QueueAttributes.defaults());
        List<String> ids = send("orders", "one", "two", "three");
        receiver.answers = event -> PushReceiver.Answer.failures(List.of(ids.get(1)));

        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(3);
        assertThat(browse("orders")).extracting(BrowsedMessage::messageId).containsExactly(ids.get(1));
        assertThat(delivery.deliverOnce(consumer("orders", 10)))
                .as("still leased")
                .isZero();

        receiver.answers = event -> PushReceiver.Answer.OK;
        clock.advance(Duration.ofSeconds(QueueAttributes.defaults().visibilityTimeoutSeconds() + 1));
        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(1);

        SQSEvent.SQSMessage again = receiver.calls.get(1).event().getRecords().get(0);
        assertThat(again.getMessageId()).isEqualTo(ids.get(1));
        assertThat(again.getAttributes()).containsEntry("ApproximateReceiveCount", "2");
        assertThat(browse("orders")).isEmpty();
    }

    @Test
    void aServerError_leavesTheWholeBatch() {
        queues.createQueue("orders", QueueAttributes.defaults());
        send("orders", "one", "two");
        receiver.answers = event -> new PushReceiver.Answer(500, "{\"batchItemFailures\":[]}");

        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(2);
        assertThat(browse("orders")).hasSize(2);

        receiver.answers = event -> PushReceiver.Answer.OK;
        clock.advance(Duration.ofSeconds(QueueAttributes.defaults().visibilityTimeoutSeconds() + 1));
        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(2);
        assertThat(receiver.calls.get(1).event().getRecords())
                .allSatisfy(r -> assertThat(r.getAttributes()).containsEntry("ApproximateReceiveCount", "2"));
        assertThat(browse("orders")).isEmpty();
    }

    @Test
    void aTimeout_leavesTheWholeBatch() {
        queues.createQueue("orders", QueueAttributes.defaults());
        send("orders", "one", "two");
        receiver.answers = event -> PushReceiver.Answer.HANG;

        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(2);

        assertThat(receiver.calls).hasSize(1);
        assertThat(browse("orders")).hasSize(2);
    }

    @Test
    void anAnswerThatIsNoBatchResponse_orNamesAMessageNotInTheBatch_leavesTheWholeBatch() {
        queues.createQueue("orders", QueueAttributes.defaults());
        send("orders", "one", "two");
        receiver.answers = event -> new PushReceiver.Answer(200, "<html>ok</html>");
        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(2);
        assertThat(browse("orders")).hasSize(2);

        clock.advance(Duration.ofSeconds(QueueAttributes.defaults().visibilityTimeoutSeconds() + 1));
        receiver.answers = event -> PushReceiver.Answer.failures(List.of("not-a-message-of-this-batch"));
        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(2);
        assertThat(browse("orders")).hasSize(2);
    }

    @Test
    void aMessageFailedMaxReceiveCountTimes_movesToTheDeadLetterQueue() {
        queues.createQueue("orders-dlq", QueueAttributes.defaults());
        queues.createQueue("orders", attributes("deadLetterQueue", "orders-dlq", "maxReceiveCount", 2));
        String poison = send("orders", "poison").get(0);
        receiver.answers = event -> PushReceiver.Answer.failures(List.of(poison));

        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(31));
        assertThat(delivery.deliverOnce(consumer("orders", 10))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(31));
        assertThat(delivery.deliverOnce(consumer("orders", 10)))
                .as("moved, not delivered")
                .isZero();

        assertThat(receiver.calls).hasSize(2);
        assertThat(browse("orders")).isEmpty();
        assertThat(browse("orders-dlq")).extracting(BrowsedMessage::body).containsExactly("poison");
    }

    @Test
    void fifo_eachEventHoldsOneGroupInOrder_andAFailureHoldsTheGroupsLaterMessages() {
        queues.createQueue("orders.fifo", QueueAttributes.defaults());
        List<String> sent = new ArrayList<>();
        for (String[] m : new String[][] {{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"b", "b2"}, {"a", "a3"}}) {
            sent.add(queues.send("orders.fifo", new MessageToSend(m[1], Map.of(), null, null, m[1], m[0]))
                    .messageId());
        }
        String a2 = sent.get(2);
        receiver.answers = event ->
                event.getRecords().stream().anyMatch(r -> r.getMessageId().equals(a2))
                        ? PushReceiver.Answer.failures(List.of(a2))
                        : PushReceiver.Answer.OK;

        assertThat(delivery.deliverOnce(consumer("orders.fifo", 10))).isEqualTo(5);

        assertThat(receiver.calls)
                .extracting(PushReceiver.Call::bodies)
                .containsExactlyInAnyOrder(List.of("a1", "a2", "a3"), List.of("b1", "b2"));
        assertThat(receiver.calls)
                .allSatisfy(call -> assertThat(call.event().getRecords())
                        .extracting(r -> r.getAttributes().get("MessageGroupId"))
                        .containsOnly(
                                call.event().getRecords().get(0).getAttributes().get("MessageGroupId")));
        assertThat(browse("orders.fifo")).extracting(BrowsedMessage::body).containsExactly("a2", "a3");

        receiver.answers = event -> PushReceiver.Answer.OK;
        clock.advance(Duration.ofSeconds(31));
        assertThat(delivery.deliverOnce(consumer("orders.fifo", 10))).isEqualTo(2);
        assertThat(receiver.calls.get(2).bodies()).containsExactly("a2", "a3");
        assertThat(browse("orders.fifo")).isEmpty();
    }

    @Test
    void aConsumerOfAQueueMadeAgain_getsNothingOfTheNewQueue() {
        queues.createQueue("orders", QueueAttributes.defaults());
        Consumer old = consumer("orders", 10);
        queues.deleteQueue("orders");
        queues.createQueue("orders", QueueAttributes.defaults());
        send("orders", "new");

        assertThat(delivery.deliverOnce(old)).isZero();
        assertThat(receiver.calls).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    Consumer consumer(String queue, int batchSize) {
        return new Consumer(
                queue,
                "worker",
                queues.queueConfig(queue).incarnation(),
                null,
                receiver.url(),
                SECRET,
                batchSize,
                0,
                5,
                clock.instant());
    }

    List<String> send(String queue, String... bodies) {
        List<String> ids = new ArrayList<>();
        for (String body : bodies) {
            ids.add(queues.send(queue, MessageToSend.of(body)).messageId());
            clock.advance(Duration.ofMillis(1));
        }
        return ids;
    }

    List<BrowsedMessage> browse(String queue) {
        return queues.browse(queue, 100, null).items();
    }

    static QueueAttributes attributes(Object... namesAndValues) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.set((String) namesAndValues[i], Json.MAPPER.valueToTree(namesAndValues[i + 1]));
        }
        return QueueAttributes.parse(body, QueueAttributes.defaults());
    }

    @Test
    void aMessageLeasedTwiceInOneBatchWindow_goesOutOnce_withItsNewestLease() {
        java.time.Instant t = java.time.Instant.parse("2030-01-01T00:00:00Z");
        ReceivedMessage a1 = new ReceivedMessage("a", "A", Map.of(), "a@1", 1, t, t, null, null);
        ReceivedMessage b1 = new ReceivedMessage("b", "B", Map.of(), "b@1", 1, t, t, null, null);
        ReceivedMessage a2 = new ReceivedMessage("a", "A", Map.of(), "a@2", 2, t, t, null, null);

        List<ReceivedMessage> batch = PushDelivery.latestLeaseOfEach(List.of(a1, b1, a2));

        assertThat(batch).extracting(ReceivedMessage::receiptHandle).containsExactly("a@2", "b@1");
    }
}
