package dev.mq.contract;

import static dev.mq.contract.ContractClient.arr;
import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Acknowledging and changing visibility: idempotence, lease takeover, handle validity, batch rules. */
class AckContractTest extends ContractTestSupport {

    // ------------------------------------------------------------------ ack

    @Test
    void ack_batch_answersOkForEachHandle_inRequestOrder_andDeletesTheMessages() {
        String queue = createQueue("ack");
        for (int i = 0; i < 3; i++) {
            sendBody(queue, "m" + i);
        }
        List<String> handles = texts(receiveAll(queue, 3, 30), "receiptHandle");

        JsonNode answer = mq.post(queuePath(queue) + "/ack", obj("receiptHandles", handles))
                .expectStatus(200)
                .json();

        List<JsonNode> results = list(answer.path("results"));
        assertThat(texts(results, "receiptHandle")).containsExactlyElementsOf(handles);
        for (JsonNode r : results) {
            assertThat(r.path("ok").isBoolean() && r.path("ok").booleanValue())
                    .as("ok in %s", r)
                    .isTrue();
            assertThat(r.has("error")).as("no error in %s", r).isFalse();
        }
        assertThat(browseAll(queue)).isEmpty();
        assertNothingToReceive(queue);
    }

    @Test
    void ack_single_answers204_andDeletesTheMessage() {
        String queue = createQueue("ack");
        sendBody(queue, "one");
        sendBody(queue, "two");
        List<JsonNode> got = receiveAll(queue, 2, 30);

        mq.delete(messagesPath(queue) + "/" + got.get(0).path("receiptHandle").asText())
                .expectStatus(204);

        assertThat(texts(browseAll(queue), "messageId"))
                .containsExactly(got.get(1).path("messageId").asText());
    }

