package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.core.filters.FilterScope;
import dev.mq.handlers.Wire;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topics over DynamoDB Local; the fan-out is called directly, as the stream handler calls it. */
class TopicServiceTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    ServiceFixture f;
    TopicService topics;
    FanoutCapture published;

    @BeforeEach
    void fresh() {
        Tables tables = db.freshTables();
        f = new ServiceFixture(
                db.client(),
                tables,
                QueueService.Settings.defaults().shardsPerQueue(),
                wiring -> wiring.endpoints(new EndpointPolicy(true, false))
                        .topicStore(store -> published = new FanoutCapture(store)));
        topics = f.topics;
    }

    private void subscribe(String topic, String name, String json) {
        topics.subscribe(topic, name, Wire.subscriptionSpec(json));
    }

    private List<SendOutcome> publish(String topic, String body, Map<String, String> attributes) {
        return List.of(topics.publish(topic, new MessageToSend(body, attributes, null, null, null, null)));
    }

    private List<String> bodies(String queue) {
        return f.service.browse(queue, 100, null).items().stream()
                .map(BrowsedMessage::body)
                .toList();
    }

    @Test
    void postLiked_reachesEmailPushAndFeed_eachExactlyOnce_andAFilteredSubscriptionOnlyItsType() {
        topics.createTopic("post-events");
        for (String q : List.of("email", "push", "feed", "comments")) {
            f.queue(q);
        }
        subscribe("post-events", "email", "{\"queue\": \"email\"}");
        subscribe("post-events", "push", "{\"queue\": \"push\"}");
        subscribe("post-events", "feed", "{\"queue\": \"feed\"}");
        subscribe("post-events", "comments", "{\"queue\": \"comments\", \"filter\": {\"type\": [\"comment\"]}}");
        f.clock.advance(Duration.ofMillis(1));

        publish("post-events", "alice liked post 7", Map.of("type", "like"));
        publish("post-events", "bob commented on post 7", Map.of("type", "comment"));
        topics.fanOut(published.messages);

        for (String q : List.of("email", "push", "feed")) {
            assertThat(bodies(q)).containsExactly("alice liked post 7", "bob commented on post 7");
        }
        assertThat(bodies("comments")).containsExactly("bob commented on post 7");
        assertThat(f.service.browse("email", 1, null).items().get(0).attributes())
                .containsEntry("type", "like")
                .containsEntry("topic", "post-events");
    }

    @Test
    void fanOut_twiceAndConcurrently_writesOneCopyPerSubscription() throws Exception {
        topics.createTopic("t");
        f.queue("a");
        f.queue("b");
        subscribe("t", "a", "{\"queue\": \"a\"}");
        subscribe("t", "b", "{\"queue\": \"b\"}");
        f.clock.advance(Duration.ofMillis(1));
        for (int i = 0; i < 5; i++) {
            publish("t", "m" + i, Map.of());
        }

        topics.fanOut(published.messages);
        topics.fanOut(published.messages); // a retried batch
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> topics.fanOut(published.messages))); // concurrent invocations
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(bodies("a")).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(bodies("b")).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void everyCopy_carriesThePublishedMessageId_alsoWhenTheFanOutIsRetried() {
        topics.createTopic("t");
        f.queue("a");
        f.queue("b");
        subscribe("t", "a", "{\"queue\": \"a\"}");
        subscribe("t", "b", "{\"queue\": \"b\"}");
        f.clock.advance(Duration.ofMillis(1));
        String id = publish("t", "m", Map.of()).get(0).messageId();

        topics.fanOut(published.messages);
        topics.fanOut(published.messages);

        for (String q : List.of("a", "b")) {
            assertThat(f.service.browse(q, 10, null).items())
                    .extracting(BrowsedMessage::messageId)
                    .containsExactly(id);
        }
    }

    @Test
    void subscription_receivesOnlyMessagesPublishedAfterItWasCreated() {
        topics.createTopic("t");
        f.queue("late");
        publish("t", "before", Map.of());
        f.clock.advance(Duration.ofMillis(5));
        subscribe("t", "late", "{\"queue\": \"late\"}");
        f.clock.advance(Duration.ofMillis(5));
        publish("t", "after", Map.of());
        topics.fanOut(published.messages);

        assertThat(bodies("late")).containsExactly("after");
    }

    @Test
    void deduplicationId_dedupsAtTheTopic() {
        topics.createTopic("t");
        SendOutcome first = topics.publish("t", new MessageToSend("x", Map.of(), null, null, "d-1", null));
        SendOutcome again = topics.publish("t", new MessageToSend("y", Map.of(), null, null, "d-1", null));
        assertThat(again).isEqualTo(SendOutcome.sent(first.messageId(), true));
        assertThat(published.messages).hasSize(1);
    }

    @Test
    void deletedTopic_takesItsSubscriptions_andARecreatedOneStartsWithNone() {
        topics.createTopic("t");
        f.queue("q");
        subscribe("t", "s", "{\"queue\": \"q\"}");
        topics.deleteTopic("t");
        topics.createTopic("t");

        assertThatThrownBy(() -> topics.getSubscription("t", "s"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.SUBSCRIPTION_NOT_FOUND);
        assertThat(topics.listSubscriptions("t", 10, null).items()).isEmpty();
    }

    @Test
    void subscriptionRules_fifoQueue_missingQueue_missingTopic_refusedEndpoints() {
        topics.createTopic("t");
        f.queue("f.fifo");
        assertThatThrownBy(() -> subscribe("t", "s", "{\"queue\": \"f.fifo\"}")).hasMessageContaining("FIFO");
        assertThatThrownBy(() -> subscribe("t", "s", "{\"queue\": \"missing\"}"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.QUEUE_NOT_FOUND);
        assertThatThrownBy(() -> subscribe("nope", "s", "{\"endpoint\": \"https://127.0.0.1/x\", \"secret\": \"k\"}"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        for (String endpoint : List.of(
                "http://example.invalid/x",
                "https://169.254.169.254/latest",
                "https://10.0.0.1/x",
                "https://192.168.1.1/x",
                "ftp://127.0.0.1/x")) {
            assertThatThrownBy(() -> subscribe("t", "e", "{\"endpoint\": \"" + endpoint + "\", \"secret\": \"k\"}"))
                    .as(endpoint)
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        subscribe("t", "e", "{\"endpoint\": \"http://127.0.0.1:9/hook\", \"secret\": \"k\"}");
        assertThat(topics.getSubscription("t", "e").endpoint()).isEqualTo("http://127.0.0.1:9/hook");
    }

    @Test
    void deployedPolicy_refusesLoopback() {
        EndpointPolicy deployed = EndpointPolicy.deployed();
        assertThatThrownBy(() -> deployed.check("https://127.0.0.1/hook")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> deployed.check("https://[::1]/hook")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> deployed.check("https://100.64.0.1/hook")).hasMessageContaining("private");
        assertThat(new EndpointPolicy(false, true)
                        .check("https://10.1.2.3/hook")
                        .getHost())
                .isEqualTo("10.1.2.3");
    }

    @Test
    void subscriberQueueGone_isSkipped_andTheOthersStillGetTheirCopy() {
        topics.createTopic("t");
        f.queue("dead");
        f.queue("alive");
        subscribe("t", "dead", "{\"queue\": \"dead\"}");
        subscribe("t", "alive", "{\"queue\": \"alive\"}");
        f.service.deleteQueue("dead");
        f.clock.advance(Duration.ofMillis(1));
        publish("t", "m", Map.of());
        topics.fanOut(published.messages);
        assertThat(bodies("alive")).containsExactly("m");
    }

    @Test
    void publishRules_noGroup_noDelay_unknownTopic() {
        topics.createTopic("t");
        assertThatThrownBy(() -> topics.publish("t", new MessageToSend("x", Map.of(), 5, null, null, null)))
                .hasMessageContaining("delaySeconds");
        assertThatThrownBy(() -> topics.publish("t", new MessageToSend("x", Map.of(), null, null, null, "g")))
                .hasMessageContaining("groupId");
        assertThatThrownBy(() -> publish("none", "x", Map.of()))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
    }

    @Test
    void topicLog_isSweptOnceItsDayIsOver() {
        topics.createTopic("t");
        publish("t", "m", Map.of());
        assertThat(topics.sweepExpired()).isZero();
        f.clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(topics.sweepExpired()).isEqualTo(1);
    }

    @Test
    void badFilter_isRefusedAtSubscribe_beforeAnythingIsWritten_andAReplacedSubscriptionKeepsItsFilter() {
        topics.createTopic("t");
        f.queue("q");
        subscribe("t", "kept", "{\"queue\": \"q\", \"filter\": {\"type\": [\"a\"]}}");

        for (String bad : List.of(
                "{\"type\": [{\"sufix\": \"a\"}]}",
                "{\"ip\": [{\"cidr\": \"10.0.0.0/99\"}]}",
                "{\"p\": [{\"numeric\": [\">\", \"one\"]}]}")) {
            for (String name : List.of("new", "kept")) {
                assertThatThrownBy(() -> subscribe("t", name, "{\"queue\": \"q\", \"filter\": " + bad + "}"))
                        .extracting(e -> ((QueueException) e).code())
                        .isEqualTo(ErrorCode.INVALID_REQUEST);
            }
        }
        assertThatThrownBy(() -> subscribe("t", "new", "{\"queue\": \"q\", \"filterScope\": \"MessageBody\"}"))
                .hasMessageContaining("filterScope");

        assertThatThrownBy(() -> topics.getSubscription("t", "new"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.SUBSCRIPTION_NOT_FOUND);
        assertThat(topics.getSubscription("t", "kept").filterJson()).isEqualTo("{\"type\":[\"a\"]}");
    }

    @Test
    void bodyScopedSubscription_isDescribedWithItsScope_andGetsTheMessagesWhoseJsonBodyMatches() {
        topics.createTopic("t");
        f.queue("big");
        f.queue("typed");
        subscribe(
                "t",
                "big",
                "{\"queue\": \"big\", \"filterScope\": \"body\","
                        + " \"filter\": {\"order\": {\"total\": [{\"numeric\": [\">=\", 100]}]}}}");
        subscribe("t", "typed", "{\"queue\": \"typed\", \"filter\": {\"type\": [\"order\"]}}");
        f.clock.advance(Duration.ofMillis(1));

        publish("t", "{\"order\": {\"total\": 250}}", Map.of("type", "order"));
        publish("t", "{\"order\": {\"total\": 50}}", Map.of("type", "order"));
        publish("t", "total 250, not JSON", Map.of("type", "note"));
        topics.fanOut(published.messages);

        assertThat(bodies("big")).containsExactly("{\"order\": {\"total\": 250}}");
        assertThat(bodies("typed")).hasSize(2);
        assertThat(topics.getSubscription("t", "big").filterScope()).isEqualTo(FilterScope.BODY);
        assertThat(topics.getSubscription("t", "typed").filterScope()).isEqualTo(FilterScope.ATTRIBUTES);
        assertThat(topics.listSubscriptions("t", 10, null).items())
                .extracting(Subscription::filterScope)
                .containsExactly(FilterScope.BODY, FilterScope.ATTRIBUTES);
    }

    @Test
    void subscriptionWithoutAFilter_keepsTheDefaultScope_unlessItIsBody() {
        topics.createTopic("t");
        f.queue("q");
        subscribe("t", "plain", "{\"queue\": \"q\"}");
        subscribe("t", "body", "{\"queue\": \"q\", \"filterScope\": \"body\"}");

        assertThat(topics.getSubscription("t", "plain").filterScope()).isEqualTo(FilterScope.ATTRIBUTES);
        assertThat(topics.getSubscription("t", "body").filterScope()).isEqualTo(FilterScope.BODY);
    }

    @Test
    void aFilterReplacedByAnotherProcess_isCompiledAgain_soTheFanOutUsesTheNewOne() {
        topics.createTopic("t");
        f.queue("q");
        subscribe("t", "s", "{\"queue\": \"q\", \"filter\": {\"type\": [\"a\"]}}");
        f.clock.advance(Duration.ofMillis(1));
        publish("t", "first a", Map.of("type", "a"));
        topics.fanOut(published.messages); // compiles and keeps the filter
        published.messages.clear();

        TopicService other = new TopicService(published, f.service, f.clock, new EndpointPolicy(true, false));
        other.subscribe(
                "t",
                "s",
                Wire.subscriptionSpec(
                        "{\"queue\": \"q\", \"filterScope\": \"body\", \"filter\": {\"type\": [\"b\"]}}"));
        publish("t", "second a", Map.of("type", "a"));
        publish("t", "{\"type\": \"b\"}", Map.of("type", "a"));
        topics.fanOut(published.messages);

        assertThat(bodies("q")).containsExactly("first a", "{\"type\": \"b\"}");
    }

    /** The real topic store, remembering what was published, as the log's stream would hand it on. */
    static final class FanoutCapture implements TopicStore {
        final List<TopicMessage> messages = new ArrayList<>();
        private final TopicStore store;

        FanoutCapture(TopicStore store) {
            this.store = store;
        }

        @Override
        public java.util.Optional<TopicConfig> getTopic(String name) {
            return store.getTopic(name);
        }

        @Override
        public java.util.Optional<TopicConfig> createTopic(TopicConfig topic) {
            return store.createTopic(topic);
        }

        @Override
        public java.util.Optional<TopicConfig> deleteTopic(String name) {
            return store.deleteTopic(name);
        }

        @Override
        public Page<TopicConfig> listTopics(int limit, String afterName) {
            return store.listTopics(limit, afterName);
        }

        @Override
        public java.util.Optional<Subscription> getSubscription(String topic, String name) {
            return store.getSubscription(topic, name);
        }

        @Override
        public void putSubscription(Subscription subscription) {
            store.putSubscription(subscription);
        }

        @Override
        public boolean deleteSubscription(String topic, String name) {
            return store.deleteSubscription(topic, name);
        }

        @Override
        public Page<Subscription> listSubscriptions(String topic, int limit, String afterName) {
            return store.listSubscriptions(topic, limit, afterName);
        }

        @Override
        public long deleteExpired(java.time.Instant now) {
            return store.deleteExpired(now);
        }

        @Override
        public void publish(TopicMessage message, java.time.Instant keepUntil) {
            store.publish(message, keepUntil);
            messages.add(message);
        }

        @Override
        public java.util.Optional<String> publishDeduplicated(
                TopicMessage message,
                java.time.Instant keepUntil,
                String dedupId,
                java.time.Instant dedupExpiresAt,
                java.time.Instant now) {
            java.util.Optional<String> first =
                    store.publishDeduplicated(message, keepUntil, dedupId, dedupExpiresAt, now);
            if (first.isEmpty()) {
                messages.add(message);
            }
            return first;
        }
    }

    @Test
    void typedAttributes_reachQueueCopiesAndEndpointJobs_andBinaryOnesAreNotMatchedByFilters() {
        topics.createTopic("t");
        f.queue("all");
        f.queue("priced");
        f.queue("pictured");
        subscribe("t", "all", "{\"queue\": \"all\"}");
        subscribe("t", "priced", "{\"queue\": \"priced\", \"filter\": {\"price\": [{\"numeric\": [\">\", 10]}]}}");
        subscribe("t", "pictured", "{\"queue\": \"pictured\", \"filter\": {\"photo\": [{\"exists\": true}]}}");
        subscribe("t", "hook", "{\"endpoint\": \"http://127.0.0.1:9/hook\", \"secret\": \"k\"}");
        f.clock.advance(Duration.ofMillis(1));

        topics.publish(
                "t",
                new MessageToSend(
                        "order",
                        Map.of("price", "12.5", "photo", "AAEC", "topic", "7"),
                        null,
                        null,
                        null,
                        null,
                        Map.of("price", "Number", "photo", "Binary", "topic", "Number")));
        topics.fanOut(published.messages);

        BrowsedMessage copy = f.service.browse("all", 1, null).items().get(0);
        // the copy's topic attribute is the topic's name, so it is a String whatever the publisher sent
        assertThat(copy.attributes()).containsEntry("topic", "t").containsEntry("photo", "AAEC");
        assertThat(copy.attributeTypes()).isEqualTo(Map.of("price", "Number", "photo", "Binary"));
        assertThat(bodies("priced")).containsExactly("order");
        assertThat(bodies("pictured")).isEmpty();
        DeliveryJob job = DeliveryJob.parse(f.service
                .browse(TopicService.DELIVERY_QUEUE, 1, null)
                .items()
                .get(0)
                .body());
        assertThat(job.payload().attributeTypes())
                .isEqualTo(Map.of("price", "Number", "photo", "Binary", "topic", "Number"));
    }
}
