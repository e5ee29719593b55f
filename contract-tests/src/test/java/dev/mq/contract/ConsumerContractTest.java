package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Push consumers as resources of a queue: create, confirm, conflict, read, list and delete, what a
 * consumer may be, and that a consumer goes with its queue. No test here sends a message to a queue
 * with a consumer, so nothing is delivered anywhere.
 */
class ConsumerContractTest extends ContractTestSupport {
    /** A function no deployment runs: created on AWS (nothing is sent, so it is never invoked), refused locally. */
    private static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:mq-contract-nothing";

    /** The local server takes loopback endpoints; a deployment refuses them, so it gets a public address. */
    private static String endpoint() {
        return Target.get().local() ? "http://127.0.0.1:9/hook" : "https://1.1.1.1/mq-contract-hook";
    }

    private static ObjectNode endpointConsumer(Object... settings) {
        ObjectNode body = obj("endpoint", endpoint(), "secret", "s3cret");
        body.setAll(obj(settings));
        return body;
    }

    static String consumersPath(String queue) {
        return queuePath(queue) + "/consumers";
    }

    static String consumerPath(String queue, String name) {
        return consumersPath(queue) + "/" + name;
    }

    private List<JsonNode> listConsumers(String queue) {
        List<JsonNode> all = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = mq.get(consumersPath(queue) + "?limit=2" + (next == null ? "" : "&next=" + urlEncode(next)))
                    .expectStatus(200)
                    .json();
            all.addAll(list(page.path("consumers")));
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null);
        return all;
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void put_creates201_withTheDefaults_thenTheSameIs200_andOtherSettings409() {
        String queue = createQueue("consumers");

        JsonNode created = mq.put(consumerPath(queue, "push"), endpointConsumer())
                .expectStatus(201)
                .json();
        JsonNode again = mq.put(consumerPath(queue, "push"), endpointConsumer())
                .expectStatus(200)
                .json();
        mq.put(consumerPath(queue, "push"), endpointConsumer("batchSize", 5)).expectError(409, "ConsumerAlreadyExists");
        mq.put(consumerPath(queue, "push"), obj("endpoint", endpoint(), "secret", "other"))
                .expectError(409, "ConsumerAlreadyExists");

        assertThat(created.path("queue").asText()).isEqualTo(queue);
        assertThat(created.path("name").asText()).isEqualTo("push");
        assertThat(created.path("endpoint").asText()).isEqualTo(endpoint());
        assertThat(created.path("batchSize").asInt())
                .as("default batchSize in %s", created)
                .isEqualTo(10);
        assertThat(created.path("batchWindowSeconds").asInt()).isZero();
        assertThat(created.path("maxConcurrency").asInt()).isEqualTo(5);
        assertThat(absent(created, "function")).isTrue();
        assertThat(again).as("the same consumer, left as it was").isEqualTo(created);
        assertThat(mq.get(consumerPath(queue, "push")).expectStatus(200).json()).isEqualTo(created);
    }

    @Test
    void put_keepsTheSettingsGiven() {
        String queue = createQueue("settings");

        JsonNode created = mq.put(
                        consumerPath(queue, "tuned"),
                        endpointConsumer("batchSize", 1, "batchWindowSeconds", 20, "maxConcurrency", 100))
                .expectStatus(201)
                .json();

        assertThat(created.path("batchSize").asInt()).isEqualTo(1);
        assertThat(created.path("batchWindowSeconds").asInt()).isEqualTo(20);
        assertThat(created.path("maxConcurrency").asInt()).isEqualTo(100);
    }

    @Test
    void aConsumer_neverAnswersItsSecret() {
        String queue = createQueue("secret");

        List<ContractClient.Reply> replies = List.of(
                mq.put(consumerPath(queue, "hook"), endpointConsumer()).expectStatus(201),
                mq.put(consumerPath(queue, "hook"), endpointConsumer()).expectStatus(200),
                mq.get(consumerPath(queue, "hook")).expectStatus(200),
                mq.get(consumersPath(queue)).expectStatus(200));

        for (ContractClient.Reply reply : replies) {
            assertThat(reply.body()).as("the secret in %s", reply.describe()).doesNotContain("s3cret");
        }
    }

