package dev.mq.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicService;
import dev.mq.handlers.Wire;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.testing.LocalDynamoDb;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The stream filters the stack installs, applied to the items the store really writes (as a stream
 * record carries them): the delivery function wakes for new delivery jobs and for nothing else.
 */
class StreamFiltersTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();

    @Test
    void newDeliveryJobs_matchesJobInserts_only() throws Exception {
        // given: a plain send, a queue subscription's copy, and an endpoint subscription's job
        Tables tables = db.freshTables();
        Services services = Services.over(db.client(), tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .endpoints(new EndpointPolicy(true, false))
                .build();
        QueueService queues = services.queues();
        DynamoDbTopicStore topicStore = new DynamoDbTopicStore(db.client(), tables);
        TopicService topics = services.topics();
        queues.createQueue("plain", QueueAttributes.defaults());
        queues.send("plain", new MessageToSend("x", Map.of("subscription", "s"), null, null, null, null));
        topics.createTopic("t");
        topics.subscribe("t", "copy", Wire.subscriptionSpec("{\"queue\":\"plain\"}"));
        topics.subscribe(
                "t", "hook", Wire.subscriptionSpec("{\"endpoint\":\"http://127.0.0.1:9/hook\",\"secret\":\"k\"}"));
        Thread.sleep(2);
        String incarnation = topicStore.getTopic("t").orElseThrow().incarnation();
        topics.fanOut(List.of(new TopicMessage("t", incarnation, "m-1", "hello", Map.of(), Instant.now())));

        // when: each message item is offered to the filter as an INSERT and as a MODIFY
        JsonNode pattern = Json.parseObject(StreamFilters.newDeliveryJobs());
        List<Map<String, AttributeValue>> messages =
                db.client().scan(r -> r.tableName(tables.messages())).items().stream()
                        .filter(i -> i.containsKey("body"))
                        .toList();

        // then
        assertThat(messages).hasSize(3);
        List<String> woken = messages.stream()
                .filter(i -> matches(pattern, record("INSERT", i)))
                .map(i -> i.get("body").s())
                .toList();
        assertThat(woken).singleElement().satisfies(body -> assertThat(body).contains("\"subscription\":\"hook\""));
        assertThat(messages).noneMatch(i -> matches(pattern, record("MODIFY", i)));

        // and: a lease parks the job, which writes it anew; that insert wakes nobody
        assertThat(queues.receive(TopicService.DELIVERY_QUEUE, new ReceiveOptions(10, 0, 60)))
                .hasSize(1);
        List<Map<String, AttributeValue>> leasedJobs =
                db.client().scan(r -> r.tableName(tables.messages())).items().stream()
                        .filter(i -> i.containsKey("body") && i.get("body").s().contains("\"subscription\":\"hook\""))
                        .toList();
        assertThat(leasedJobs).singleElement().satisfies(job -> {
            assertThat(job.get("rc").n()).isEqualTo("1");
            assertThat(matches(pattern, record("INSERT", job))).isFalse();
        });
    }

    @Test
    void publishedTopicMessages_skipsTtlRemovals() {
        JsonNode pattern = Json.parseObject(StreamFilters.publishedTopicMessages());
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("t"));
        assertThat(matches(pattern, record("INSERT", item))).isTrue();
        assertThat(matches(pattern, record("REMOVE", item))).isFalse();
    }

    @Test
    void messageWrites_matchMessageItems_notLeaseNotesOrDedupRecords() {
        // given: messages, one with a dedup record, and a lease note: on one shard, the third lease is past
        // the hidden budget and parks, and a sooner visibility moves it on, leaving a note behind
        Tables tables = db.freshTables();
        QueueService queues = Services.over(db.client(), tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .settings(new QueueService.Settings(1, java.time.Duration.ofSeconds(2)))
                .queues();
        queues.createQueue("q", QueueAttributes.defaults());
        queues.send("q", new MessageToSend("x", Map.of(), null, null, "d-1", null));
        queues.send("q", MessageToSend.of("y"));
        queues.send("q", MessageToSend.of("z"));
        String handle = null;
        for (int i = 0; i < 3; i++) {
            handle = queues.receive("q", new ReceiveOptions(1, 0, 30)).get(0).receiptHandle();
        }
        queues.changeVisibility("q", handle, 5);
        List<Map<String, AttributeValue>> items =
                db.client().scan(r -> r.tableName(tables.messages())).items();
        assertThat(items)
                .hasSize(5)
                .filteredOn(i -> i.get("pk").s().endsWith("#n"))
                .hasSize(1);

        // then: the message's insert and removal (and a change in place) pass; the others do not
        List<JsonNode> patterns = StreamFilters.messageWrites().stream()
                .map(Json::parseObject)
                .map(JsonNode.class::cast)
                .toList();
        JsonNode delivery = Json.parseObject(StreamFilters.newDeliveryJobs());
        for (Map<String, AttributeValue> item : items) {
            boolean message = item.containsKey("body");
            for (JsonNode record : List.of(record("INSERT", item), removal(item), change(item))) {
                assertThat(patterns.stream().anyMatch(p -> matches(p, record)))
                        .as("%s", record)
                        .isEqualTo(message);
            }
            // push delivery sees a message item's writes (it reads visibleAt itself), never removals
            JsonNode push = Json.parseObject(StreamFilters.visibleMessageWrites());
            assertThat(matches(push, record("INSERT", item))).isEqualTo(message);
            assertThat(matches(push, change(item))).isEqualTo(message);
            assertThat(matches(push, removal(item))).isFalse();
            // old images in the stream wake no delivery
            assertThat(matches(delivery, removal(item))).isFalse();
            assertThat(matches(delivery, change(item))).isFalse();
        }
    }

    private static JsonNode removal(Map<String, AttributeValue> item) {
        ObjectNode record = Json.MAPPER.createObjectNode().put("eventName", "REMOVE");
        record.putObject("dynamodb").set("OldImage", image(item));
        return record;
    }

    private static JsonNode change(Map<String, AttributeValue> item) {
        ObjectNode record = (ObjectNode) record("MODIFY", item);
        ((ObjectNode) record.get("dynamodb")).set("OldImage", image(item));
        return record;
    }

    /** A stream record in the shape Lambda filters: {@code {"eventName", "dynamodb": {"NewImage"}}}. */
    private static JsonNode record(String eventName, Map<String, AttributeValue> item) {
        ObjectNode record = Json.MAPPER.createObjectNode().put("eventName", eventName);
        record.putObject("dynamodb").set("NewImage", image(item));
        return record;
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = Json.MAPPER.createObjectNode();
        item.forEach((name, value) -> {
            ObjectNode typed = image.putObject(name);
            switch (value.type()) {
                case S -> typed.put("S", value.s());
                case N -> typed.put("N", value.n());
                case BOOL -> typed.put("BOOL", value.bool());
                case M -> typed.set("M", image(value.m()));
                default -> typed.put(value.type().name(), value.toString());
            }
        });
        return image;
    }

    /**
     * Lambda's rule for the patterns used here: every key present and matching; a list of allowed values,
     * or of {@code {"exists": true}}.
     */
    private static boolean matches(JsonNode pattern, JsonNode event) {
        if (pattern.isArray()) {
            for (JsonNode allowed : pattern) {
                if (allowed.isObject() && allowed.has("exists")) {
                    return allowed.get("exists").asBoolean() == (event != null);
                }
                if (event != null && event.isValueNode() && allowed.asText().equals(event.asText())) {
                    return true;
                }
            }
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = event == null ? null : event.get(field.getKey());
            if (value == null || !matches(field.getValue(), value)) {
                return false;
            }
        }
        return true;
    }
}
