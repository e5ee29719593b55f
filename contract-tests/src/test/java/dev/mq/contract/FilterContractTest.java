package dev.mq.contract;

import static dev.mq.contract.ContractClient.arr;
import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Subscription filters, SNS's filter-policy syntax: the operators beyond exact values and prefixes
 * (suffix, equals-ignore-case, anything-but prefix, suffix and numbers, combined numeric ranges, cidr,
 * {@code $or}), numbers in attribute values, filters on the JSON body ({@code filterScope}), and the
 * filters refused at subscribe time, each with a message that says what is wrong.
 */
class FilterContractTest extends ContractTestSupport {
    /** Leases taken by these tests outlast the test, so a received copy never shows again. */
    private static final int LEASE_SECONDS = 60;
    /** How long a queue must stay empty, once its copies came, to show that no other copy follows. */
    private static final int QUIET_SECONDS = 2;

    private final Set<String> createdTopics = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    /** Runs before the queues are deleted (a superclass's {@code @AfterAll} runs after the subclass's). */
    @AfterAll
    void deleteCreatedTopics() {
        try {
            for (String topic : createdTopics) {
                assertThat(mq.delete(topicPath(topic)).status())
                        .as("status of deleting a test topic")
                        .isIn(204, 404);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void suffixEqualsIgnoreCaseAnythingButPrefixAndSuffix_decideWhichSubscriptionsGetAMessage() {
        String topic = createTopic("strings");
        Map<String, ObjectNode> filters = new LinkedHashMap<>();
        filters.put("png", obj("file", arr(obj("suffix", ".png"))));
        filters.put("errors", obj("level", arr(obj("equals-ignore-case", "error"))));
        filters.put("notTmp", obj("file", arr(obj("anything-but", obj("prefix", "tmp/")))));
        filters.put("notExe", obj("file", arr(obj("anything-but", obj("suffix", ".exe")))));
        Map<String, String> queues = subscribeAll(topic, filters, null);

        publish(topic, "cat", Map.of("file", "img/cat.png", "level", "ERROR"));
        publish(topic, "tmp", Map.of("file", "tmp/x.png", "level", "info"));
        publish(topic, "setup", Map.of("file", "setup.exe", "level", "Error"));
        publish(topic, "bare", Map.of());

        assertDeliveries(Map.of(
                queues.get("png"), List.of("cat", "tmp"),
                queues.get("errors"), List.of("cat", "setup"),
                queues.get("notTmp"), List.of("cat", "setup"),
                queues.get("notExe"), List.of("cat", "tmp")));
    }

    @Test
    void numbersInAttributeValues_matchBareNumbersNumericRangesAndAnythingButNumbers_quotedOnesOnlyAsText() {
        String topic = createTopic("numbers");
        Map<String, ObjectNode> filters = new LinkedHashMap<>();
        filters.put("five", obj("n", arr(5)));
        filters.put("quotedFive", obj("n", arr("5")));
        filters.put("range", obj("n", arr(obj("numeric", arr(">", 0, "<=", 5)))));
        filters.put("notFive", obj("n", arr(obj("anything-but", arr(5)))));
        filters.put("textOrBig", obj("n", arr("five", obj("numeric", arr(">=", 100)))));
        Map<String, String> queues = subscribeAll(topic, filters, null);

        for (String value : List.of("5", "5.0", "0", "250", "five")) {
            publish(topic, value, Map.of("n", value));
        }

        assertDeliveries(Map.of(
                queues.get("five"), List.of("5", "5.0"),
                queues.get("quotedFive"), List.of("5"),
                queues.get("range"), List.of("5", "5.0"),
                queues.get("notFive"), List.of("0", "250"),
                queues.get("textOrBig"), List.of("250", "five")));
    }

    @Test
    void cidrAndOr_decideWhichSubscriptionsGetAMessage() {
        String topic = createTopic("cidr-or");
        Map<String, ObjectNode> filters = new LinkedHashMap<>();
        filters.put("office", obj("ip", arr(obj("cidr", "10.0.0.0/24"))));
        filters.put("v6", obj("ip", arr(obj("cidr", "2001:db8::/32"))));
        filters.put(
                "orderOrBig",
                obj("$or", arr(obj("type", arr("order")), obj("price", arr(obj("numeric", arr(">", 100)))))));
        Map<String, String> queues = subscribeAll(topic, filters, null);

        publish(topic, "inside", Map.of("ip", "10.0.0.33", "type", "order"));
        publish(topic, "outside", Map.of("ip", "10.0.1.1", "price", "500"));
        publish(topic, "v6", Map.of("ip", "2001:db8::1", "type", "refund", "price", "5"));
        publish(topic, "words", Map.of("ip", "localhost", "price", "a lot"));

        assertDeliveries(Map.of(
                queues.get("office"), List.of("inside"),
                queues.get("v6"), List.of("v6"),
                queues.get("orderOrBig"), List.of("inside", "outside")));
    }

    @Test
    void filterScopeBody_matchesNestedKeysOfTheJsonBody_neverABodyThatIsNotJson_andIsEchoed() {
        String topic = createTopic("body");
        Map<String, ObjectNode> filters = new LinkedHashMap<>();
        filters.put(
                "bigEu",
                obj("order", obj("total", arr(obj("numeric", arr(">=", 100))), "region", arr(obj("prefix", "eu-")))));
        filters.put("noCoupon", obj("coupon", arr(obj("exists", false))));
        Map<String, String> queues = subscribeAll(topic, filters, "body");

        publish(topic, "{\"order\": {\"total\": 250, \"region\": \"eu-west-1\"}}", Map.of());
        publish(topic, "{\"order\": {\"total\": 50, \"region\": \"eu-west-1\"}, \"coupon\": \"X\"}", Map.of());
        publish(topic, "order total 250 in eu-west-1", Map.of("coupon", "X"));

        assertDeliveries(Map.of(
                queues.get("bigEu"), List.of("{\"order\": {\"total\": 250, \"region\": \"eu-west-1\"}}"),
                queues.get("noCoupon"), List.of("{\"order\": {\"total\": 250, \"region\": \"eu-west-1\"}}")));
        JsonNode subscription =
                mq.get(subscriptionPath(topic, "bigEu")).expectStatus(200).json();
        assertThat(subscription.path("filterScope").asText())
                .as("filterScope in %s", subscription)
                .isEqualTo("body");
        assertThat(subscription.path("filter")).isEqualTo(filters.get("bigEu"));
    }

    @Test
    void filterScope_isEchoed_attributesWithAFilter_andReplacingItAnswers200AndTakesEffect() {
        String topic = createTopic("scope");
        String queue = createQueue("scope");
        ObjectNode filter = obj("type", arr("order"));
        String path = subscriptionPath(topic, "s");

        mq.put(path, obj("queue", queue, "filter", filter)).expectStatus(201);
        assertThat(mq.get(path).expectStatus(200).json().path("filterScope").asText())
                .isEqualTo("attributes");
        mq.put(path, obj("queue", queue, "filter", filter, "filterScope", "attributes"))
                .expectStatus(200);
        mq.put(path, obj("queue", queue, "filter", filter, "filterScope", "body"))
                .expectStatus(200);
        assertThat(mq.get(path).expectStatus(200).json().path("filterScope").asText())
                .isEqualTo("body");

        publish(topic, "attributes say order", Map.of("type", "order"));
        publish(topic, "{\"type\": \"order\"}", Map.of());
        assertDeliveries(Map.of(queue, List.of("{\"type\": \"order\"}")));
    }

    /** filter (or a whole subscription body when it starts with "queue:") | what the message says */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": [{\"wildcard\": \"ord*\"}]}                 | unknown condition 'wildcard'",
                "{\"type\": [{\"sufix\": \".png\"}]}                    | unknown condition 'sufix'",
                "{\"type\": [{\"suffix\": 5}]}                          | suffix takes a non-empty string",
                "{\"type\": [{\"equals-ignore-case\": [\"a\"]}]}        | equals-ignore-case takes a string",
                "{\"type\": [{\"anything-but\": [\"a\", 1]}]}           | anything-but takes a string",
                "{\"type\": [true]}                                     | attribute values are strings",
                "{\"type\": \"order\"}                                  | must be a non-empty list of conditions",
                "{\"price\": [{\"numeric\": [\">\", \"ten\"]}]}         | numeric takes one or two operator/number pairs",
                "{\"price\": [{\"numeric\": [\">\", 10, \"<\", 5]}]}    | lower bound must be below its upper bound",
                "{\"price\": [{\"numeric\": [\"<\", 5000000000]}]}      | numbers in a filter range from -1000000000",
                "{\"ip\": [{\"cidr\": \"10.0.0.0/40\"}]}                | cidr takes an IPv4 or IPv6 address range",
                "{\"ip\": [{\"cidr\": \"ten/8\"}]}                      | cidr takes an IPv4 or IPv6 address range",
                "{\"a\": [\"x\"], \"b\": [\"x\"], \"c\": [\"x\"], \"d\": [\"x\"], \"e\": [\"x\"], \"f\": [\"x\"]} | at most 5 keys",
                "{\"order\": {\"total\": [1]}}                          | message attributes are flat",
                "{\"$or\": [{\"type\": [\"order\"]}]}                   | $or takes a list of two or more filter objects",
                "queue: \"filterScope\": \"MessageBody\"                | filterScope must be \"attributes\" or \"body\"",
                "queue: \"filterScope\": 1                              | filterScope must be a string",
            })
    void putSubscription_withABadFilter_is400InvalidRequest_sayingWhatIsWrong_andCreatesNothing(
            String filter, String message) {
        String topic = createTopic("bad");
        String queue = createQueue("bad");
        String body = filter.startsWith("queue:")
                ? "{\"queue\": \"" + queue + "\", " + filter.substring("queue:".length()) + "}"
                : "{\"queue\": \"" + queue + "\", \"filter\": " + filter + "}";

        JsonNode error = mq.put(subscriptionPath(topic, "s"), body).expectError(400, "InvalidRequest");

        assertThat(error.path("message").asText()).contains(message.trim());
        mq.get(subscriptionPath(topic, "s")).expectError(404, "SubscriptionNotFound");
    }

    @Test
    void putSubscription_withTooManyCombinations_is400_countingTheProductOfTheLists() {
        String topic = createTopic("combos");
        String queue = createQueue("combos");
        Object[] ten = IntStream.range(0, 10).mapToObj(i -> "v" + i).toArray();
        Object[] fifteen = IntStream.range(0, 15).mapToObj(i -> "w" + i).toArray();
        Object[] sixteen = IntStream.range(0, 16).mapToObj(i -> "w" + i).toArray();

        mq.put(subscriptionPath(topic, "ok"), obj("queue", queue, "filter", obj("a", arr(ten), "b", arr(fifteen))))
                .expectStatus(201);
        JsonNode error = mq.put(
                        subscriptionPath(topic, "s"),
                        obj("queue", queue, "filter", obj("a", arr(ten), "b", arr(sixteen))))
                .expectError(400, "InvalidRequest");

        assertThat(error.path("message").asText())
                .contains("at most 150 combinations")
                .contains("160");
        mq.get(subscriptionPath(topic, "s")).expectError(404, "SubscriptionNotFound");
    }

    // ------------------------------------------------------------------ helpers

    private String createTopic(String hint) {
        String topic = uniqueName(hint);
        createdTopics.add(topic);
        mq.put(topicPath(topic), obj()).expectStatus(201);
        return topic;
    }

    /** A queue and a subscription into it for each filter, named as the filter; answers the queues by name. */
    private Map<String, String> subscribeAll(String topic, Map<String, ObjectNode> filters, String scope) {
        Map<String, String> queues = new LinkedHashMap<>();
        filters.forEach((name, filter) -> {
            String queue = createQueue(name.toLowerCase());
            ObjectNode subscription = obj("queue", queue, "filter", filter);
            if (scope != null) {
                subscription.put("filterScope", scope);
            }
            mq.put(subscriptionPath(topic, name), subscription).expectStatus(201);
            queues.put(name, queue);
        });
        return queues;
    }

    private void publish(String topic, String body, Map<String, String> attributes) {
        ObjectNode message = attributes.isEmpty() ? obj("body", body) : obj("body", body, "attributes", attributes);
        mq.post("/v1/topics/" + topic + "/messages", message).expectStatus(200);
    }

    /**
     * Each queue gets exactly the bodies expected: first they are received, and then every queue must
     * stay empty for {@link #QUIET_SECONDS}, so a copy a filter should have kept out is seen too.
     */
    private void assertDeliveries(Map<String, List<String>> expected) {
        Map<String, List<String>> got = new LinkedHashMap<>();
        expected.forEach((queue, bodies) ->
                got.put(queue, new ArrayList<>(texts(receiveAll(queue, bodies.size(), LEASE_SECONDS), "body"))));
        List<Future<?>> quiet = new ArrayList<>();
        for (String queue : expected.keySet()) {
            quiet.add(pool.submit(() -> got.get(queue)
                    .addAll(texts(
                            receive(
                                    queue,
                                    obj(
                                            "maxMessages",
                                            10,
                                            "waitSeconds",
                                            QUIET_SECONDS,
                                            "visibilityTimeoutSeconds",
                                            LEASE_SECONDS)),
                            "body"))));
        }
        for (Future<?> check : quiet) {
            try {
                check.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        expected.forEach((queue, bodies) ->
                assertThat(got.get(queue)).as("messages in %s", queue).containsExactlyInAnyOrderElementsOf(bodies));
    }

    private static String topicPath(String topic) {
        return "/v1/topics/" + topic;
    }

    private static String subscriptionPath(String topic, String subscription) {
        return topicPath(topic) + "/subscriptions/" + subscription;
    }
}