    @Test
    void aFunctionConsumer_isCreatedWhereFunctionsCanBeInvoked_andTheLocalServerSaysToUseAnEndpoint() {
        String queue = createQueue("function");

        ContractClient.Reply reply = mq.put(consumerPath(queue, "fn"), obj("function", FUNCTION));

        if (Target.get().local()) {
            JsonNode error = reply.expectError(400, "InvalidRequest");
            assertThat(error.path("message").asText()).contains("endpoint");
            mq.get(consumerPath(queue, "fn")).expectError(404, "ConsumerNotFound");
        } else {
            JsonNode created = reply.expectStatus(201).json();
            assertThat(created.path("function").asText()).isEqualTo(FUNCTION);
            assertThat(absent(created, "endpoint")).isTrue();
        }
    }

    @Test
    void list_pagesThroughTheQueuesConsumers_sortedByName_andNoOtherQueues() {
        String queue = createQueue("list");
        String other = createQueue("list-other");
        for (String name : List.of("c", "a", "b")) {
            mq.put(consumerPath(queue, name), endpointConsumer()).expectStatus(201);
        }
        mq.put(consumerPath(other, "z"), endpointConsumer()).expectStatus(201);

        List<JsonNode> listed = listConsumers(queue);

        assertThat(texts(listed, "name")).containsExactly("a", "b", "c");
        assertThat(texts(listed, "queue")).containsOnly(queue);
        assertThat(texts(
                        list(mq.get(consumersPath(createQueue("list-none")))
                                .expectStatus(200)
                                .json()
                                .path("consumers")),
                        "name"))
                .isEmpty();
    }

    @Test
    void delete_answers204_thenTheConsumerIsNotFound_andASecondDeleteIs404() {
        String queue = createQueue("delete");
        mq.put(consumerPath(queue, "gone"), endpointConsumer()).expectStatus(201);

        mq.delete(consumerPath(queue, "gone")).expectStatus(204);

        mq.get(consumerPath(queue, "gone")).expectError(404, "ConsumerNotFound");
        mq.delete(consumerPath(queue, "gone")).expectError(404, "ConsumerNotFound");
        assertThat(listConsumers(queue)).isEmpty();
        mq.put(consumerPath(queue, "gone"), endpointConsumer("batchSize", 2)).expectStatus(201);
    }

    @Test
    void aQueueDeletedAndCreatedAgain_hasNoConsumers() {
        String queue = createQueue("recreated");
        mq.put(consumerPath(queue, "push"), endpointConsumer()).expectStatus(201);

        mq.delete(queuePath(queue)).expectStatus(204);
        mq.get(consumerPath(queue, "push")).expectError(404, "QueueNotFound");
        mq.put(queuePath(queue), obj()).expectStatus(201);

        mq.get(consumerPath(queue, "push")).expectError(404, "ConsumerNotFound");
        assertThat(listConsumers(queue)).isEmpty();
        mq.put(consumerPath(queue, "push"), endpointConsumer("batchSize", 3)).expectStatus(201);
    }

    @Test
    void aQueueThatDoesNotExist_is404QueueNotFound_onEveryConsumerRoute() {
        String queue = uniqueName("nobody");

        mq.put(consumerPath(queue, "c"), endpointConsumer()).expectError(404, "QueueNotFound");
        mq.get(consumerPath(queue, "c")).expectError(404, "QueueNotFound");
        mq.delete(consumerPath(queue, "c")).expectError(404, "QueueNotFound");
        mq.get(consumersPath(queue)).expectError(404, "QueueNotFound");
    }

    // ------------------------------------------------------------------ what a consumer may be

