package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Browsing without leasing, paging, and redrive out of a dead-letter queue. */
class BrowseAndRedriveContractTest extends ContractTestSupport {

    // ------------------------------------------------------------------ browse

    @Test
    void browse_showsEveryUnacknowledgedMessage_inSendOrder_withItsState() {
        String queue = createQueue("browse");
        sendBody(queue, "acked");
        ack(queue, receiveOne(queue, 30).path("receiptHandle").asText());
        String a = sendBody(queue, "a");
        assertThat(receiveOne(queue, 60).path("messageId").asText()).isEqualTo(a);
        String b = send(queue, obj("body", "b", "attributes", Map.of("k", "v")))
                .path("messageId")
                .asText();
        String c = send(queue, obj("body", "c", "delaySeconds", 60))
                .path("messageId")
                .asText();
        String d = sendBody(queue, "d");

        JsonNode answer =
                mq.get(messagesPath(queue) + "?limit=100").expectStatus(200).json();

        List<JsonNode> messages = list(answer.path("messages"));
        assertThat(texts(messages, "messageId")).containsExactly(a, b, c, d);
        assertThat(texts(messages, "body")).containsExactly("a", "b", "c", "d");
        assertThat(texts(messages, "state")).containsExactly("inFlight", "visible", "delayed", "visible");
        assertThat(messages.get(0).path("receiveCount").asInt(-1)).isEqualTo(1);
        assertThat(messages.get(1).path("receiveCount").asInt(-1)).isEqualTo(0);
        assertThat(messages.get(1).path("attributes").path("k").asText()).isEqualTo("v");
        for (JsonNode m : messages) {
            assertThat(m.has("receiptHandle"))
                    .as("no receipt handle when browsing: %s", m)
                    .isFalse();
            utcTime(m, "sentAt");
        }
        utcTime(messages.get(0), "firstReceivedAt");
        assertThat(answer.has("next") && answer.get("next").isNull())
                .as("next is null on the last page: %s", answer)
                .isTrue();
    }

    @Test
    void browse_neitherLeasesNorCountsAReceive() {
        String queue = createQueue("browse");
        sendBody(queue, "looked at");

        browseAll(queue);
        browseAll(queue);
        JsonNode received = receiveOne(queue, 30);
        JsonNode afterReceive = browseAll(queue).get(0);
        JsonNode again = browseAll(queue).get(0);

        assertThat(received.path("receiveCount").asInt()).isEqualTo(1);
        assertThat(afterReceive.path("receiveCount").asInt()).isEqualTo(1);
        assertThat(again.path("receiveCount").asInt()).isEqualTo(1);
        assertThat(again.path("state").asText()).isEqualTo("inFlight");
        ack(queue, received.path("receiptHandle").asText());
    }

    @Test
    void browse_ofAnEmptyQueue_answersNoMessagesAndNullNext() {
        String queue = createQueue("browse");

        JsonNode answer = mq.get(messagesPath(queue)).expectStatus(200).json();

        assertThat(answer.path("messages").isArray()).isTrue();
        assertThat(answer.path("messages").size()).isZero();
        assertThat(absent(answer, "next")).isTrue();
    }

