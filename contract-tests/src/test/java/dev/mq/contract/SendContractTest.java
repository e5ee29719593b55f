package dev.mq.contract;

import static dev.mq.contract.ContractClient.arr;
import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sending: single and batch, attributes, delays and deliverAt, FIFO rules, deduplication, size limits. */
class SendContractTest extends ContractTestSupport {

    // ------------------------------------------------------------------ single and batch

    @Test
    void send_single_answers200WithMessageId_andDuplicateFalse() {
        String queue = createQueue("send");

        JsonNode answer = mq.post(messagesPath(queue), obj("body", "hello"))
                .expectStatus(200)
                .json();

        assertThat(answer.path("results").size()).isEqualTo(1);
        JsonNode result = answer.path("results").get(0);
        assertThat(result.path("messageId").asText()).isNotBlank();
        assertThat(result.path("duplicate").isBoolean()).isTrue();
        assertThat(result.path("duplicate").booleanValue()).isFalse();
        assertThat(result.has("error")).isFalse();
        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "messageId"))
                .containsExactly(result.path("messageId").asText());
        assertThat(texts(stored, "body")).containsExactly("hello");
    }

    @Test
    void send_batchOf10_answersOneResultPerEntry_inRequestOrder() {
        String queue = createQueue("batch");
        Object[] messages = new Object[10];
        for (int i = 0; i < 10; i++) {
            messages[i] = obj("body", "m" + i);
        }

        JsonNode results = sendBatch(queue, messages);

        List<String> ids = new ArrayList<>();
        for (JsonNode r : results) {
            assertThat(r.path("messageId").asText()).as("result %s", r).isNotBlank();
            assertThat(r.path("duplicate").booleanValue()).as("result %s", r).isFalse();
            ids.add(r.path("messageId").asText());
        }
        assertThat(ids).doesNotHaveDuplicates();
        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "body")).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(texts(stored, "messageId")).containsExactlyElementsOf(ids);
    }

    @Test
    void send_batchOf11_is400TooManyEntries_andStoresNothing() {
        String queue = createQueue("batch");
        Object[] messages = new Object[11];
        for (int i = 0; i < 11; i++) {
            messages[i] = obj("body", "m" + i);
        }

        mq.post(messagesPath(queue), obj("messages", arr(messages))).expectError(400, "TooManyEntries");

        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_emptyBatch_is400EmptyBatch() {
        String queue = createQueue("batch");

        mq.post(messagesPath(queue), obj("messages", arr())).expectError(400, "EmptyBatch");

        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_batchWithOneInvalidEntry_reportsItsError_andSendsTheOthers() {
        String queue = createQueue("batch");

        JsonNode results = sendBatch(queue, obj("body", "first"), obj("body", ""), obj("body", "third"));

        assertThat(results.get(0).path("messageId").asText()).isNotBlank();
        ContractClient.checkErrorShape(results.get(1), "entry 1 of " + results);
        assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("InvalidRequest");
        assertThat(results.get(1).has("messageId")).isFalse();
        assertThat(results.get(2).path("messageId").asText()).isNotBlank();
        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "body")).containsExactly("first", "third");
        assertThat(texts(stored, "messageId"))
                .containsExactly(
                        results.get(0).path("messageId").asText(),
                        results.get(2).path("messageId").asText());
    }

    @Test
    void send_batchWithEntriesInvalidForTheQueue_reportsEachError_andSendsTheOthers() {
        String queue = createQueue("batch", "maxMessageBytes", 10);

        JsonNode results = sendBatch(
                queue,
                obj("body", "groupless", "groupId", "g"),
                obj("body", "ok"),
                obj("body", "far too long for ten bytes"),
                obj(
                        "body",
                        "late",
                        "delaySeconds",
                        1,
                        "deliverAt",
                        Instant.now().toString()));

        assertThat(results.get(0).path("error").path("code").asText()).isEqualTo("InvalidRequest");
        assertThat(results.get(1).path("messageId").asText()).isNotBlank();
        assertThat(results.get(2).path("error").path("code").asText()).isEqualTo("PayloadTooLarge");
        assertThat(results.get(3).path("error").path("code").asText()).isEqualTo("InvalidRequest");
        for (int i : new int[] {0, 2, 3}) {
            ContractClient.checkErrorShape(results.get(i), "entry " + i + " of " + results);
        }
        assertThat(browseBodies(queue)).containsExactly("ok");
    }

    @Test
    void send_singleInvalidMessage_is400_andStoresNothing() {
        String queue = createQueue("single");

        mq.post(messagesPath(queue), obj("body", "x", "groupId", "g")).expectError(400, "InvalidRequest");
        mq.post(messagesPath(queue), obj("body", "x", "delaySeconds", 901)).expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
        assertNothingToReceive(queue);
    }

    @Test
    void send_toUnknownQueue_is404QueueNotFound() {
        mq.post(messagesPath(uniqueName("nobody")), obj("body", "x")).expectError(404, "QueueNotFound");
    }

    // ------------------------------------------------------------------ attributes

    @Test
    void send_attributes_roundTripThroughReceiveAndBrowse() {
        String queue = createQueue("attrs");
        Map<String, String> attributes = Map.of(
                "type",
                "order",
                "region.name",
                "eu-west-1",
                "unicode_value",
                "grüße €",
                "empty",
                "",
                "A-9",
                "x".repeat(300));

        send(queue, obj("body", "with attributes", "attributes", attributes));

        JsonNode browsed = browseAll(queue).get(0);
        assertThat(stringMap(browsed.path("attributes"))).isEqualTo(attributes);
        JsonNode received = receiveOne(queue, 30);
        assertThat(stringMap(received.path("attributes"))).isEqualTo(attributes);
    }

    @Test
    void send_tenAttributes_isAccepted() {
        String queue = createQueue("attrs");
        Map<String, String> ten = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            ten.put("a" + i, "v" + i);
        }

        send(queue, obj("body", "ten", "attributes", ten));

        assertThat(browseAll(queue).get(0).path("attributes").size()).isEqualTo(10);
    }

    @Test
    void send_withoutAttributes_isReceivedWithAnEmptyAttributesObject() {
        String queue = createQueue("attrs");
        sendBody(queue, "plain");

        JsonNode received = receiveOne(queue, 30);

        assertThat(received.path("attributes").isObject())
                .as("attributes of %s", received)
                .isTrue();
        assertThat(received.path("attributes").size()).isZero();
    }

    @Test
    void send_attributeTypes_areShownByReceiveAndBrowse_exceptPlainString() {
        String queue = createQueue("typed");
        Map<String, String> attributes = Map.of("price", "12.50", "photo", "AAEC/w==", "note", "paid");

        send(
                queue,
                obj(
                        "body",
                        "typed",
                        "attributes",
                        attributes,
                        "attributeTypes",
                        Map.of("price", "Number", "photo", "Binary.png", "note", "String")));

        Map<String, String> shown = Map.of("price", "Number", "photo", "Binary.png");
        JsonNode browsed = browseAll(queue).get(0);
        assertThat(stringMap(browsed.path("attributeTypes"))).isEqualTo(shown);
        JsonNode received = receiveOne(queue, 30);
        assertThat(stringMap(received.path("attributes"))).isEqualTo(attributes);
        assertThat(stringMap(received.path("attributeTypes"))).isEqualTo(shown);
    }

    @Test
    void send_withoutAttributeTypes_showsNone() {
        String queue = createQueue("typed");
        send(queue, obj("body", "plain", "attributes", Map.of("a", "1")));

        assertThat(absent(receiveOne(queue, 30), "attributeTypes")).isTrue();
    }

    @Test
    void send_badAttributeTypes_isInvalidRequest_namingTheAttribute() {
        String queue = createQueue("typed");
        JsonNode notANumber = mq.post(
                        messagesPath(queue),
                        obj(
                                "body",
                                "x",
                                "attributes",
                                Map.of("price", "cheap"),
                                "attributeTypes",
                                Map.of("price", "Number")))
                .expectError(400, "InvalidRequest");
        assertThat(notANumber.path("message").asText()).contains("price").contains("not a number");
        mq.post(
                        messagesPath(queue),
                        obj("body", "x", "attributes", Map.of("a", "1"), "attributeTypes", Map.of("b", "Number")))
                .expectError(400, "InvalidRequest");
        mq.post(
                        messagesPath(queue),
                        obj("body", "x", "attributes", Map.of("a", "%%"), "attributeTypes", Map.of("a", "Binary")))
                .expectError(400, "InvalidRequest");
    }

    // ------------------------------------------------------------------ delay and deliverAt

    @Test
    void send_delaySeconds_hidesTheMessageUntilDue_andBrowseShowsItDelayed() {
        String queue = createQueue("delay");
        long sent = System.nanoTime();

        send(queue, obj("body", "later", "delaySeconds", 2));

        assertThat(texts(browseAll(queue), "state")).containsExactly("delayed");
        assertNothingToReceive(queue);
        JsonNode received = receiveOne(queue, 30);
        assertThat(received.path("body").asText()).isEqualTo("later");
        assertThat(millisSince(sent)).as("ms from send to receive").isGreaterThanOrEqualTo(1_500);
    }

    @Test
    void send_delaySeconds_0And900_areAccepted() {
        String queue = createQueue("delay");

        send(queue, obj("body", "now", "delaySeconds", 0));
        send(queue, obj("body", "in 15 minutes", "delaySeconds", 900));

        assertThat(texts(browseAll(queue), "state")).containsExactly("visible", "delayed");
    }

    @Test
    void send_queueDelaySeconds_appliesWhenTheMessageNamesNone() {
        String queue = createQueue("qdelay", "delaySeconds", 2);
        long sent = System.nanoTime();

        sendBody(queue, "delayed by the queue");

        assertThat(texts(browseAll(queue), "state")).containsExactly("delayed");
        assertNothingToReceive(queue);
        receiveOne(queue, 30);
        assertThat(millisSince(sent)).isGreaterThanOrEqualTo(1_500);
    }

    @Test
    void send_deliverAtInThePast_isDeliverableAtOnce() {
        String queue = createQueue("past");

        send(
                queue,
                obj(
                        "body",
                        "overdue",
                        "deliverAt",
                        Instant.now().minusSeconds(3600).toString()));

        assertThat(texts(browseAll(queue), "state")).containsExactly("visible");
        List<JsonNode> got = receive(queue, obj("waitSeconds", 0));
        assertThat(texts(got, "body")).containsExactly("overdue");
    }

    @Test
    void send_deliverAtAhead_hidesTheMessageUntilThen() {
        String queue = createQueue("at");
        long sent = System.nanoTime();

        send(
                queue,
                obj(
                        "body",
                        "scheduled",
                        "deliverAt",
                        Instant.now().plusSeconds(2).toString()));

        assertThat(texts(browseAll(queue), "state")).containsExactly("delayed");
        assertNothingToReceive(queue);
        receiveOne(queue, 30);
        assertThat(millisSince(sent)).isGreaterThanOrEqualTo(1_500);
    }

    @Test
    void send_deliverAtWithinRetention_isAccepted_andBeyondIs400() {
        String queue = createQueue("at", "messageRetentionSeconds", 120);

        send(
                queue,
                obj("body", "within", "deliverAt", Instant.now().plusSeconds(90).toString()));
        mq.post(
                        messagesPath(queue),
                        obj(
                                "body",
                                "beyond",
                                "deliverAt",
                                Instant.now().plusSeconds(3600).toString()))
                .expectError(400, "InvalidRequest");

        assertThat(browseBodies(queue)).containsExactly("within");
    }

    @Test
    void send_deliverAtBeyondDefaultRetention_is400() {
        String queue = createQueue("at");

        mq.post(
                        messagesPath(queue),
                        obj(
                                "body",
                                "x",
                                "deliverAt",
                                Instant.now().plusSeconds(345_600 + 3600).toString()))
                .expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_delaySecondsTogetherWithDeliverAt_is400() {
        String queue = createQueue("both");

        mq.post(
                        messagesPath(queue),
                        obj(
                                "body",
                                "x",
                                "delaySeconds",
                                1,
                                "deliverAt",
                                Instant.now().toString()))
                .expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 901})
    void send_delaySecondsOutOfRange_is400(int delay) {
        String queue = createQueue("delay");

        mq.post(messagesPath(queue), obj("body", "x", "delaySeconds", delay)).expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
    }

    // ------------------------------------------------------------------ FIFO rules

    @Test
    void send_groupIdOnStandardQueue_is400() {
        String queue = createQueue("std");

        mq.post(messagesPath(queue), obj("body", "x", "groupId", "g1")).expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_toFifoWithoutGroupId_is400() {
        String queue = createFifoQueue("fifo");

        mq.post(messagesPath(queue), obj("body", "x")).expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_toFifoWithPerMessageDelaySecondsOrDeliverAt_is400() {
        String queue = createFifoQueue("fifo");

        mq.post(messagesPath(queue), obj("body", "x", "groupId", "g", "delaySeconds", 5))
                .expectError(400, "InvalidRequest");
        mq.post(
                        messagesPath(queue),
                        obj(
                                "body",
                                "x",
                                "groupId",
                                "g",
                                "deliverAt",
                                Instant.now().plusSeconds(5).toString()))
                .expectError(400, "InvalidRequest");

        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_toFifo_withGroupId_isAccepted_andTheQueueDelayApplies() {
        String queue = createFifoQueue("fifo", "delaySeconds", 60);

        send(queue, obj("body", "x", "groupId", "g"));

        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "state")).containsExactly("delayed");
        assertThat(texts(stored, "groupId")).containsExactly("g");
        assertNothingToReceive(queue);
    }

    // ------------------------------------------------------------------ deduplication

    @Test
    void send_sameDeduplicationIdAgain_isDuplicate_withTheFirstMessageId_andStoresNothing() {
        String queue = createQueue("dedup");

        JsonNode first = send(queue, obj("body", "first", "deduplicationId", "order-17"));
        JsonNode second = send(queue, obj("body", "second", "deduplicationId", "order-17"));

        assertThat(first.path("duplicate").booleanValue()).isFalse();
        assertThat(second.path("duplicate").booleanValue()).isTrue();
        assertThat(second.path("messageId").asText())
                .isEqualTo(first.path("messageId").asText());
        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "body")).containsExactly("first");
        assertThat(texts(stored, "deduplicationId")).containsExactly("order-17");
    }

    @Test
    void send_sameDeduplicationId_afterTheFirstWasAcked_isStillDuplicateWithinTheWindow() {
        String queue = createQueue("dedup");
        JsonNode first = send(queue, obj("body", "first", "deduplicationId", "once"));
        ack(queue, receiveOne(queue, 30).path("receiptHandle").asText());

        JsonNode again = send(queue, obj("body", "again", "deduplicationId", "once"));

        assertThat(again.path("duplicate").booleanValue()).isTrue();
        assertThat(again.path("messageId").asText())
                .isEqualTo(first.path("messageId").asText());
        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void send_differentDeduplicationIds_areBothStored() {
        String queue = createQueue("dedup");

        send(queue, obj("body", "same", "deduplicationId", "a"));
        JsonNode other = send(queue, obj("body", "same", "deduplicationId", "b"));

        assertThat(other.path("duplicate").booleanValue()).isFalse();
        assertThat(browseBodies(queue)).containsExactly("same", "same");
    }

    @Test
    void send_deduplicationOnFifoQueue_answersTheFirstMessageId() {
        String queue = createFifoQueue("dedup");

        JsonNode first = send(queue, obj("body", "one", "groupId", "g", "deduplicationId", "d1"));
        JsonNode second = send(queue, obj("body", "one", "groupId", "g", "deduplicationId", "d1"));

        assertThat(second.path("duplicate").booleanValue()).isTrue();
        assertThat(second.path("messageId").asText())
                .isEqualTo(first.path("messageId").asText());
        assertThat(browseAll(queue)).hasSize(1);
    }

    @Test
    void send_duplicateInABatch_isMarkedDuplicate_andStoredOnce() {
        String queue = createQueue("dedup");
        JsonNode first = send(queue, obj("body", "first", "deduplicationId", "batch-dup"));

        JsonNode results = sendBatch(queue, obj("body", "new"), obj("body", "again", "deduplicationId", "batch-dup"));

        assertThat(results.get(0).path("duplicate").booleanValue()).isFalse();
        assertThat(results.get(1).path("duplicate").booleanValue()).isTrue();
        assertThat(results.get(1).path("messageId").asText())
                .isEqualTo(first.path("messageId").asText());
        assertThat(browseBodies(queue)).containsExactly("first", "new");
    }

    @Test
    void send_contentBasedDeduplication_usesTheLowercaseHexSha256OfTheBody() throws Exception {
        String queue = createQueue("cbd", "contentBasedDeduplication", true);
        String body = "same body, grüße";
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));

        JsonNode first = send(queue, obj("body", body));
        JsonNode second = send(queue, obj("body", body));
        JsonNode other = send(queue, obj("body", body + "!"));

        assertThat(first.path("duplicate").booleanValue()).isFalse();
        assertThat(second.path("duplicate").booleanValue()).isTrue();
        assertThat(second.path("messageId").asText())
                .isEqualTo(first.path("messageId").asText());
        assertThat(other.path("duplicate").booleanValue()).isFalse();
        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "body")).containsExactly(body, body + "!");
        assertThat(stored.get(0).path("deduplicationId").asText()).isEqualTo(hash);
        JsonNode received = receiveAll(queue, 2, 30).stream()
                .filter(m -> m.path("body").asText().equals(body))
                .findFirst()
                .orElseThrow();
        assertThat(received.path("deduplicationId").asText()).isEqualTo(hash);
    }

    @Test
    void send_contentBasedDeduplication_givesWayToAnExplicitDeduplicationId() {
        String queue = createQueue("cbd", "contentBasedDeduplication", true);

        send(queue, obj("body", "same", "deduplicationId", "one"));
        JsonNode second = send(queue, obj("body", "same", "deduplicationId", "two"));

        assertThat(second.path("duplicate").booleanValue()).isFalse();
        assertThat(browseAll(queue)).hasSize(2);
    }

    @Test
    void send_sameBodyTwice_withoutContentBasedDeduplication_storesBoth() {
        String queue = createQueue("nodedup");

        sendBody(queue, "twice");
        JsonNode second = send(queue, obj("body", "twice"));

        assertThat(second.path("duplicate").booleanValue()).isFalse();
        assertThat(browseBodies(queue)).containsExactly("twice", "twice");
    }

    // ------------------------------------------------------------------ size

    @Test
    void send_overMaxMessageBytes_is413_countingUtf8BytesOfBodyAndAttributeNamesAndValues() {
        String queue = createQueue("size", "maxMessageBytes", 100);
        String e = "\u00e9"; // two bytes in UTF-8

        send(queue, obj("body", e.repeat(50))); // 100 bytes
        mq.post(messagesPath(queue), obj("body", e.repeat(51))).expectError(413, "PayloadTooLarge"); // 102
        send(queue, obj("body", "a".repeat(97), "attributes", Map.of("k", e))); // 97 + 1 + 2
        mq.post(messagesPath(queue), obj("body", "a".repeat(98), "attributes", Map.of("k", e)))
                .expectError(413, "PayloadTooLarge"); // 98 + 1 + 2
        send(queue, obj("body", "a".repeat(96), "attributes", Map.of("kk", e))); // 96 + 2 + 2
        mq.post(messagesPath(queue), obj("body", "a".repeat(96), "attributes", Map.of("kkk", e)))
                .expectError(413, "PayloadTooLarge"); // 96 + 3 + 2
        mq.post(messagesPath(queue), obj("body", "\uD83D\uDE00".repeat(26)))
                .expectError(413, "PayloadTooLarge"); // 26 x 4 bytes

        assertThat(browseBodies(queue)).containsExactly(e.repeat(50), "a".repeat(97), "a".repeat(96));
    }

    @Test
    void send_atTheDefaultLimitOf262144Bytes_isAccepted_andOneByteMoreIs413() {
        String queue = createQueue("size");

        send(queue, obj("body", "a".repeat(262_144)));
        mq.post(messagesPath(queue), obj("body", "a".repeat(262_145))).expectError(413, "PayloadTooLarge");
        mq.post(messagesPath(queue), obj("body", "a".repeat(262_140), "attributes", Map.of("ab", "cde")))
                .expectError(413, "PayloadTooLarge");

        List<JsonNode> stored = browseAll(queue);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).path("body").asText()).hasSize(262_144);
    }
}