    @Test
    void ack_twice_isIdempotent_inBothForms() {
        String queue = createQueue("ack");
        sendBody(queue, "one");
        sendBody(queue, "two");
        List<JsonNode> got = receiveAll(queue, 2, 30);
        String single = got.get(0).path("receiptHandle").asText();
        String batched = got.get(1).path("receiptHandle").asText();

        ack(queue, single);
        ack(queue, single);
        for (int i = 0; i < 2; i++) {
            JsonNode r = mq.post(queuePath(queue) + "/ack", obj("receiptHandles", arr(batched, single)))
                    .expectStatus(200)
                    .json()
                    .path("results");
            assertThat(r.get(0).path("ok").booleanValue()).as("%s", r).isTrue();
            assertThat(r.get(1).path("ok").booleanValue()).as("%s", r).isTrue();
        }
        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void ack_keepsMessage_whenLeaseWasTakenOver() {
        String queue = createQueue("lost");
        String id = sendBody(queue, "contested");
        String stale = receiveOne(queue, 1).path("receiptHandle").asText();
        String current = receiveOne(queue, 30).path("receiptHandle").asText();

        mq.delete(messagesPath(queue) + "/" + stale).expectError(409, "LeaseLost");
        JsonNode batch = mq.post(queuePath(queue) + "/ack", obj("receiptHandles", arr(stale)))
                .expectStatus(200)
                .json()
                .path("results")
                .get(0);

        assertThat(batch.path("receiptHandle").asText()).isEqualTo(stale);
        ContractClient.checkErrorShape(batch, "ack entry " + batch);
        assertThat(batch.path("error").path("code").asText()).isEqualTo("LeaseLost");
        assertThat(batch.has("ok") && batch.path("ok").booleanValue()).isFalse();
        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "messageId")).containsExactly(id);
        assertThat(stored.get(0).path("state").asText()).isEqualTo("inFlight");
        ack(queue, current);
        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void ack_afterTheVisibilityTimeout_whenNobodyReceivedItAgain_stillDeletes() {
        String queue = createQueue("late");
        sendBody(queue, "slow consumer");
        String handle = receiveOne(queue, 1).path("receiptHandle").asText();
        pause(LEASE_ENDED_MILLIS);

        ack(queue, handle);

        assertThat(browseAll(queue)).isEmpty();
        assertNothingToReceive(queue);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "not.a.handle", "AAAA.BBBB", "-_-_", "0", "a.b.c.d"})
    void ack_garbageHandle_is400InvalidReceiptHandle(String garbage) {
        String queue = leasedQueue().queue();

        mq.delete(messagesPath(queue) + "/" + garbage).expectError(400, "InvalidReceiptHandle");

        assertThat(browseAll(queue)).hasSize(1);
    }

    @Test
    void ack_veryLongGarbageHandle_is400InvalidReceiptHandle() {
        String queue = leasedQueue().queue();

        mq.delete(messagesPath(queue) + "/" + "x".repeat(3000)).expectError(400, "InvalidReceiptHandle");
    }

    @Test
    void ack_tamperedHandle_is400InvalidReceiptHandle_andKeepsTheMessage() {
        String queue = createQueue("tamper");
        sendBody(queue, "kept");
        String handle = receiveOne(queue, 30).path("receiptHandle").asText();

        for (String tampered : tamperings(handle)) {
            mq.delete(messagesPath(queue) + "/" + tampered).expectError(400, "InvalidReceiptHandle");
        }

        assertThat(browseAll(queue)).hasSize(1);
        ack(queue, handle);
    }

    @Test
    void ack_batch_reportsEachHandlesProblemInItsEntry_andAcksTheOthers() {
        String queue = createQueue("mixed");
        sendBody(queue, "to ack");
        sendBody(queue, "contested");
        List<JsonNode> got = receiveAll(queue, 2, 1);
        String good = got.get(0).path("receiptHandle").asText();
        String contestedId = got.get(1).path("messageId").asText();
        String stale = got.get(1).path("receiptHandle").asText();
        ack(queue, good); // after this the handle acks a message that is already gone
        String current = receiveOne(queue, 30).path("receiptHandle").asText();
        String tampered = tamperings(current).get(0);

        List<JsonNode> results =
                list(mq.post(queuePath(queue) + "/ack", obj("receiptHandles", arr(good, "garbage", stale, tampered)))
                        .expectStatus(200)
                        .json()
                        .path("results"));

        assertThat(texts(results, "receiptHandle")).containsExactly(good, "garbage", stale, tampered);
        assertThat(results.get(0).path("ok").booleanValue()).isTrue();
        assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("InvalidReceiptHandle");
        assertThat(results.get(2).path("error").path("code").asText()).isEqualTo("LeaseLost");
        assertThat(results.get(3).path("error").path("code").asText()).isEqualTo("InvalidReceiptHandle");
        for (int i = 1; i < 4; i++) {
            ContractClient.checkErrorShape(results.get(i), "ack entry " + results.get(i));
        }
        assertThat(texts(browseAll(queue), "messageId")).containsExactly(contestedId);
        ack(queue, current);
    }

    @Test
    void ack_withAHandleOfAnotherQueue_isInvalidReceiptHandle_inEveryForm() {
        String queue = createQueue("mine");
        String other = createQueue("other");
        sendBody(queue, "mine");
        sendBody(other, "theirs");
        String handle = receiveOne(queue, 30).path("receiptHandle").asText();
        receiveOne(other, 30);

        mq.delete(messagesPath(other) + "/" + handle).expectError(400, "InvalidReceiptHandle");
        JsonNode entry = mq.post(queuePath(other) + "/ack", obj("receiptHandles", arr(handle)))
                .expectStatus(200)
                .json()
                .path("results")
                .get(0);
        changeVisibility(other, handle, 0).expectError(400, "InvalidReceiptHandle");

        assertThat(entry.path("error").path("code").asText()).isEqualTo("InvalidReceiptHandle");
        assertThat(browseAll(queue)).hasSize(1);
        assertThat(browseAll(other)).hasSize(1);
        ack(queue, handle);
        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void ack_batchOf11_is400TooManyEntries_andDeletesNothing() {
        String queue = createQueue("many");
        sendBody(queue, "kept");
        String handle = receiveOne(queue, 30).path("receiptHandle").asText();
        Object[] handles = new Object[11];
        java.util.Arrays.fill(handles, handle);

        mq.post(queuePath(queue) + "/ack", obj("receiptHandles", arr(handles))).expectError(400, "TooManyEntries");

        assertThat(browseAll(queue)).hasSize(1);
    }

    @Test
    void ack_emptyBatch_is400EmptyBatch() {
        String queue = createQueue("none");

        mq.post(queuePath(queue) + "/ack", obj("receiptHandles", arr())).expectError(400, "EmptyBatch");
    }

    // ------------------------------------------------------------------ visibility

    @Test
    void visibility_answers204_andAnExtensionKeepsTheMessageHidden() {
        String queue = createQueue("extend");
        sendBody(queue, "extended");
        String handle = receiveOne(queue, 1).path("receiptHandle").asText();

        changeVisibility(queue, handle, 30).expectStatus(204);
        pause(LEASE_ENDED_MILLIS);

        assertNothingToReceive(queue);
        assertThat(texts(browseAll(queue), "state")).containsExactly("inFlight");
        ack(queue, handle);
        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void visibility_zero_releasesTheMessageAtOnce() {
        String queue = createQueue("nack");
        sendBody(queue, "rejected");
        String handle = receiveOne(queue, 300).path("receiptHandle").asText();

        changeVisibility(queue, handle, 0).expectStatus(204);

        assertThat(texts(browseAll(queue), "state")).containsExactly("visible");
        List<JsonNode> again = receive(queue, obj("waitSeconds", 0, "visibilityTimeoutSeconds", 30));
        assertThat(again).hasSize(1);
        assertThat(again.get(0).path("receiveCount").asInt()).isEqualTo(2);
    }

    @Test
    void visibility_shortening_letsTheMessageReturnEarly() {
        String queue = createQueue("shorten");
        sendBody(queue, "sooner");
        String handle = receiveOne(queue, 300).path("receiptHandle").asText();

        changeVisibility(queue, handle, 1).expectStatus(204);

        assertNothingToReceive(queue);
        assertThat(receiveOne(queue, 30).path("receiveCount").asInt()).isEqualTo(2);
    }

    @Test
    void visibility_withASupersededHandle_is409LeaseLost_andLeavesTheNewLeaseAlone() {
        String queue = createQueue("lost");
        sendBody(queue, "contested");
        String stale = receiveOne(queue, 1).path("receiptHandle").asText();
        String current = receiveOne(queue, 30).path("receiptHandle").asText();

        changeVisibility(queue, stale, 0).expectError(409, "LeaseLost");

        assertNothingToReceive(queue);
        changeVisibility(queue, current, 30).expectStatus(204);
        ack(queue, current);
    }

    @Test
    void visibility_withGarbageOrTamperedHandle_is400InvalidReceiptHandle() {
        String queue = createQueue("garbage");
        sendBody(queue, "kept");
        String handle = receiveOne(queue, 30).path("receiptHandle").asText();

        changeVisibility(queue, "garbage", 0).expectError(400, "InvalidReceiptHandle");
        for (String tampered : tamperings(handle)) {
            changeVisibility(queue, tampered, 0).expectError(400, "InvalidReceiptHandle");
        }

        assertNothingToReceive(queue);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"visibilityTimeoutSeconds\": 43201}",
                "{\"visibilityTimeoutSeconds\": -1}",
                "{\"visibilityTimeoutSeconds\": \"5\"}",
                "{}",
                "{\"visibilityTimeoutSeconds\": 5, \"extra\": 1}"
            })
    void visibility_withInvalidTimeout_is400InvalidRequest(String fields) {
        String queue = leasedQueue().queue();
        String handle = leasedQueue().handle();
        String body =
                "{\"receiptHandle\": \"" + handle + "\"" + (fields.equals("{}") ? "}" : ", " + fields.substring(1));

        mq.post(queuePath(queue) + "/visibility", body).expectError(400, "InvalidRequest");

        assertNothingToReceive(queue);
    }

    @Test
    void visibility_withoutAReceiptHandle_is400InvalidRequest() {
        String queue = leasedQueue().queue();

        mq.post(queuePath(queue) + "/visibility", obj("visibilityTimeoutSeconds", 5))
                .expectError(400, "InvalidRequest");
    }

    @Test
    void visibility_acceptsTheLimits0And43200() {
        String queue = createQueue("limits");
        sendBody(queue, "x");
        String handle = receiveOne(queue, 30).path("receiptHandle").asText();

        changeVisibility(queue, handle, 43_200).expectStatus(204);
        assertNothingToReceive(queue);
        changeVisibility(queue, handle, 0).expectStatus(204);
        assertThat(receive(queue, obj("waitSeconds", 0))).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private record Leased(String queue, String handle) {}

    private Leased leased;

    /**
     * A queue whose one message is leased for long, shared by the cases of refused acks and changes:
     * each checks the message is still there and hidden, so one that got through shows in its case.
     */
    private synchronized Leased leasedQueue() {
        if (leased == null) {
            String queue = createQueue("leased");
            sendBody(queue, "kept");
            leased = new Leased(
                    queue, receiveOne(queue, 600).path("receiptHandle").asText());
        }
        return leased;
    }

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * Handles that differ from a real one but stay URL-safe: a character changed in the middle and at
     * the end, one appended, one cut at either end. A changed character flips the top bit of its
     * base64 value, which always carries data (a low bit may be padding that a decoder ignores).
     */
    static List<String> tamperings(String handle) {
        int middle = handle.length() / 2;
        while (handle.charAt(middle) == '.') {
            middle++;
        }
        int end = handle.length() - 1;
        return List.of(
                flip(handle, middle), flip(handle, end), handle + "A", handle.substring(0, end), handle.substring(1));
    }

    private static String flip(String handle, int at) {
        int value = BASE64URL.indexOf(handle.charAt(at));
        char replacement = value < 0 ? (handle.charAt(at) == 'A' ? 'B' : 'A') : BASE64URL.charAt(value ^ 32);
        return handle.substring(0, at) + replacement + handle.substring(at + 1);
    }
}
