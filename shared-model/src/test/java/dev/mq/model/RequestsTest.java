package dev.mq.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json                                   | not valid JSON",
                "[1, 2]                                     | must be a JSON object",
                "{\"body\": 5}                              | body must be a string",
                "{}                                         | body is required",
                "{\"body\": \"\"}                           | body must not be empty",
                "{\"body\": \"x\", \"colour\": \"red\"}     | unknown field 'colour'",
                "{\"body\": \"x\", \"delaySeconds\": \"5\"} | delaySeconds must be an integer from 0 to 900",
                "{\"body\": \"x\", \"delaySeconds\": 1.5}   | delaySeconds must be an integer",
                "{\"body\": \"x\", \"delaySeconds\": 901}   | delaySeconds must be an integer from 0 to 900",
                "{\"body\": \"x\", \"attributes\": {\"a\": 1}} | attributes.a must be a string",
                "{\"body\": \"x\", \"attributes\": {\"a b\": \"1\"}} | invalid attribute name",
                "{\"body\": \"x\", \"deliverAt\": \"tomorrow\"} | deliverAt must be an ISO-8601 time",
                "{\"body\": \"x\", \"delaySeconds\": 1, \"deliverAt\": \"2030-01-01T00:00:00Z\"} | exclusive",
                "{\"body\": \"x\", \"groupId\": \"\"}       | groupId must be 1-128 printable ASCII",
                "{\"body\": \"x\", \"body\": \"y\"}         | Duplicate field",
                "{\"body\": \"\\ud800\"}                    | unpaired UTF-16 surrogate",
                "{\"body\": \"x\", \"attributeTypes\": {\"a\": \"Number\"}} | 'a', which is not an attribute",
                "{\"body\": \"x\", \"attributes\": {\"a\": \"1\"}, \"attributeTypes\": {\"a\": 5}} | attributeTypes.a must be a string",
                "{\"body\": \"x\", \"attributes\": {\"a\": \"1\"}, \"attributeTypes\": {\"a\": \"Int\"}} | use String, Number or Binary",
                "{\"body\": \"x\", \"attributes\": {\"a\": \"z\"}, \"attributeTypes\": {\"a\": \"Number\"}} | 'z' is not a number",
            })
    void badMessage_isInvalidRequest_namingTheProblem(String json, String message) {
        assertThatThrownBy(() -> Requests.parseSend(json)).isInstanceOfSatisfying(QueueException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(message.trim());
        });
    }

    @Test
    void batch_keepsEntryErrorsApart() {
        Requests.SendBatch batch = Requests.parseSend("{\"messages\": [{\"body\": \"a\"}, {\"body\": 1}, 7]}");
        assertThat(batch.batch()).isTrue();
        assertThat(batch.entries()).hasSize(3);
        assertThat(batch.entries().get(0).message().body()).isEqualTo("a");
        assertThat(batch.entries().get(1).error().getMessage()).contains("body must be a string");
        assertThat(batch.entries().get(2).error().getMessage()).contains("message object");
    }

    @Test
    void batch_ofElevenOrNone_hasItsOwnCodes() {
        String eleven = "{\"messages\": [" + "{\"body\": \"a\"},".repeat(10) + "{\"body\": \"a\"}]}";
        assertThatThrownBy(() -> Requests.parseSend(eleven))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.TOO_MANY_ENTRIES);
        assertThatThrownBy(() -> Requests.parseSend("{\"messages\": []}"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.EMPTY_BATCH);
        assertThatThrownBy(() -> Requests.parseAck("{\"receiptHandles\": []}"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.EMPTY_BATCH);
    }

    @Test
    void message_readsEveryField() {
        Requests.MessageRequest m = Requests.parseSend("{\"body\": \"hi\", \"attributes\": {\"type\": \"order\"},"
                        + " \"deliverAt\": \"2030-01-01T01:00:00+01:00\", \"deduplicationId\": \"d-1\"}")
                .entries()
                .get(0)
                .message();
        assertThat(m.body()).isEqualTo("hi");
        assertThat(m.attributes()).containsEntry("type", "order");
        assertThat(m.deliverAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(m.deduplicationId()).isEqualTo("d-1");
    }

    @Test
    void deeplyNestedDocument_isRefusedBeforeItCostsStack() {
        String deep = "{\"body\": \"x\", \"attributes\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThatThrownBy(() -> Requests.parseSend(deep))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void receive_defaultsAndRanges() {
        assertThat(Requests.parseReceive(null)).isEqualTo(new Requests.ReceiveRequest(1, null, null));
        assertThatThrownBy(() -> Requests.parseReceive("{\"maxMessages\": 11}")).hasMessageContaining("maxMessages");
        assertThatThrownBy(() -> Requests.parseReceive("{\"waitSeconds\": 21}")).hasMessageContaining("waitSeconds");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "a/b",
                "a.b",
                "x.fifo.fifo",
                "ä",
                "123456789012345678901234567890123456789012345678901234567890123456789012345678901"
            })
    void badQueueName_isRefused(String name) {
        assertThatThrownBy(() -> Names.requireQueueName(name)).isInstanceOf(QueueException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "orders",
                "a",
                "A-b_9",
                "orders.fifo",
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            })
    void goodQueueName_isAccepted(String name) {
        assertThat(Names.requireQueueName(name)).isEqualTo(name);
    }

    @Test
    void queueAttributes_patchOverCurrent_andDeadLetterRules() {
        QueueAttributes changed =
                QueueAttributes.parse(Json.parseObject("{\"delaySeconds\": 5}"), QueueAttributes.defaults());
        assertThat(changed.delaySeconds()).isEqualTo(5);
        assertThat(changed.visibilityTimeoutSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> QueueAttributes.parse(
                        Json.parseObject("{\"deadLetterQueue\": \"d\"}"), QueueAttributes.defaults()))
                .hasMessageContaining("maxReceiveCount is required");
        QueueAttributes withDlq = QueueAttributes.parse(
                Json.parseObject("{\"deadLetterQueue\": \"d\", \"maxReceiveCount\": 3}"), QueueAttributes.defaults());
        QueueAttributes removed = QueueAttributes.parse(Json.parseObject("{\"deadLetterQueue\": null}"), withDlq);
        assertThat(removed.deadLetterQueue()).isNull();
        assertThat(removed.maxReceiveCount()).isNull();
    }

    @Test
    void redriveAllowPolicy_isParsedKeptOverAChange_resetByNull_andEchoedAsWritten() throws Exception {
        QueueAttributes byQueue = QueueAttributes.parse(
                Json.parseObject(
                        "{\"redriveAllowPolicy\": {\"permission\": \"byQueue\", \"sourceQueues\": [\"a\", \"b\"]}}"),
                QueueAttributes.defaults());
        assertThat(byQueue.redriveAllowPolicy()).isEqualTo(RedriveAllowPolicy.byQueue(java.util.List.of("a", "b")));
        assertThat(byQueue.redriveAllowPolicy().allows("a")).isTrue();
        assertThat(byQueue.redriveAllowPolicy().allows("c")).isFalse();
        assertThat(QueueAttributes.parse(Json.parseObject("{\"delaySeconds\": 5}"), byQueue)
                        .redriveAllowPolicy())
                .isEqualTo(byQueue.redriveAllowPolicy());
        assertThat(QueueAttributes.parse(Json.parseObject("{\"redriveAllowPolicy\": null}"), byQueue)
                        .redriveAllowPolicy())
                .isEqualTo(RedriveAllowPolicy.ALLOW_ALL);
        assertThat(QueueAttributes.defaults().redriveAllowPolicy()).isEqualTo(RedriveAllowPolicy.ALLOW_ALL);

        String written = Json.write(byQueue);
        assertThat(written)
                .contains("\"redriveAllowPolicy\":{\"permission\":\"byQueue\",\"sourceQueues\":[\"a\",\"b\"]}");
        assertThat(Json.MAPPER.readValue(written, QueueAttributes.class)).isEqualTo(byQueue);
        assertThat(Json.write(QueueAttributes.defaults()))
                .contains("\"redriveAllowPolicy\":{\"permission\":\"allowAll\"}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"permission\": \"byQueue\"}                              | byQueue needs 1 to 10 sourceQueues, not 0",
                "{\"permission\": \"byQueue\", \"sourceQueues\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]} | not 11",
                "{\"permission\": \"denyAll\", \"sourceQueues\": [\"a\"]} | with permission byQueue only, not denyAll",
                "{\"permission\": \"some\"}                                 | must be allowAll, denyAll or byQueue",
                "{\"sourceQueues\": [\"a\"]}                                | permission is required",
                "{\"permission\": \"byQueue\", \"sourceQueues\": \"a\"}  | must be an array of queue names",
                "{\"permission\": \"byQueue\", \"sourceQueues\": [\"a b\"]} | invalid queue name",
                "{\"permission\": \"allowAll\", \"queues\": []}            | unknown field 'queues'",
                "\"allowAll\"                                                 | must be an object",
            })
    void redriveAllowPolicy_refusesWhatSqsRefuses(String policy, String message) {
        assertThatThrownBy(() -> QueueAttributes.parse(
                        Json.parseObject("{\"redriveAllowPolicy\": " + policy + "}"), QueueAttributes.defaults()))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void attributeTypes_areRead_andPlainStringOnesLeftOut() {
        Requests.MessageRequest m = Requests.parseSend(
                        "{\"body\": \"x\", \"attributes\": {\"p\": \"1.5\", \"b\": \"AAE=\", \"s\": \"t\"},"
                                + " \"attributeTypes\": {\"p\": \"Number\", \"b\": \"Binary.png\", \"s\": \"String\"}}")
                .entries()
                .get(0)
                .message();
        assertThat(m.attributeTypes()).isEqualTo(java.util.Map.of("p", "Number", "b", "Binary.png"));
        assertThat(Requests.parseSend("{\"body\": \"x\"}")
                        .entries()
                        .get(0)
                        .message()
                        .attributeTypes())
                .isEmpty();
    }
}
