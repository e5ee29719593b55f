package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mq's own queues (names starting {@code _mq-}, such as the endpoint delivery queue): never listed, and
 * every request that names one, in its path or its body, is 400 {@code InvalidRequest}, whether or not
 * the queue exists yet.
 */
class InternalQueueContractTest extends ContractTestSupport {
    private static final String DELIVERIES = "_mq-endpoint-deliveries";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET ",
                "PUT ",
                "PATCH ",
                "DELETE ",
                "POST /purge",
                "POST /messages",
                "GET /messages",
                "POST /receive",
                "POST /ack",
                "POST /visibility",
                "DELETE /messages/handle",
                "POST /redrive",
                "GET /consumers",
                "PUT /consumers/c",
                "GET /consumers/c",
                "DELETE /consumers/c"
            })
    void everyRouteNamingAnInternalQueue_is400_andNamesTheReservedPrefix(String route) {
        String method = route.substring(0, route.indexOf(' '));
        String path = queuePath(DELIVERIES) + route.substring(route.indexOf(' ') + 1);
        Object body = switch (route) {
            case "POST /messages" -> obj("body", "x");
            case "POST /ack" -> obj("receiptHandles", ContractClient.arr("handle"));
            case "POST /visibility" -> obj("receiptHandle", "handle", "visibilityTimeoutSeconds", 0);
            case "PATCH " -> obj("delaySeconds", 5);
            default -> method.equals("GET") || method.equals("DELETE") ? null : obj();
        };

        JsonNode error = mq.exchange(method, path, body).expectError(400, "InvalidRequest");

        assertThat(error.path("message").asText()).contains(DELIVERIES, "_mq-");
    }

    @Test
    void creatingAQueueWithTheInternalPrefix_is400_andNothingIsListed() {
        String name = "_mq-" + uniqueName("mine");

        mq.put(queuePath(name), obj()).expectError(400, "InvalidRequest");

        assertThat(allQueueNames()).noneMatch(n -> n.startsWith("_mq-"));
    }

    @Test
    void anInternalQueue_cannotBeNamedInARequestBody() {
        String queue = createQueue("internal-body");
        String dlq = createQueue("internal-body-dlq");
        sendBody(dlq, "stays");

        mq.put(queuePath(uniqueName("internal-dlq")), obj("deadLetterQueue", DELIVERIES, "maxReceiveCount", 1))
                .expectError(400, "InvalidRequest");
        mq.patch(queuePath(queue), obj("deadLetterQueue", DELIVERIES, "maxReceiveCount", 1))
                .expectError(400, "InvalidRequest");
        mq.post(queuePath(dlq) + "/redrive", obj("destination", DELIVERIES)).expectError(400, "InvalidRequest");

        assertThat(absent(describeQueue(queue).path("attributes"), "deadLetterQueue"))
                .isTrue();
        assertThat(browseBodies(dlq)).containsExactly("stays");
    }

    @Test
    void aSubscription_cannotTargetAnInternalQueue() {
        String topic = uniqueName("internal-sub");
        mq.put("/v1/topics/" + topic, obj()).expectStatus(201);
        try {
            String subscription = "/v1/topics/" + topic + "/subscriptions/s";
            mq.put(subscription, obj("queue", DELIVERIES)).expectError(400, "InvalidRequest");
            mq.put(subscription, obj("queue", createQueue("internal-sub"), "deadLetterQueue", DELIVERIES))
                    .expectError(400, "InvalidRequest");
            mq.get(subscription).expectError(404, "SubscriptionNotFound");
        } finally {
            mq.delete("/v1/topics/" + topic).expectStatus(204);
        }
    }

    /** Every queue name GET /v1/queues lists, following {@code next} to the end. */
    private List<String> allQueueNames() {
        List<String> names = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 1000; page++) {
            JsonNode answer = mq.get("/v1/queues?limit=1000" + (next == null ? "" : "&next=" + urlEncode(next)))
                    .expectStatus(200)
                    .json();
            names.addAll(texts(list(answer.path("queues")), "name"));
            if (absent(answer, "next")) {
                return names;
            }
            next = answer.path("next").asText();
        }
        throw new AssertionError("listing queues did not end after 1000 pages");
    }
}
