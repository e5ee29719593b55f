package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on every operation: always a 4xx with the error shape (the client checks that every
 * answer is below 500), and a refused request changes nothing.
 */
class BadInputContractTest extends ContractTestSupport {

    static Stream<String> invalidMessages() {
        Map<String, String> eleven = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            eleven.put("a" + i, "v");
        }
        return Stream.of(
                "{",
                "{\"body\": \"x\"} trailing",
                "{\"body\": \"x\"}}",
                "not json at all",
                "[]",
                "[{\"body\": \"x\"}]",
                "\"just a string\"",
                "42",
                "null",
                "{}",
                "{\"body\": null}",
                "{\"body\": \"\"}",
                "{\"body\": 5}",
                "{\"body\": {\"nested\": true}}",
                "{\"body\": [\"x\"]}",
                "{\"body\": \"x\", \"delaySeconds\": \"5\"}",
                "{\"body\": \"x\", \"delaySeconds\": 1.5}",
                "{\"body\": \"x\", \"delaySeconds\": 99999999999}",
                "{\"body\": \"x\", \"colour\": \"red\"}",
                "{\"body\": \"x\", \"Body\": \"y\"}",
                "{\"body\": \"x\", \"attributes\": \"k=v\"}",
                "{\"body\": \"x\", \"attributes\": [\"k\"]}",
                "{\"body\": \"x\", \"attributes\": {\"k\": 5}}",
                "{\"body\": \"x\", \"attributes\": {\"k\": null}}",
                "{\"body\": \"x\", \"attributes\": {\"bad name\": \"v\"}}",
                "{\"body\": \"x\", \"attributes\": {\"\": \"v\"}}",
                "{\"body\": \"x\", \"attributes\": {\"" + "n".repeat(257) + "\": \"v\"}}",
                json(obj("body", "x", "attributes", eleven)),
                "{\"body\": \"x\", \"deduplicationId\": \"\"}",
                "{\"body\": \"x\", \"deduplicationId\": \"has space\"}",
                "{\"body\": \"x\", \"deduplicationId\": \"gr\u00fc\u00df\"}",
                "{\"body\": \"x\", \"deduplicationId\": \"" + "d".repeat(129) + "\"}",
                "{\"body\": \"x\", \"deduplicationId\": 7}",
                "{\"body\": \"x\", \"deliverAt\": \"tomorrow\"}",
                "{\"body\": \"x\", \"deliverAt\": 1893456000}",
                "{\"body\": \"x\", \"deliverAt\": \"2030-13-45T99:00:00Z\"}",
                "{\"body\": \"\\ud800\"}",
                "{\"messages\": \"x\"}",
                "{\"messages\": {\"body\": \"x\"}}",
                "{\"messages\": null}",
                "{\"messages\": [{\"body\": \"x\"}], \"extra\": 1}",
                "{\"body\": \"x\", \"messages\": [{\"body\": \"y\"}]}");
    }

    @ParameterizedTest
    @MethodSource("invalidMessages")
    void send_invalidRequest_is400InvalidRequest_andStoresNothing(String body) {
        String queue = shared("send", () -> createQueue("bad-send"));

        ContractClient.Reply reply = mq.post(messagesPath(queue), body);

        assertThat(reply.status()).as(reply.describe()).isLessThan(500);
        reply.expectError(400, "InvalidRequest");
        assertThat(browseAll(queue))
                .as("messages stored after %s", reply.describe())
                .isEmpty();
    }

    @Test
    void send_groupIdTooLong_onFifo_is400() {
        String queue = createFifoQueue("bad");

        mq.post(messagesPath(queue), obj("body", "x", "groupId", "g".repeat(129)))
                .expectError(400, "InvalidRequest");
        mq.post(messagesPath(queue), obj("body", "x", "groupId", "")).expectError(400, "InvalidRequest");

        send(queue, obj("body", "x", "groupId", "g".repeat(128), "deduplicationId", "d".repeat(128)));
        assertThat(browseAll(queue)).hasSize(1);
    }

    @Test
    void send_batchEntryThatIsNotAnObject_isAnEntryError_andTheOthersAreSent() {
        String queue = createQueue("bad");

        JsonNode results = mq.post(messagesPath(queue), "{\"messages\": [5, {\"body\": \"ok\"}, \"x\", {\"body\": 1}]}")
                .expectStatus(200)
                .json()
                .path("results");

        assertThat(results.size()).isEqualTo(4);
        for (int i : new int[] {0, 2, 3}) {
            ContractClient.checkErrorShape(results.get(i), "entry " + i + " of " + results);
            assertThat(results.get(i).path("error").path("code").asText()).isEqualTo("InvalidRequest");
        }
        assertThat(results.get(1).path("messageId").asText()).isNotBlank();
        assertThat(browseBodies(queue)).containsExactly("ok");
    }

    static Stream<String> invalidReceives() {
        return Stream.of(
                "{",
                "[]",
                "{\"maxMessages\": 0}",
                "{\"maxMessages\": 11}",
                "{\"maxMessages\": \"1\"}",
                "{\"maxMessages\": 1.5}",
                "{\"waitSeconds\": -1}",
                "{\"waitSeconds\": 21}",
                "{\"visibilityTimeoutSeconds\": -1}",
                "{\"visibilityTimeoutSeconds\": 43201}",
                "{\"visibilityTimeoutSeconds\": true}",
                "{\"max\": 1}");
    }

    @ParameterizedTest
    @MethodSource("invalidReceives")
    void receive_invalidRequest_is400InvalidRequest_andLeasesNothing(String body) {
        String queue = shared("receive", () -> {
            String q = createQueue("bad-receive");
            sendBody(q, "untouched");
            return q;
        });

        mq.post(queuePath(queue) + "/receive", body).expectError(400, "InvalidRequest");

        List<JsonNode> stored = browseAll(queue);
        assertThat(texts(stored, "state")).containsExactly("visible");
        assertThat(stored.get(0).path("receiveCount").asInt()).isZero();
    }

    static Stream<String> invalidAcks() {
        return Stream.of(
                "{",
                "[]",
                "{}",
                "{\"receiptHandles\": null}",
                "{\"receiptHandles\": \"h\"}",
                "{\"receiptHandles\": [5]}",
                "{\"receiptHandles\": [null]}",
                "{\"receiptHandle\": [\"h\"]}",
                "{\"receiptHandles\": [\"h\"], \"extra\": 1}");
    }

    @ParameterizedTest
    @MethodSource("invalidAcks")
    void ack_invalidRequest_is400InvalidRequest(String body) {
        String queue = shared("plain", () -> createQueue("bad"));

        mq.post(queuePath(queue) + "/ack", body).expectError(400, "InvalidRequest");
    }

    static Stream<String> invalidVisibilityChanges() {
        return Stream.of(
                "{",
                "[]",
                "{}",
                "{\"receiptHandle\": 5, \"visibilityTimeoutSeconds\": 1}",
                "{\"receiptHandle\": null, \"visibilityTimeoutSeconds\": 1}");
    }

    @ParameterizedTest
    @MethodSource("invalidVisibilityChanges")
    void visibility_invalidRequest_is400InvalidRequest(String body) {
        String queue = shared("plain", () -> createQueue("bad"));

        mq.post(queuePath(queue) + "/visibility", body).expectError(400, "InvalidRequest");
    }

    static Stream<String> invalidQueueBodies() {
        return Stream.of("{", "[]", "\"x\"", "5", "{\"visibilityTimeoutSeconds\": 5}}", "{\"attributes\": {}}");
    }

    @ParameterizedTest
    @MethodSource("invalidQueueBodies")
    void putQueue_invalidBody_is400InvalidRequest_andCreatesNothing(String body) {
        String name = track(uniqueName("bad"));

        mq.put(queuePath(name), body).expectError(400, "InvalidRequest");

        mq.get(queuePath(name)).expectError(404, "QueueNotFound");
    }

    @ParameterizedTest
    @MethodSource("invalidQueueBodies")
    void patchQueue_invalidBody_is400InvalidRequest_andChangesNothing(String body) {
        String queue = shared("patch", () -> createQueue("bad-patch", "visibilityTimeoutSeconds", 5));

        mq.patch(queuePath(queue), body).expectError(400, "InvalidRequest");

        assertThat(describeQueue(queue)
                        .path("attributes")
                        .path("visibilityTimeoutSeconds")
                        .asInt())
                .isEqualTo(5);
    }

    /** Every operation on a queue, as method, path below the queue, and a valid body. */
    static Stream<Arguments> queueOperations() {
        return Stream.of(
                Arguments.of("GET", "", null),
                Arguments.of("PATCH", "", "{\"visibilityTimeoutSeconds\": 5}"),
                Arguments.of("DELETE", "", null),
                Arguments.of("POST", "/purge", null),
                Arguments.of("POST", "/messages", "{\"body\": \"x\"}"),
                Arguments.of("GET", "/messages", null),
                Arguments.of("POST", "/receive", "{}"),
                Arguments.of("POST", "/ack", "{\"receiptHandles\": [\"abc.def\"]}"),
                Arguments.of("DELETE", "/messages/abc.def", null),
                Arguments.of(
                        "POST", "/visibility", "{\"receiptHandle\": \"abc.def\", \"visibilityTimeoutSeconds\": 1}"),
                Arguments.of("POST", "/redrive", "{}"),
                Arguments.of("GET", "/consumers", null),
                Arguments.of("PUT", "/consumers/c", "{\"endpoint\": \"https://1.1.1.1/hook\", \"secret\": \"s\"}"),
                Arguments.of("GET", "/consumers/c", null),
                Arguments.of("DELETE", "/consumers/c", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("queueOperations")
    void anyOperation_onAQueueThatDoesNotExist_is404QueueNotFound(String method, String below, String body) {
        String path = queuePath(uniqueName("nobody")) + below;

        mq.exchange(method, path, body).expectError(404, "QueueNotFound");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("queueOperations")
    void anyOperation_onAnInvalidQueueName_is400InvalidRequest(String method, String below, String body) {
        String path = queuePath("bad.name!") + below;

        mq.exchange(method, path, body).expectError(400, "InvalidRequest");
    }

    @Test
    void anInvalidName_isEchoedAsWritten_notPercentEncoded() {
        JsonNode queue = mq.get("/v1/queues/bad%20name").expectError(400, "InvalidRequest");
        JsonNode topic = mq.put("/v1/topics/caf%C3%A9", null).expectError(400, "InvalidRequest");

        assertThat(queue.path("message").asText()).contains("'bad name'").doesNotContain("%20");
        assertThat(topic.path("message").asText()).contains("'caf\u00e9'").doesNotContain("%C3");
    }

    @Test
    void putQueue_withAnInvalidName_is400_evenWithAValidBody() {
        mq.put(queuePath("bad.name!"), obj("visibilityTimeoutSeconds", 5)).expectError(400, "InvalidRequest");
    }

    private final Map<String, String> sharedQueues = new ConcurrentHashMap<>();

    /**
     * A queue that all cases of one test share; each case checks that its refused request left the
     * queue as it was, so a request that got through shows in that case.
     */
    private String shared(String key, Supplier<String> create) {
        return sharedQueues.computeIfAbsent(key, k -> create.get());
    }

    private static String json(Object value) {
        try {
            return ContractClient.JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
