package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mq.model.Responses.BrowsedMessage;
import dev.mq.model.Responses.SendResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the client's default does to deduplication and write cost. A send without a deduplication id is
 * a plain write; with one it is a transaction of the message and a deduplication record, which
 * {@code CapacityTest} (functions) measures with DynamoDB's ReturnConsumedCapacity at 4 write units for
 * a 1 KB message against 1 for the plain write. So the client must not add an id of its own by default.
 */
class DeduplicationTest {
    final MqClient mq = TestServer.client();

    @Test
    void contentBasedQueue_storesTwoIdenticalSendsOnce() {
        String queue = TestServer.unique("cbd");
        mq.createQueue(queue, Map.of("contentBasedDeduplication", true));

        SendResult first = mq.send(queue, "order 42 placed");
        SendResult second = mq.send(queue, "order 42 placed");
        List<SendResult> batch = mq.sendBatch(queue, List.of(Message.of("order 42 placed"), Message.of("order 43")));

        assertThat(second.duplicate()).isTrue();
        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(batch.get(0).duplicate()).isTrue();
        assertThat(mq.browse(queue, 10, null).messages())
                .extracting(BrowsedMessage::body)
                .containsExactly("order 42 placed", "order 43");
    }

    @Test
    void plainStandardSend_carriesNoDeduplicationId_soItIsThePlainOneUnitWrite() {
        String queue = TestServer.unique("plain");
        mq.createQueue(queue);

        mq.send(queue, "a");
        mq.sendBatch(queue, List.of(Message.of("b"), Message.of("c")));
        mq.send(queue, Message.of("d").withDeduplicationId("order-7"));

        assertThat(mq.browse(queue, 10, null).messages())
                .extracting(BrowsedMessage::body, BrowsedMessage::deduplicationId)
                .containsExactly(tuple("a", null), tuple("b", null), tuple("c", null), tuple("d", "order-7"));
    }

    @Test
    void autoDeduplication_whenAskedFor_givesEachSendAnId() {
        String queue = TestServer.unique("auto");
        mq.createQueue(queue);
        MqClient auto = MqClient.builder()
                .endpoint(TestServer.url())
                .autoDeduplication(true)
                .build();

        auto.send(queue, "a");
        auto.send(queue, "a");

        assertThat(mq.browse(queue, 10, null).messages())
                .hasSize(2)
                .allSatisfy(m -> assertThat(m.deduplicationId()).isNotBlank());
    }
}