    @Test
    void browse_pagesWithLimitAndNext_inSendOrder() {
        String queue = createQueue("pages");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(sendBody(queue, "m" + i));
        }

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 6; page++) {
            JsonNode answer = mq.get(
                            messagesPath(queue) + "?limit=2" + (next == null ? "" : "&next=" + urlEncode(next)))
                    .expectStatus(200)
                    .json();
            sizes.add(answer.path("messages").size());
            seen.addAll(texts(list(answer.path("messages")), "messageId"));
            next = absent(answer, "next") ? null : answer.path("next").asText();
            if (next == null) {
                break;
            }
        }

        assertThat(next).as("paging ends").isNull();
        assertThat(seen).containsExactlyElementsOf(sent);
        assertThat(sizes).startsWith(2, 2).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "many", "2.5"})
    void browse_withLimitOutOfRange_is400(String limit) {
        String queue = createQueue("limit");

        mq.get(messagesPath(queue) + "?limit=" + limit).expectError(400, "InvalidRequest");
    }

    @Test
    void browse_acceptsLimit1And100() {
        String queue = createQueue("limit");
        sendBody(queue, "one");
        sendBody(queue, "two");

        JsonNode one =
                mq.get(messagesPath(queue) + "?limit=1").expectStatus(200).json();
        JsonNode hundred =
                mq.get(messagesPath(queue) + "?limit=100").expectStatus(200).json();

        assertThat(one.path("messages").size()).isEqualTo(1);
        assertThat(absent(one, "next")).isFalse();
        assertThat(hundred.path("messages").size()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"***", "!!"})
    void browse_withANextTokenNotIssuedByTheApi_is400(String token) {
        String queue = createQueue("token");

        mq.get(messagesPath(queue) + "?next=" + token).expectError(400, "InvalidRequest");
    }

    @Test
    void browse_unknownQueue_is404QueueNotFound() {
        mq.get(messagesPath(uniqueName("nobody"))).expectError(404, "QueueNotFound");
    }

    // ------------------------------------------------------------------ redrive

    @Test
    void redrive_byDefault_movesEachMessageBackToTheQueueItCameFrom() {
        String dlq = createQueue("dlq");
        String first = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        String second = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        sendBody(first, "from first");
        sendBody(second, "from second");
        receiveOne(first, 1);
        receiveOne(second, 1);
        pause(LEASE_ENDED_MILLIS);
        assertNothingToReceive(first);
        assertNothingToReceive(second);
        eventually(Duration.ofSeconds(5), () -> assertThat(browseAll(dlq)).hasSize(2));

        JsonNode answer =
                mq.post(queuePath(dlq) + "/redrive", obj()).expectStatus(200).json();

        assertThat(answer.path("moved").isIntegralNumber()).as("%s", answer).isTrue();
        assertThat(answer.path("moved").asInt()).isEqualTo(2);
        assertThat(browseAll(dlq)).isEmpty();
        assertThat(browseBodies(first)).containsExactly("from first");
        assertThat(browseBodies(second)).containsExactly("from second");
    }

    @Test
    void redrive_movedMessage_startsAgainWithReceiveCount0() {
        String dlq = createQueue("dlq");
        String queue = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        String id = sendBody(queue, "second chance");
        deadLetter(queue, dlq, 1);

        mq.post(queuePath(dlq) + "/redrive", obj()).expectStatus(200);

        JsonNode browsed = browseAll(queue).get(0);
        assertThat(browsed.path("receiveCount").asInt(-1)).isEqualTo(0);
        assertThat(browsed.path("state").asText()).isEqualTo("visible");
        JsonNode received = receiveOne(queue, 30);
        assertThat(received.path("body").asText()).isEqualTo("second chance");
        assertThat(received.path("receiveCount").asInt()).isEqualTo(1);
        assertThat(browsed.path("messageId").asText())
                .isEqualTo(received.path("messageId").asText());
        assertThat(id).isNotBlank();
    }

    @Test
    void deadLetteredAndRedrivenMessage_keepsItsMessageId() {
        String dlq = createQueue("dlq");
        String queue = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        String id = sendBody(queue, "same message");
        deadLetter(queue, dlq, 1);
        assertThat(browseAll(dlq).get(0).path("messageId").asText()).isEqualTo(id);

        mq.post(queuePath(dlq) + "/redrive", obj()).expectStatus(200);

        assertThat(browseAll(queue).get(0).path("messageId").asText()).isEqualTo(id);
        assertThat(receiveOne(queue, 30).path("messageId").asText()).isEqualTo(id);
    }

    @Test
    void redrive_withDestination_movesTheMessagesThere() {
        String dlq = createQueue("dlq");
        String queue = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        String elsewhere = createQueue("dest");
        sendBody(queue, "rerouted");
        deadLetter(queue, dlq, 1);

        JsonNode answer = mq.post(queuePath(dlq) + "/redrive", obj("destination", elsewhere))
                .expectStatus(200)
                .json();

        assertThat(answer.path("moved").asInt()).isEqualTo(1);
        assertThat(browseAll(dlq)).isEmpty();
        assertThat(browseAll(queue)).isEmpty();
        JsonNode received = receiveOne(elsewhere, 30);
        assertThat(received.path("body").asText()).isEqualTo("rerouted");
        assertThat(received.path("receiveCount").asInt()).isEqualTo(1);
    }

    @Test
    void redrive_maxMessages_limitsHowManyMove() {
        String dlq = createQueue("dlq");
        String queue = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        sendBatch(queue, obj("body", "m0"), obj("body", "m1"), obj("body", "m2"));
        deadLetter(queue, dlq, 3);

        JsonNode first = mq.post(queuePath(dlq) + "/redrive", obj("maxMessages", 2))
                .expectStatus(200)
                .json();

        assertThat(first.path("moved").asInt()).isEqualTo(2);
        assertThat(browseAll(dlq)).hasSize(1);
        assertThat(browseAll(queue)).hasSize(2);
        JsonNode rest = mq.post(queuePath(dlq) + "/redrive", obj("maxMessages", 10_000))
                .expectStatus(200)
                .json();
        assertThat(rest.path("moved").asInt()).isEqualTo(1);
        assertThat(browseBodies(queue)).containsExactlyInAnyOrder("m0", "m1", "m2");
    }

    @Test
    void redrive_ofAnEmptyQueue_movesNothing() {
        String dlq = createQueue("dlq");
        createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1);

        JsonNode answer =
                mq.post(queuePath(dlq) + "/redrive", obj()).expectStatus(200).json();

        assertThat(answer.path("moved").asInt(-1)).isEqualTo(0);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"maxMessages\": 0}", "{\"maxMessages\": 10001}", "{\"maxMessages\": \"5\"}", "{\"destination\": 5}",
                "{\"destination\": \"bad.name\"}", "{\"colour\": \"red\"}", "{", "[]"
            })
    void redrive_withInvalidRequest_is400_andMovesNothing(String body) {
        String dlq = createQueue("dlq");
        createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1);
        sendBody(dlq, "stays");

        mq.post(queuePath(dlq) + "/redrive", body).expectError(400, "InvalidRequest");

        assertThat(browseBodies(dlq)).containsExactly("stays");
    }

    @Test
    void redrive_toADestinationThatDoesNotExist_is404QueueNotFound_andMovesNothing() {
        String dlq = createQueue("dlq");
        createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1);
        sendBody(dlq, "stays");

        mq.post(queuePath(dlq) + "/redrive", obj("destination", uniqueName("missing")))
                .expectError(404, "QueueNotFound");

        assertThat(browseBodies(dlq)).containsExactly("stays");
    }

    @Test
    void redrive_unknownQueue_is404QueueNotFound() {
        mq.post(queuePath(uniqueName("nobody")) + "/redrive", obj()).expectError(404, "QueueNotFound");
    }

    /** Receives {@code count} messages once with a 1 s lease and waits until they are dead letters. */
    private void deadLetter(String queue, String dlq, int count) {
        receiveAll(queue, count, 1);
        pause(LEASE_ENDED_MILLIS);
        assertNothingToReceive(queue);
        eventually(Duration.ofSeconds(5), () -> assertThat(browseAll(dlq)).hasSize(count));
    }
}
