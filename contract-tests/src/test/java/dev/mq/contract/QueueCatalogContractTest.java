package dev.mq.contract;

import static dev.mq.contract.ContractClient.arr;
import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a queue's description holds besides its settings: tags, modifiedAt and the redrive allow policy. */
class QueueCatalogContractTest extends ContractTestSupport {

    // ------------------------------------------------------------------ tags

    @Test
    void put_withTags_givesThemToTheNewQueue_andAPutOfTheExistingQueueKeepsItsOwn() {
        String name = track(uniqueName("tags"));

        JsonNode created = mq.put(queuePath(name), obj("tags", Map.of("team", "shop", "Team", "")))
                .expectStatus(201)
                .json();
        JsonNode again = mq.put(queuePath(name), obj("tags", Map.of("team", "other")))
                .expectStatus(200)
                .json();

        assertThat(stringMap(created.path("tags"))).isEqualTo(Map.of("team", "shop", "Team", ""));
        assertThat(stringMap(again.path("tags"))).isEqualTo(Map.of("team", "shop", "Team", ""));
        assertThat(stringMap(describeQueue(name).path("tags"))).isEqualTo(Map.of("team", "shop", "Team", ""));
    }

    @Test
    void aQueueWithoutTags_showsNone_andOneCreatedAgainStartsWithout() {
        String name = track(uniqueName("tags"));
        mq.put(queuePath(name), obj("tags", Map.of("team", "shop"))).expectStatus(201);
        mq.delete(queuePath(name)).expectStatus(204);

        mq.put(queuePath(name), obj()).expectStatus(201);

        assertThat(absent(describeQueue(name), "tags")).isTrue();
    }

    @Test
    void put_withTagsSqsRefuses_is400_andCreatesNothing() {
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put("k" + i, "v");
        }
        for (Object tags :
                new Object[] {tooMany, Map.of("aws:team", "v"), Map.of("k".repeat(129), "v"), Map.of("k", 5), "x"}) {
            String name = track(uniqueName("tags"));
            JsonNode error = mq.put(queuePath(name), obj("tags", tags)).expectError(400, "InvalidRequest");
            assertThat(error.path("message").asText()).isNotBlank();
            mq.get(queuePath(name)).expectError(404, "QueueNotFound");
        }
    }

    @Test
    void patch_withTags_is400() {
        String queue = createQueue("tags");

        mq.patch(queuePath(queue), obj("tags", Map.of("team", "shop"))).expectError(400, "InvalidRequest");
    }

    // ------------------------------------------------------------------ modifiedAt

    @Test
    void modifiedAt_isTheCreation_untilAPatchChangesTheAttributes() {
        String queue = createQueue("modified");
        JsonNode created = describeQueue(queue);
        assertThat(utcTime(created, "modifiedAt")).isEqualTo(utcTime(created, "createdAt"));
        pause(20);

        JsonNode changed = mq.patch(queuePath(queue), obj("delaySeconds", 1))
                .expectStatus(200)
                .json();

        Instant modified = utcTime(changed, "modifiedAt");
        assertThat(modified).isAfter(utcTime(created, "createdAt"));
        assertThat(utcTime(describeQueue(queue), "modifiedAt")).isEqualTo(modified);
        assertThat(utcTime(describeQueue(queue), "createdAt")).isEqualTo(utcTime(created, "createdAt"));
    }

    // ------------------------------------------------------------------ redrive allow policy

    @Test
    void redriveAllowPolicy_isAllowAllByDefault_andEchoedAsGiven() {
        String open = createQueue("policy");
        String some = createQueue(
                "policy", "redriveAllowPolicy", obj("permission", "byQueue", "sourceQueues", arr("a", "b")));

        assertThat(describeQueue(open).path("attributes").path("redriveAllowPolicy"))
                .isEqualTo(obj("permission", "allowAll"));
        assertThat(describeQueue(some).path("attributes").path("redriveAllowPolicy"))
                .isEqualTo(obj("permission", "byQueue", "sourceQueues", arr("a", "b")));
    }

    @Test
    void aDeadLetterQueueThatDeniesAQueue_refusesItOnPutAndPatch_namingThePolicy() {
        String source = track(uniqueName("src"));
        String admitted = track(uniqueName("src"));
        String dlq = createQueue("dlq", "redriveAllowPolicy", obj("permission", "denyAll"));

        JsonNode refused = mq.put(queuePath(source), obj("deadLetterQueue", dlq, "maxReceiveCount", 3))
                .expectError(400, "InvalidRequest");
        assertThat(refused.path("message").asText()).contains("redriveAllowPolicy", "denyAll");
        mq.get(queuePath(source)).expectError(404, "QueueNotFound");

        mq.patch(queuePath(dlq), obj("redriveAllowPolicy", obj("permission", "byQueue", "sourceQueues", arr(admitted))))
                .expectStatus(200);
        mq.put(queuePath(admitted), obj("deadLetterQueue", dlq, "maxReceiveCount", 3))
                .expectStatus(201);
        mq.put(queuePath(source), obj()).expectStatus(201);
        JsonNode byQueue = mq.patch(queuePath(source), obj("deadLetterQueue", dlq, "maxReceiveCount", 3))
                .expectError(400, "InvalidRequest");
        assertThat(byQueue.path("message").asText()).contains("byQueue");

        JsonNode reset = mq.patch(queuePath(dlq), obj("redriveAllowPolicy", null))
                .expectStatus(200)
                .json();
        assertThat(reset.path("attributes").path("redriveAllowPolicy")).isEqualTo(obj("permission", "allowAll"));
        mq.patch(queuePath(source), obj("deadLetterQueue", dlq, "maxReceiveCount", 3))
                .expectStatus(200);
    }

    @Test
    void put_withAPolicySqsRefuses_is400_andCreatesNothing() {
        for (JsonNode policy : new JsonNode[] {
            obj("permission", "byQueue"),
            obj("permission", "byQueue", "sourceQueues", arr("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")),
            obj("permission", "denyAll", "sourceQueues", arr("a")),
            obj("permission", "some"),
            obj("sourceQueues", arr("a")),
        }) {
            String name = track(uniqueName("policy"));
            mq.put(queuePath(name), obj("redriveAllowPolicy", policy)).expectError(400, "InvalidRequest");
            mq.get(queuePath(name)).expectError(404, "QueueNotFound");
        }
    }
}