    /** Consumer bodies that are refused; {@code ENDPOINT} stands for an endpoint this target takes. */
    static Stream<String> invalidConsumers() {
        return Stream.of(
                "{",
                "[]",
                "\"x\"",
                "{}",
                "{\"secret\": \"s3cret\"}",
                "{\"batchSize\": 5}",
                "{\"endpoint\": \"ENDPOINT\"}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"\"}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"" + "k".repeat(257) + "\"}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": 5}",
                "{\"endpoint\": 5, \"secret\": \"s3cret\"}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"function\": \"" + FUNCTION + "\"}",
                "{\"function\": \"" + FUNCTION + "\", \"secret\": \"s3cret\"}",
                "{\"function\": \"orders-handler\"}",
                "{\"function\": \"arn:aws:lambda:eu-west-1:123456789012:function:\"}",
                "{\"function\": \"arn:aws:lambda:eu-west-1:1234:function:f\"}",
                "{\"function\": \"arn:aws:sqs:eu-west-1:123456789012:orders\"}",
                "{\"function\": \"arn:aws:lambda:eu-west-1:123456789012:function:f:bad.alias\"}",
                "{\"function\": 5}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"batchSize\": 0}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"batchSize\": 11}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"batchSize\": \"5\"}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"batchSize\": 1.5}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"batchWindowSeconds\": -1}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"batchWindowSeconds\": 21}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"maxConcurrency\": 0}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"maxConcurrency\": 101}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"colour\": \"blue\"}",
                "{\"endpoint\": \"ENDPOINT\", \"secret\": \"s3cret\", \"queue\": \"orders\"}");
    }

    @ParameterizedTest
    @MethodSource("invalidConsumers")
    void put_invalidBody_is400InvalidRequest_andCreatesNothing(String template) {
        String queue = sharedQueue();
        String name = uniqueName("bad");

        mq.put(consumerPath(queue, name), template.replace("ENDPOINT", endpoint()))
                .expectError(400, "InvalidRequest");

        mq.get(consumerPath(queue, name)).expectError(404, "ConsumerNotFound");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://1.1.1.1/hook",
                "https://169.254.169.254/latest/meta-data/",
                "https://10.0.0.1/hook",
                "https://192.168.1.10/hook",
                "https://[fe80::1]/hook",
                "https://user:pw@1.1.1.1/hook",
                "ftp://1.1.1.1/hook",
                "not a url"
            })
    void put_endpointNotHttpsOrToAPrivateAddress_is400_andCreatesNothing(String endpoint) {
        String queue = sharedQueue();
        String name = uniqueName("hook");

        mq.put(consumerPath(queue, name), obj("endpoint", endpoint, "secret", "s3cret"))
                .expectError(400, "InvalidRequest");

        mq.get(consumerPath(queue, name)).expectError(404, "ConsumerNotFound");
    }

    @Test
    void aLoopbackEndpoint_isTakenByTheLocalServerOnly() {
        String queue = createQueue("loopback");

        ContractClient.Reply reply =
                mq.put(consumerPath(queue, "here"), obj("endpoint", "http://127.0.0.1:9/hook", "secret", "s3cret"));

        if (Target.get().local()) {
            reply.expectStatus(201);
        } else {
            reply.expectError(400, "InvalidRequest");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad.name", "bad!name", "with'quote"})
    void aConsumerWithAnInvalidName_is400(String name) {
        String queue = sharedQueue();

        mq.put(consumerPath(queue, name), endpointConsumer()).expectError(400, "InvalidRequest");
        mq.get(consumerPath(queue, name)).expectError(400, "InvalidRequest");
        mq.delete(consumerPath(queue, name)).expectError(400, "InvalidRequest");
    }

    @Test
    void aNextTokenThisApiDidNotIssue_is400() {
        mq.get(consumersPath(sharedQueue()) + "?next=%21%21").expectError(400, "InvalidRequest");
        mq.get(consumersPath(sharedQueue()) + "?limit=0").expectError(400, "InvalidRequest");
    }

    private String sharedQueue;

    /** One queue that the refusal cases share; each checks that its refused request created nothing. */
    private synchronized String sharedQueue() {
        if (sharedQueue == null) {
            sharedQueue = createQueue("consumer-refusals");
        }
        return sharedQueue;
    }
}
