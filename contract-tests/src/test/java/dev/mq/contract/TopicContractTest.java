package dev.mq.contract;

import static dev.mq.contract.ContractClient.arr;
import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Topics (publish/subscribe): managing topics and subscriptions, what a subscription may be, publishing,
 * and the fan-out to queue subscribers with their filters. Fan-out is asynchronous, so a test that
 * expects copies receives with long polls until they came (at most {@link #FAN_OUT}), and then once more
 * for {@link #QUIET_SECONDS} to see that no further copy follows.
 */
class TopicContractTest extends ContractTestSupport {
    /** How long a published message may take to reach a subscribed queue. */
    private static final Duration FAN_OUT = Duration.ofSeconds(10);

    /** How long a queue must stay empty, once its copies came, to show that no other copy follows. */
    private static final int QUIET_SECONDS = 2;

    /** Leases taken by these tests outlast the test, so a received copy never shows again as a second one. */
    private static final int LEASE_SECONDS = 60;

    private final Set<String> createdTopics = ConcurrentHashMap.newKeySet();
    private final Map<String, String> sharedResources = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    /** Runs before the queues are deleted (a superclass's {@code @AfterAll} runs after the subclass's). */
    @AfterAll
    void deleteCreatedTopics() throws Exception {
        try {
            List<Future<Integer>> deletions = new ArrayList<>();
            for (String topic : createdTopics) {
                deletions.add(pool.submit(() -> mq.delete(topicPath(topic)).status()));
            }
            for (Future<Integer> deletion : deletions) {
                assertThat(deletion.get(60, TimeUnit.SECONDS))
                        .as("status of deleting a test topic")
                        .isIn(204, 404);
            }
        } finally {
            pool.shutdownNow();
        }
        createdTopics.clear();
    }

    // ------------------------------------------------------------------ topics

    @Test
    void putTopic_creates201WithItsName_andAgainAnswers200() {
        String topic = trackTopic(uniqueName("topic"));

        JsonNode created = mq.put(topicPath(topic), obj()).expectStatus(201).json();
        JsonNode again = mq.put(topicPath(topic), obj()).expectStatus(200).json();

        assertThat(created.path("name").asText()).as("name in %s", created).isEqualTo(topic);
        assertThat(again.path("name").asText()).as("name in %s", again).isEqualTo(topic);
    }

    @Test
    void getTopic_answers200WithItsName() {
        String topic = createTopic("get");

        JsonNode description = mq.get(topicPath(topic)).expectStatus(200).json();

        assertThat(description.path("name").asText())
                .as("name in %s", description)
                .isEqualTo(topic);
    }

    @Test
    void getTopic_unknown_is404TopicNotFound() {
        mq.get(topicPath(uniqueName("nobody"))).expectError(404, "TopicNotFound");
    }

    @Test
    void listTopics_showsTheTopic_withNameAndNext() {
        String topic = createTopic("list");

        assertThat(topicListed(topic))
                .as("%s in GET /v1/topics (all pages)", topic)
                .isTrue();
    }

    @Test
    void deleteTopic_answers204_thenItIsNotFoundAndNotListed() {
        String topic = createTopic("delete");

        mq.delete(topicPath(topic)).expectStatus(204);

        mq.get(topicPath(topic)).expectError(404, "TopicNotFound");
        mq.post(publishPath(topic), obj("body", "x")).expectError(404, "TopicNotFound");
        assertThat(topicListed(topic))
                .as("%s in GET /v1/topics after its deletion", topic)
                .isFalse();
    }

    @Test
    void deleteTopic_unknown_is404TopicNotFound() {
        mq.delete(topicPath(uniqueName("nobody"))).expectError(404, "TopicNotFound");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bad.name",
                "bad!name",
                "bad~name",
                "bad*name",
                "with'quote",
                "orders.fifo",
                ".fifo",
                "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789x"
            })
    void putTopic_withInvalidName_is400_andCreatesNothing(String name) {
        mq.put(topicPath(name), obj()).expectError(400, "InvalidRequest");

        mq.get(topicPath(name)).expectError(400, "InvalidRequest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[]", "\"x\"", "5", "{\"colour\": \"blue\"}", "{\"attributes\": {}}"})
    void putTopic_invalidBody_is400InvalidRequest_andCreatesNothing(String body) {
        String topic = trackTopic(uniqueName("badbody"));

        mq.put(topicPath(topic), body).expectError(400, "InvalidRequest");

        mq.get(topicPath(topic)).expectError(404, "TopicNotFound");
    }

    @Test
    void putTopic_acceptsTheLongestName_of80Characters() {
        String topic = trackTopic((uniqueName("long") + "x".repeat(80)).substring(0, 80));

        mq.put(topicPath(topic), obj()).expectStatus(201);

        assertThat(mq.get(topicPath(topic))
                        .expectStatus(200)
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo(topic);
    }

    // ------------------------------------------------------------------ subscriptions

    @Test
    void putSubscription_toAStandardQueue_creates201_andAgainWithTheSameBodyAnswers200() {
        String topic = createTopic("sub");
        String queue = createQueue("sub");

        mq.put(subscriptionPath(topic, "email"), obj("queue", queue)).expectStatus(201);
        mq.put(subscriptionPath(topic, "email"), obj("queue", queue)).expectStatus(200);

        JsonNode subscription =
                mq.get(subscriptionPath(topic, "email")).expectStatus(200).json();
        assertThat(subscription.path("queue").asText())
                .as("queue in %s", subscription)
                .isEqualTo(queue);
    }

    @Test
    void listSubscriptions_showsEverySubscriptionOfTheTopic_byName() {
        String topic = createTopic("subs");
        String queue = createQueue("subs");
        subscribe(topic, "email", obj("queue", queue));
        subscribe(topic, "push", obj("queue", queue));

        List<JsonNode> subscriptions = listSubscriptions(topic);

        assertThat(texts(subscriptions, "name")).containsExactlyInAnyOrder("email", "push");
        for (JsonNode s : subscriptions) {
            assertThat(s.path("queue").asText()).as("queue in %s", s).isEqualTo(queue);
        }
    }

    @Test
    void deleteSubscription_answers204_thenItIsNotFoundAndNotListed() {
        String topic = createTopic("unsub");
        String queue = createQueue("unsub");
        subscribe(topic, "email", obj("queue", queue));
        subscribe(topic, "feed", obj("queue", queue));

        mq.delete(subscriptionPath(topic, "email")).expectStatus(204);

        mq.get(subscriptionPath(topic, "email")).expectError(404, "SubscriptionNotFound");
        mq.delete(subscriptionPath(topic, "email")).expectError(404, "SubscriptionNotFound");
        assertThat(texts(listSubscriptions(topic), "name")).containsExactly("feed");
    }

    @Test
    void getSubscription_unknown_is404SubscriptionNotFound() {
        String topic = createTopic("nosub");

        mq.get(subscriptionPath(topic, "nobody")).expectError(404, "SubscriptionNotFound");
    }

    @Test
    void subscriptionOperations_onAnUnknownTopic_are404TopicNotFound() {
        String topic = uniqueName("nobody");
        String queue = createQueue("orphan");

        mq.put(subscriptionPath(topic, "email"), obj("queue", queue)).expectError(404, "TopicNotFound");
        mq.get(subscriptionsPath(topic)).expectError(404, "TopicNotFound");
    }

    @Test
    void putSubscription_ofAFifoQueue_is400_andCreatesNothing() {
        String topic = createTopic("fifo");
        String fifo = createFifoQueue("fifo");

        mq.put(subscriptionPath(topic, "ordered"), obj("queue", fifo)).expectError(400, "InvalidRequest");

        mq.get(subscriptionPath(topic, "ordered")).expectError(404, "SubscriptionNotFound");
    }

    @Test
    void putSubscription_ofAQueueThatDoesNotExist_is400Or404QueueNotFound_andCreatesNothing() {
        String topic = createTopic("noqueue");

        ContractClient.Reply reply = mq.put(subscriptionPath(topic, "email"), obj("queue", uniqueName("missing")));

        assertThat(reply.status()).as(reply.describe()).isIn(400, 404);
        reply.expectError(reply.status(), reply.status() == 400 ? "InvalidRequest" : "QueueNotFound");
        mq.get(subscriptionPath(topic, "email")).expectError(404, "SubscriptionNotFound");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bad.name",
                "bad!name",
                "x.fifo",
                "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789x"
            })
    void putSubscription_withInvalidName_is400(String name) {
        String topic = sharedTopic();

        mq.put(subscriptionPath(topic, name), obj("queue", sharedQueue())).expectError(400, "InvalidRequest");
    }

    /** Subscription bodies that are refused; {@code QUEUE} stands for an existing standard queue. */
    static Stream<String> invalidSubscriptions() {
        return Stream.of(
                "{",
                "[]",
                "\"QUEUE\"",
                "{}",
                "{\"filter\": {\"type\": [\"order\"]}}",
                "{\"secret\": \"s3cret\"}",
                "{\"queue\": null}",
                "{\"queue\": 5}",
                "{\"queue\": [\"QUEUE\"]}",
                "{\"queue\": \"bad.name!\"}",
                "{\"queue\": \"QUEUE\", \"colour\": \"blue\"}",
                "{\"queue\": \"QUEUE\", \"Queue\": \"QUEUE\"}",
                "{\"queue\": \"QUEUE\", \"endpoint\": \"https://127.0.0.1:9/hook\", \"secret\": \"s3cret\"}",
                // filters that are not SNS-style
                "{\"queue\": \"QUEUE\", \"filter\": \"type=order\"}",
                "{\"queue\": \"QUEUE\", \"filter\": [\"order\"]}",
                "{\"queue\": \"QUEUE\", \"filter\": {\"type\": \"order\"}}",
                "{\"queue\": \"QUEUE\", \"filter\": {\"type\": [{\"wildcard\": \"*der\"}]}}",
                "{\"queue\": \"QUEUE\", \"filter\": {\"region\": [{\"prefix\": 5}]}}",
                "{\"queue\": \"QUEUE\", \"filter\": {\"vip\": [{\"exists\": \"yes\"}]}}",
                "{\"queue\": \"QUEUE\", \"filter\": {\"price\": [{\"numeric\": [\"~\", 1]}]}}",
                "{\"queue\": \"QUEUE\", \"filter\": {\"price\": [{\"numeric\": [\">\", \"1\"]}]}}");
    }

    @ParameterizedTest
    @MethodSource("invalidSubscriptions")
    void putSubscription_invalidBody_is400InvalidRequest_andCreatesNothing(String template) {
        String topic = sharedTopic();
        String name = uniqueName("bad");

        mq.put(subscriptionPath(topic, name), template.replace("QUEUE", sharedQueue()))
                .expectError(400, "InvalidRequest");

        mq.get(subscriptionPath(topic, name)).expectError(404, "SubscriptionNotFound");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://1.1.1.1/hook",
                "https://169.254.169.254/latest/meta-data/",
                "https://10.0.0.1/hook",
                "https://192.168.1.10/hook",
                "https://172.16.0.1/hook",
                "https://[fe80::1]/hook",
                "ftp://1.1.1.1/hook",
                "not a url"
            })
    void putSubscription_endpointNotHttpsOrToAPrivateAddress_is400_andCreatesNothing(String endpoint) {
        String topic = sharedTopic();
        String name = uniqueName("hook");

        mq.put(subscriptionPath(topic, name), obj("endpoint", endpoint, "secret", "s3cret"))
                .expectError(400, "InvalidRequest");

        mq.get(subscriptionPath(topic, name)).expectError(404, "SubscriptionNotFound");
    }

    @Test
    void putSubscription_endpoint_httpsToAPublicAddressIsAccepted_butPlainHttpIsNot() {
        // Literal addresses, so the answer depends on the scheme alone and not on name resolution.
        String topic = createTopic("public");

        mq.put(subscriptionPath(topic, "plain"), obj("endpoint", "http://1.1.1.1/mq-contract-hook", "secret", "s3cret"))
                .expectError(400, "InvalidRequest");
        mq.put(subscriptionPath(topic, "tls"), obj("endpoint", "https://1.1.1.1/mq-contract-hook", "secret", "s3cret"))
                .expectStatus(201);

        mq.get(subscriptionPath(topic, "plain")).expectError(404, "SubscriptionNotFound");
        assertThat(texts(listSubscriptions(topic), "name")).containsExactly("tls");
    }

    @Test
    void endpointSubscription_neverReturnsItsSecret() {
        String topic = createTopic("secret");
        // The local server allows loopback endpoints; a deployment refuses them, so it gets a public address.
        String endpoint = Target.get().local() ? "https://127.0.0.1:9/hook" : "https://1.1.1.1/mq-contract-hook";
        ObjectNode body = obj("endpoint", endpoint, "secret", "s3cret");

        ContractClient.Reply created =
                mq.put(subscriptionPath(topic, "hook"), body).expectStatus(201);
        ContractClient.Reply again =
                mq.put(subscriptionPath(topic, "hook"), body).expectStatus(200);
        ContractClient.Reply got = mq.get(subscriptionPath(topic, "hook")).expectStatus(200);
        ContractClient.Reply listed = mq.get(subscriptionsPath(topic)).expectStatus(200);

        for (ContractClient.Reply reply : List.of(created, again, got, listed)) {
            assertThat(reply.body()).as("the secret in %s", reply.describe()).doesNotContain("s3cret");
        }
        assertThat(texts(list(listed.json().path("subscriptions")), "name")).containsExactly("hook");
    }

    @Test
    void deleteTopic_deletesItsSubscriptions_soARecreatedTopicHasNone() {
        String topic = createTopic("cascade");
        String queue = createQueue("cascade");
        subscribe(topic, "email", obj("queue", queue));

        mq.delete(topicPath(topic)).expectStatus(204);
        mq.put(topicPath(topic), obj()).expectStatus(201);

        mq.get(subscriptionPath(topic, "email")).expectError(404, "SubscriptionNotFound");
        assertThat(listSubscriptions(topic)).isEmpty();
    }

    // ------------------------------------------------------------------ publishing

    @Test
    void publish_single_answers200WithMessageId_andDuplicateFalse() {
        String topic = createTopic("pub");

        JsonNode answer = mq.post(publishPath(topic), obj("body", "hello"))
                .expectStatus(200)
                .json();

        assertThat(answer.path("results").size()).as("results of %s", answer).isEqualTo(1);
        JsonNode result = answer.path("results").get(0);
        assertThat(result.path("messageId").asText())
                .as("messageId in %s", result)
                .isNotBlank();
        assertThat(result.path("duplicate").isBoolean())
                .as("boolean duplicate in %s", result)
                .isTrue();
        assertThat(result.path("duplicate").booleanValue()).isFalse();
        assertThat(result.has("error")).isFalse();
    }

    @Test
    void publish_toAnUnknownTopic_is404TopicNotFound() {
        mq.post(publishPath(uniqueName("nobody")), obj("body", "x")).expectError(404, "TopicNotFound");
    }

    @Test
    void publish_batchOf10WithOneInvalidEntry_reportsItsError_andTheOthersReachTheSubscriber() {
        String topic = createTopic("batch");
        String queue = createQueue("batch");
        subscribe(topic, "all", obj("queue", queue));
        Object[] messages = new Object[10];
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages[i] = obj("body", i == 3 ? "" : "m" + i);
            if (i != 3) {
                valid.add("m" + i);
            }
        }

        JsonNode answer = mq.post(publishPath(topic), obj("messages", arr(messages)))
                .expectStatus(200)
                .json();

        JsonNode results = answer.path("results");
        assertThat(results.size()).as("one result per entry: %s", answer).isEqualTo(10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            JsonNode r = results.get(i);
            if (i == 3) {
                ContractClient.checkErrorShape(r, "entry 3 of " + results);
                assertThat(r.path("error").path("code").asText()).isEqualTo("InvalidRequest");
                assertThat(r.has("messageId")).as("messageId in %s", r).isFalse();
            } else {
                assertThat(r.path("messageId").asText())
                        .as("messageId in %s", r)
                        .isNotBlank();
                assertThat(r.path("duplicate").booleanValue())
                        .as("duplicate in %s", r)
                        .isFalse();
                ids.add(r.path("messageId").asText());
            }
        }
        assertThat(ids).doesNotHaveDuplicates();
        Map<String, List<JsonNode>> got = deliveries(Map.of(queue, 9));
        assertThat(bodies(got.get(queue))).containsExactlyInAnyOrderElementsOf(valid);
    }

    @Test
    void publish_eachSubscribedQueuesCopy_carriesThePublishedMessageId() {
        String topic = createTopic("ids");
        String first = createQueue("ids");
        String second = createQueue("ids");
        subscribe(topic, "first", obj("queue", first));
        subscribe(topic, "second", obj("queue", second));

        String id = publish(topic, obj("body", "one message")).path("messageId").asText();

        Map<String, List<JsonNode>> got = deliveries(Map.of(first, 1, second, 1));
        assertThat(texts(got.get(first), "messageId")).containsExactly(id);
        assertThat(texts(got.get(second), "messageId")).containsExactly(id);
    }

    static Stream<String> invalidPublishes() {
        return Stream.of(
                "{",
                "not json at all",
                "[]",
                "{}",
                "{\"body\": null}",
                "{\"body\": \"\"}",
                "{\"body\": 5}",
                "{\"body\": \"x\", \"colour\": \"red\"}",
                "{\"body\": \"x\", \"attributes\": \"k=v\"}",
                "{\"body\": \"x\", \"attributes\": {\"k\": 5}}",
                "{\"body\": \"x\", \"deduplicationId\": \"\"}",
                "{\"messages\": \"x\"}",
                "{\"body\": \"x\", \"messages\": [{\"body\": \"y\"}]}");
    }

    @Test
    void publish_refusedRequests_answer400_andReachNoSubscriber() {
        String topic = createTopic("refused");
        String queue = createQueue("refused");
        subscribe(topic, "all", obj("queue", queue));
        Object[] eleven = new Object[11];
        for (int i = 0; i < 11; i++) {
            eleven[i] = obj("body", "m" + i);
        }

        invalidPublishes().forEach(body -> mq.post(publishPath(topic), body).expectError(400, "InvalidRequest"));
        mq.post(publishPath(topic), obj("messages", arr(eleven))).expectError(400, "TooManyEntries");
        mq.post(publishPath(topic), obj("messages", arr())).expectError(400, "EmptyBatch");
        // A message published after the refused ones: once it came, anything refused would have come too.
        publish(topic, obj("body", "marker"));

        Map<String, List<JsonNode>> got = deliveries(Map.of(queue, 1));
        assertThat(bodies(got.get(queue))).containsExactly("marker");
    }

    @Test
    void publish_sameDeduplicationIdAgain_isDuplicateWithTheFirstMessageId_andSubscribersGetOneCopy() {
        String topic = createTopic("dedup");
        String other = createTopic("dedup");
        String queue = createQueue("dedup");
        subscribe(topic, "all", obj("queue", queue));

        JsonNode first = publish(topic, obj("body", "first", "deduplicationId", "like-42"));
        JsonNode second = publish(topic, obj("body", "second", "deduplicationId", "like-42"));
        JsonNode elsewhere = publish(other, obj("body", "elsewhere", "deduplicationId", "like-42"));

        assertThat(first.path("duplicate").booleanValue()).isFalse();
        assertThat(second.path("duplicate").booleanValue())
                .as("second publish: %s", second)
                .isTrue();
        assertThat(second.path("messageId").asText())
                .isEqualTo(first.path("messageId").asText());
        assertThat(elsewhere.path("duplicate").booleanValue())
                .as("same id on another topic: %s", elsewhere)
                .isFalse();
        Map<String, List<JsonNode>> got = deliveries(Map.of(queue, 1));
        assertThat(bodies(got.get(queue))).containsExactly("first");
    }

    // ------------------------------------------------------------------ fan-out

    @Test
    void publish_reachesEveryQueueSubscriptionOnce_withTheBodyAndAttributesPlusTopic() {
        // The "post liked" notification of a social network: e-mail, push and the activity feed each get it.
        String topic = createTopic("liked");
        String email = createQueue("email");
        String push = createQueue("push");
        String feed = createQueue("feed");
        subscribe(topic, "email", obj("queue", email));
        subscribe(topic, "push", obj("queue", push));
        subscribe(topic, "feed", obj("queue", feed));
        String body = "{\"post\": \"p-17\", \"likedBy\": \"u-42\"}";

        publish(topic, obj("body", body, "attributes", Map.of("type", "like")));

        Map<String, List<JsonNode>> got = deliveries(Map.of(email, 1, push, 1, feed, 1));
        for (String queue : List.of(email, push, feed)) {
            List<JsonNode> copies = got.get(queue);
            assertThat(copies).as("copies in %s", queue).hasSize(1);
            assertThat(copies.get(0).path("body").asText())
                    .as("body in %s", queue)
                    .isEqualTo(body);
            assertThat(stringMap(copies.get(0).path("attributes")))
                    .as("attributes in %s", queue)
                    .isEqualTo(Map.of("type", "like", "topic", topic));
        }
    }

    @Test
    void subscriptionWithAFilter_getsOnlyTheMatchingMessages() {
        String topic = createTopic("activity");
        String comments = createQueue("comments");
        String everything = createQueue("everything");
        subscribe(topic, "comments", obj("queue", comments, "filter", obj("type", arr("comment"))));
        subscribe(topic, "everything", obj("queue", everything));

        publish(topic, obj("body", "liked", "attributes", Map.of("type", "like")));
        publish(topic, obj("body", "commented", "attributes", Map.of("type", "comment")));

        Map<String, List<JsonNode>> got = deliveries(Map.of(everything, 2, comments, 1));
        assertThat(bodies(got.get(everything))).containsExactlyInAnyOrder("liked", "commented");
        assertThat(bodies(got.get(comments))).containsExactly("commented");
        assertThat(stringMap(got.get(comments).get(0).path("attributes")))
                .isEqualTo(Map.of("type", "comment", "topic", topic));
    }

    @Test
    void filters_prefixExistsFalseAnythingButAndNumeric_decideWhichSubscriptionsGetAMessage() {
        String topic = createTopic("filters");
        String eu = createQueue("eu");
        String noVip = createQueue("novip");
        String paid = createQueue("paid");
        String mid = createQueue("mid");
        String all = createQueue("all");
        subscribe(topic, "eu", obj("queue", eu, "filter", obj("region", arr(obj("prefix", "eu-")))));
        subscribe(topic, "novip", obj("queue", noVip, "filter", obj("vip", arr(obj("exists", false)))));
        subscribe(topic, "paid", obj("queue", paid, "filter", obj("tier", arr(obj("anything-but", arr("free"))))));
        subscribe(
                topic, "mid", obj("queue", mid, "filter", obj("price", arr(obj("numeric", arr(">=", 10, "<", 100))))));
        subscribe(topic, "all", obj("queue", all));
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("eu-gold-50", Map.of("region", "eu-west-1", "tier", "gold", "price", "50", "vip", "yes"));
        cases.put("us-free-100-vip", Map.of("region", "us-east-1", "tier", "free", "price", "100", "vip", "yes"));
        cases.put("bare", Map.of());
        cases.put("words", Map.of("region", "eu", "tier", "free", "price", "ten"));
        cases.put("edge-10", Map.of("region", "EU-west-1", "price", "10"));
        cases.put("basic-9.5-vip-empty", Map.of("tier", "basic", "price", "9.5", "vip", ""));

        cases.forEach((body, attributes) -> publish(topic, obj("body", body, "attributes", attributes)));

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put(eu, List.of("eu-gold-50"));
        expected.put(noVip, List.of("bare", "words", "edge-10"));
        expected.put(paid, List.of("eu-gold-50", "basic-9.5-vip-empty"));
        expected.put(mid, List.of("eu-gold-50", "edge-10"));
        expected.put(all, List.copyOf(cases.keySet()));
        Map<String, Integer> counts = new LinkedHashMap<>();
        expected.forEach((queue, wanted) -> counts.put(queue, wanted.size()));
        Map<String, List<JsonNode>> got = deliveries(counts);
        expected.forEach((queue, wanted) -> assertThat(bodies(got.get(queue)))
                .as("messages in %s", queue)
                .containsExactlyInAnyOrderElementsOf(wanted));
    }

    @Test
    void subscription_receivesOnlyMessagesPublishedAfterItWasCreated() {
        String topic = createTopic("after");
        String early = createQueue("early");
        String late = createQueue("late");
        subscribe(topic, "early", obj("queue", early));

        publish(topic, obj("body", "before"));
        subscribe(topic, "late", obj("queue", late));
        publish(topic, obj("body", "after"));

        Map<String, List<JsonNode>> got = deliveries(Map.of(early, 2, late, 1));
        assertThat(bodies(got.get(early))).containsExactlyInAnyOrder("before", "after");
        assertThat(bodies(got.get(late))).containsExactly("after");
    }

    @Test
    void aSubscriptionWhoseQueueWasDeleted_doesNotKeepTheMessageFromTheOtherSubscriptions() {
        String topic = createTopic("gone");
        String gone = createQueue("gone");
        String kept = createQueue("kept");
        subscribe(topic, "gone", obj("queue", gone));
        subscribe(topic, "kept", obj("queue", kept));
        mq.delete(queuePath(gone)).expectStatus(204);

        publish(topic, obj("body", "still delivered"));

        Map<String, List<JsonNode>> got = deliveries(Map.of(kept, 1));
        assertThat(bodies(got.get(kept))).containsExactly("still delivered");
    }

    // ------------------------------------------------------------------ helpers

    static String topicPath(String topic) {
        return "/v1/topics/" + topic;
    }

    static String publishPath(String topic) {
        return topicPath(topic) + "/messages";
    }

    static String subscriptionsPath(String topic) {
        return topicPath(topic) + "/subscriptions";
    }

    static String subscriptionPath(String topic, String subscription) {
        return subscriptionsPath(topic) + "/" + subscription;
    }

    /** Remembers a topic this test made (or may have made), so it is deleted after the class. */
    private String trackTopic(String topic) {
        createdTopics.add(topic);
        return topic;
    }

    /** Creates a topic with a unique name; 201. */
    private String createTopic(String hint) {
        String topic = trackTopic(uniqueName(hint));
        mq.put(topicPath(topic), obj()).expectStatus(201);
        return topic;
    }

    private void subscribe(String topic, String name, ObjectNode subscription) {
        mq.put(subscriptionPath(topic, name), subscription).expectStatus(201);
    }

    /** Publishes one message object; answers {@code results[0]} after checking it names a message. */
    private JsonNode publish(String topic, ObjectNode message) {
        JsonNode answer = mq.post(publishPath(topic), message).expectStatus(200).json();
        assertThat(answer.path("results").size())
                .as("results of a single publish: %s", answer)
                .isEqualTo(1);
        JsonNode result = answer.path("results").get(0);
        assertThat(result.path("messageId").asText())
                .as("messageId in %s", result)
                .isNotBlank();
        assertThat(result.path("duplicate").isBoolean())
                .as("boolean duplicate in %s", result)
                .isTrue();
        return result;
    }

    /** Whether GET /v1/topics lists the topic, following {@code next} through every page. */
    private boolean topicListed(String topic) {
        String next = null;
        for (int page = 0; page < 1000; page++) {
            JsonNode answer = mq.get("/v1/topics" + (next == null ? "" : "?next=" + urlEncode(next)))
                    .expectStatus(200)
                    .json();
            assertThat(answer.path("topics").isArray())
                    .as("topics array in %s", answer)
                    .isTrue();
            assertThat(answer.has("next"))
                    .as("the answer names next (null at the end): %s", answer)
                    .isTrue();
            for (JsonNode t : answer.path("topics")) {
                assertThat(t.path("name").isTextual()).as("name of %s", t).isTrue();
                if (t.path("name").asText().equals(topic)) {
                    return true;
                }
            }
            if (absent(answer, "next")) {
                return false;
            }
            next = answer.path("next").asText();
        }
        throw new AssertionError("listing topics did not end after 1000 pages");
    }

    /** Every subscription of the topic, following {@code next} to the end. */
    private List<JsonNode> listSubscriptions(String topic) {
        List<JsonNode> all = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 100; page++) {
            JsonNode answer = mq.get(subscriptionsPath(topic) + (next == null ? "" : "?next=" + urlEncode(next)))
                    .expectStatus(200)
                    .json();
            assertThat(answer.path("subscriptions").isArray())
                    .as("subscriptions array in %s", answer)
                    .isTrue();
            assertThat(answer.has("next"))
                    .as("the answer names next (null at the end): %s", answer)
                    .isTrue();
            all.addAll(list(answer.path("subscriptions")));
            if (absent(answer, "next")) {
                return all;
            }
            next = answer.path("next").asText();
        }
        throw new AssertionError("listing the subscriptions of " + topic + " did not end after 100 pages");
    }

    /**
     * What each queue received: first, all queues at once, receive until each has its expected number of
     * copies or {@link #FAN_OUT} has passed; then receive once more from every queue for
     * {@link #QUIET_SECONDS}, so any copy beyond those expected (a second copy, or one a filter should
     * have kept out) is in the answer too. Queues expecting none are only checked in the second step,
     * after the others got theirs.
     */
    private Map<String, List<JsonNode>> deliveries(Map<String, Integer> expected) {
        long deadline = System.nanoTime() + FAN_OUT.toNanos();
        Map<String, List<JsonNode>> got = new ConcurrentHashMap<>();
        expected.keySet().forEach(queue -> got.put(queue, Collections.synchronizedList(new ArrayList<>())));
        inParallel(expected.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> (Runnable) () -> {
                    List<JsonNode> mine = got.get(e.getKey());
                    while (mine.size() < e.getValue()) {
                        long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
                        if (left < 1) {
                            return;
                        }
                        mine.addAll(receive(
                                e.getKey(),
                                obj(
                                        "maxMessages",
                                        10,
                                        "waitSeconds",
                                        Math.min(5, left),
                                        "visibilityTimeoutSeconds",
                                        LEASE_SECONDS)));
                    }
                })
                .toList());
        inParallel(expected.keySet().stream()
                .map(queue -> (Runnable) () -> got.get(queue)
                        .addAll(receive(
                                queue,
                                obj(
                                        "maxMessages",
                                        10,
                                        "waitSeconds",
                                        QUIET_SECONDS,
                                        "visibilityTimeoutSeconds",
                                        LEASE_SECONDS))))
                .toList());
        return got;
    }

    /** Runs the tasks at once and waits for all; the first failure is rethrown as it was. */
    private void inParallel(List<Runnable> tasks) {
        List<Future<?>> running = tasks.stream().<Future<?>>map(pool::submit).toList();
        for (Future<?> task : running) {
            try {
                task.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError error) {
                    throw error;
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("a receive did not end within 60 s", e);
            }
        }
    }

    private static List<String> bodies(List<JsonNode> messages) {
        return texts(messages, "body");
    }

    /** One topic for all refused subscriptions of a class run; each case checks nothing was created. */
    private String sharedTopic() {
        return shared("topic", () -> createTopic("bad-sub"));
    }

    private String sharedQueue() {
        return shared("queue", () -> createQueue("bad-sub"));
    }

    private String shared(String key, Supplier<String> create) {
        return sharedResources.computeIfAbsent(key, k -> create.get());
    }
}
