package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Queue management: create, describe with stats, change, list, delete, purge, names and attribute ranges. */
class QueueContractTest extends ContractTestSupport {

    // ------------------------------------------------------------------ create

    @Test
    void put_creates201_withDescriptionAndDefaultAttributes() {
        String name = track(uniqueName("create"));
        Instant before = Instant.now();

        JsonNode description = mq.put(queuePath(name), obj()).expectStatus(201).json();

        assertThat(description.path("name").asText()).isEqualTo(name);
        assertThat(description.path("fifo").isBoolean()).isTrue();
        assertThat(description.path("fifo").booleanValue()).isFalse();
        // Real clocks on a remote target: allow some skew.
        assertThat(utcTime(description, "createdAt"))
                .isBetween(before.minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofMinutes(5)));
        JsonNode attributes = description.path("attributes");
        assertThat(attributes.path("visibilityTimeoutSeconds").asInt(-1)).isEqualTo(30);
        assertThat(attributes.path("messageRetentionSeconds").asInt(-1)).isEqualTo(345_600);
        assertThat(attributes.path("delaySeconds").asInt(-1)).isEqualTo(0);
        assertThat(attributes.path("receiveWaitSeconds").asInt(-1)).isEqualTo(0);
        assertThat(attributes.path("maxMessageBytes").asInt(-1)).isEqualTo(262_144);
        assertThat(attributes.path("deduplicationWindowSeconds").asInt(-1)).isEqualTo(300);
        assertThat(attributes.path("contentBasedDeduplication").isBoolean()).isTrue();
        assertThat(attributes.path("contentBasedDeduplication").booleanValue()).isFalse();
        assertThat(absent(attributes, "deadLetterQueue"))
                .as("no deadLetterQueue in %s", attributes)
                .isTrue();
        assertThat(absent(attributes, "maxReceiveCount"))
                .as("no maxReceiveCount in %s", attributes)
                .isTrue();
    }

    @Test
    void put_again_withSameAttributes_answers200WithTheExistingQueue() {
        String name = track(uniqueName("again"));
        JsonNode first = mq.put(queuePath(name), obj("visibilityTimeoutSeconds", 5))
                .expectStatus(201)
                .json();

        JsonNode second = mq.put(queuePath(name), obj("visibilityTimeoutSeconds", 5))
                .expectStatus(200)
                .json();

        assertThat(second.path("name").asText()).isEqualTo(name);
        assertThat(utcTime(second, "createdAt"))
                .as("createdAt of the existing queue")
                .isEqualTo(utcTime(first, "createdAt"));
        assertThat(second.path("attributes").path("visibilityTimeoutSeconds").asInt())
                .isEqualTo(5);
    }

    @Test
    void put_again_withDefaultsSpelledOut_answers200() {
        String name = createQueue("spelled");

        mq.put(queuePath(name), obj("visibilityTimeoutSeconds", 30, "maxMessageBytes", 262_144))
                .expectStatus(200);
    }

    @Test
    void put_again_withDifferentAttributes_is409QueueAlreadyExists_andKeepsTheAttributes() {
        String name = createQueue("conflict", "visibilityTimeoutSeconds", 5);

        mq.put(queuePath(name), obj("visibilityTimeoutSeconds", 6)).expectError(409, "QueueAlreadyExists");

        assertThat(describeQueue(name)
                        .path("attributes")
                        .path("visibilityTimeoutSeconds")
                        .asInt())
                .isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bad.name",
                "bad!name",
                "bad~name",
                "bad*name",
                "with'quote",
                ".fifo",
                "a.fifo.fifo",
                "a.FIFO",
                "a.fifox",
                "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789x",
                "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij012345.fifo"
            })
    void put_withInvalidName_is400_andCreatesNothing(String name) {
        JsonNode error = mq.put(queuePath(name), obj()).expectError(400, "InvalidRequest");

        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(mq.get(queuePath(name)).status())
                .as("GET of %s after a refused create", name)
                .isEqualTo(400);
    }

    @Test
    void put_acceptsTheLongestNames_80Standard_and75PlusFifoSuffix() {
        String standard = (uniqueName("long") + "x".repeat(80)).substring(0, 80);
        String fifo = (uniqueName("long") + "x".repeat(75)).substring(0, 75) + ".fifo";

        mq.put(queuePath(track(standard)), obj()).expectStatus(201);
        mq.put(queuePath(track(fifo)), obj()).expectStatus(201);

        assertThat(describeQueue(standard).path("name").asText()).isEqualTo(standard);
        assertThat(describeQueue(fifo).path("fifo").booleanValue()).isTrue();
    }

    @Test
    void fifo_isDecidedByTheNameAlone() {
        String fifo = createFifoQueue("kind");
        String standard = createQueue("kind");

        assertThat(describeQueue(fifo).path("fifo").booleanValue()).isTrue();
        assertThat(describeQueue(standard).path("fifo").booleanValue()).isFalse();
    }

    static Stream<Arguments> invalidAttributes() {
        return Stream.of(
                Arguments.of("visibilityTimeoutSeconds", -1),
                Arguments.of("visibilityTimeoutSeconds", 43_201),
                Arguments.of("messageRetentionSeconds", 59),
                Arguments.of("messageRetentionSeconds", 31_536_001),
                Arguments.of("delaySeconds", -1),
                Arguments.of("delaySeconds", 901),
                Arguments.of("receiveWaitSeconds", -1),
                Arguments.of("receiveWaitSeconds", 21),
                Arguments.of("maxMessageBytes", 0),
                Arguments.of("maxMessageBytes", 262_145),
                Arguments.of("deduplicationWindowSeconds", 59),
                Arguments.of("deduplicationWindowSeconds", 86_401),
                Arguments.of("visibilityTimeoutSeconds", "30"),
                Arguments.of("visibilityTimeoutSeconds", 1.5),
                Arguments.of("delaySeconds", true),
                Arguments.of("messageRetentionSeconds", 9_999_999_999L),
                Arguments.of("contentBasedDeduplication", "true"),
                Arguments.of("contentBasedDeduplication", 1),
                Arguments.of("deadLetterQueue", 5),
                Arguments.of("deadLetterQueue", "bad.name"),
                Arguments.of("colour", "blue"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidAttributes")
    void put_withInvalidAttribute_is400_andCreatesNothing(String attribute, Object value) {
        String name = track(uniqueName("range"));

        mq.put(queuePath(name), obj(attribute, value)).expectError(400, "InvalidRequest");

        mq.get(queuePath(name)).expectError(404, "QueueNotFound");
    }

    @Test
    void put_acceptsEveryAttributeAtItsLimits() {
        String high = createQueue(
                "high",
                "visibilityTimeoutSeconds",
                43_200,
                "messageRetentionSeconds",
                31_536_000,
                "delaySeconds",
                900,
                "receiveWaitSeconds",
                20,
                "maxMessageBytes",
                262_144,
                "deduplicationWindowSeconds",
                86_400,
                "contentBasedDeduplication",
                true);
        String low = createQueue(
                "low",
                "visibilityTimeoutSeconds",
                0,
                "messageRetentionSeconds",
                60,
                "delaySeconds",
                0,
                "receiveWaitSeconds",
                0,
                "maxMessageBytes",
                1,
                "deduplicationWindowSeconds",
                60);

        JsonNode h = describeQueue(high).path("attributes");
        assertThat(h.path("visibilityTimeoutSeconds").asInt()).isEqualTo(43_200);
        assertThat(h.path("messageRetentionSeconds").asInt()).isEqualTo(31_536_000);
        assertThat(h.path("delaySeconds").asInt()).isEqualTo(900);
        assertThat(h.path("receiveWaitSeconds").asInt()).isEqualTo(20);
        assertThat(h.path("maxMessageBytes").asInt()).isEqualTo(262_144);
        assertThat(h.path("deduplicationWindowSeconds").asInt()).isEqualTo(86_400);
        assertThat(h.path("contentBasedDeduplication").booleanValue()).isTrue();
        JsonNode l = describeQueue(low).path("attributes");
        assertThat(l.path("visibilityTimeoutSeconds").asInt(-1)).isEqualTo(0);
        assertThat(l.path("messageRetentionSeconds").asInt()).isEqualTo(60);
        assertThat(l.path("maxMessageBytes").asInt()).isEqualTo(1);
        assertThat(l.path("deduplicationWindowSeconds").asInt()).isEqualTo(60);
    }

    // ------------------------------------------------------------------ dead-letter queue settings

    @Test
    void put_withDeadLetterQueue_describesItWithMaxReceiveCount() {
        String dlq = createQueue("dlq");
        String source = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 3);

        JsonNode attributes = describeQueue(source).path("attributes");

        assertThat(attributes.path("deadLetterQueue").asText()).isEqualTo(dlq);
        assertThat(attributes.path("maxReceiveCount").asInt()).isEqualTo(3);
    }

    @Test
    void put_acceptsMaxReceiveCountFrom1To1000_only() {
        String dlq = createQueue("dlq");
        createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1);
        createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1000);

        for (int outOfRange : new int[] {0, 1001}) {
            String name = track(uniqueName("src"));
            mq.put(queuePath(name), obj("deadLetterQueue", dlq, "maxReceiveCount", outOfRange))
                    .expectError(400, "InvalidRequest");
            mq.get(queuePath(name)).expectError(404, "QueueNotFound");
        }
    }

    @Test
    void put_withDeadLetterQueueButNoMaxReceiveCount_is400() {
        String dlq = createQueue("dlq");
        String name = track(uniqueName("src"));

        mq.put(queuePath(name), obj("deadLetterQueue", dlq)).expectError(400, "InvalidRequest");

        mq.get(queuePath(name)).expectError(404, "QueueNotFound");
    }

    @Test
    void put_withDeadLetterQueueThatDoesNotExist_is400() {
        String name = track(uniqueName("src"));

        mq.put(queuePath(name), obj("deadLetterQueue", uniqueName("missing"), "maxReceiveCount", 2))
                .expectError(400, "InvalidRequest");

        mq.get(queuePath(name)).expectError(404, "QueueNotFound");
    }

    @Test
    void put_withDeadLetterQueueOfTheOtherKind_is400() {
        String standardDlq = createQueue("dlq");
        String fifoDlq = createFifoQueue("dlq");
        String fifo = track(uniqueName("src") + ".fifo");
        String standard = track(uniqueName("src"));

        mq.put(queuePath(fifo), obj("deadLetterQueue", standardDlq, "maxReceiveCount", 2))
                .expectError(400, "InvalidRequest");
        mq.put(queuePath(standard), obj("deadLetterQueue", fifoDlq, "maxReceiveCount", 2))
                .expectError(400, "InvalidRequest");

        mq.get(queuePath(fifo)).expectError(404, "QueueNotFound");
        mq.get(queuePath(standard)).expectError(404, "QueueNotFound");
        createFifoQueue("src", "deadLetterQueue", fifoDlq, "maxReceiveCount", 2);
    }

    // ------------------------------------------------------------------ describe and stats

    @Test
    void get_describesQueue_withStatsOfVisibleInFlightAndDelayed() {
        String queue = createQueue("stats");
        String inFlight = sendBody(queue, "in flight");
        assertThat(receiveOne(queue, 60).path("messageId").asText()).isEqualTo(inFlight);
        sendBody(queue, "visible");
        send(queue, obj("body", "delayed", "delaySeconds", 300));

        eventually(STATS_SETTLE, () -> {
            JsonNode description = describeQueue(queue);
            assertThat(description.path("name").asText()).isEqualTo(queue);
            assertThat(description.path("fifo").booleanValue()).isFalse();
            utcTime(description, "createdAt");
            assertThat(description
                            .path("attributes")
                            .path("visibilityTimeoutSeconds")
                            .asInt())
                    .isEqualTo(30);
            JsonNode stats = description.path("stats");
            assertThat(stats.path("visible").asLong(-1))
                    .as("visible in %s", stats)
                    .isEqualTo(1);
            assertThat(stats.path("inFlight").asLong(-1))
                    .as("inFlight in %s", stats)
                    .isEqualTo(1);
            assertThat(stats.path("delayed").asLong(-1))
                    .as("delayed in %s", stats)
                    .isEqualTo(1);
            assertThat(stats.path("oldestMessageAgeSeconds").isIntegralNumber())
                    .as("age in %s", stats)
                    .isTrue();
            assertThat(stats.path("oldestMessageAgeSeconds").asLong()).isBetween(0L, 600L);
        });
    }

    @Test
    void get_statsOfNewQueue_areZero() {
        String queue = createQueue("empty");

        JsonNode stats = describeQueue(queue).path("stats");

        assertThat(stats.path("visible").asLong(-1)).isZero();
        assertThat(stats.path("inFlight").asLong(-1)).isZero();
        assertThat(stats.path("delayed").asLong(-1)).isZero();
        assertThat(stats.path("oldestMessageAgeSeconds").asLong(-1)).isZero();
    }

    @Test
    void get_oldestMessageAge_growsWithTheOldestMessage() {
        String queue = createQueue("age");
        sendBody(queue, "old");
        pause(1_100);

        eventually(
                STATS_SETTLE,
                () -> assertThat(describeQueue(queue)
                                .path("stats")
                                .path("oldestMessageAgeSeconds")
                                .asLong())
                        .isBetween(1L, 600L));
    }

    @Test
    void get_unknownQueue_is404QueueNotFound() {
        mq.get(queuePath(uniqueName("nobody"))).expectError(404, "QueueNotFound");
    }

    // ------------------------------------------------------------------ change

    @Test
    void patch_changesTheNamedAttributes_andKeepsTheOthers() {
        String queue = createQueue("patch", "messageRetentionSeconds", 600);

        JsonNode changed = mq.patch(queuePath(queue), obj("visibilityTimeoutSeconds", 7, "delaySeconds", 1))
                .expectStatus(200)
                .json();

        assertThat(changed.path("name").asText()).isEqualTo(queue);
        assertThat(changed.path("attributes").path("visibilityTimeoutSeconds").asInt())
                .isEqualTo(7);
        assertThat(changed.path("attributes").path("delaySeconds").asInt()).isEqualTo(1);
        assertThat(changed.path("attributes").path("messageRetentionSeconds").asInt())
                .isEqualTo(600);
        JsonNode attributes = describeQueue(queue).path("attributes");
        assertThat(attributes.path("visibilityTimeoutSeconds").asInt()).isEqualTo(7);
        assertThat(attributes.path("delaySeconds").asInt()).isEqualTo(1);
        assertThat(attributes.path("messageRetentionSeconds").asInt()).isEqualTo(600);
    }

    @Test
    void patch_canSetADeadLetterQueue_butNotWithoutMaxReceiveCount() {
        String dlq = createQueue("dlq");
        String queue = createQueue("patch");

        mq.patch(queuePath(queue), obj("deadLetterQueue", dlq)).expectError(400, "InvalidRequest");
        mq.patch(queuePath(queue), obj("deadLetterQueue", uniqueName("missing"), "maxReceiveCount", 2))
                .expectError(400, "InvalidRequest");
        JsonNode changed = mq.patch(queuePath(queue), obj("deadLetterQueue", dlq, "maxReceiveCount", 2))
                .expectStatus(200)
                .json();

        assertThat(changed.path("attributes").path("deadLetterQueue").asText()).isEqualTo(dlq);
        assertThat(changed.path("attributes").path("maxReceiveCount").asInt()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidAttributes")
    void patch_withInvalidAttribute_is400_andChangesNothing(String attribute, Object value) {
        String queue = patchTarget();

        mq.patch(queuePath(queue), obj("visibilityTimeoutSeconds", 9, attribute, value))
                .expectError(400, "InvalidRequest");

        assertThat(describeQueue(queue)
                        .path("attributes")
                        .path("visibilityTimeoutSeconds")
                        .asInt())
                .isEqualTo(5);
    }

    private String patchTarget;

    /** One queue for all refused changes: a change that got through would show in every later case. */
    private synchronized String patchTarget() {
        if (patchTarget == null) {
            patchTarget = createQueue("patch", "visibilityTimeoutSeconds", 5);
        }
        return patchTarget;
    }

    @Test
    void patch_unknownQueue_is404QueueNotFound() {
        mq.patch(queuePath(uniqueName("nobody")), obj("visibilityTimeoutSeconds", 5))
                .expectError(404, "QueueNotFound");
    }

    @Test
    void patch_newMaxMessageBytes_appliesToLaterSends() {
        String queue = createQueue("patch");
        sendBody(queue, "x".repeat(200));

        mq.patch(queuePath(queue), obj("maxMessageBytes", 100)).expectStatus(200);

        // A deployment may take a moment to see the change; the local server sees it at once.
        eventually(
                Duration.ofSeconds(5),
                () -> mq.post(messagesPath(queue), obj("body", "y".repeat(200))).expectError(413, "PayloadTooLarge"));
    }

    // ------------------------------------------------------------------ list

    @Test
    void list_withPrefix_showsExactlyTheMatchingQueues_withNameFifoAndCreatedAt() {
        String prefix = uniqueName("list") + "-";
        List<String> names = List.of(prefix + "a", prefix + "b", prefix + "c.fifo");
        names.forEach(n -> createNamed(n, obj()));
        createQueue("list"); // shares "ct-list-" but not the random prefix

        JsonNode answer =
                mq.get("/v1/queues?prefix=" + prefix).expectStatus(200).json();

        List<JsonNode> queues = list(answer.path("queues"));
        assertThat(texts(queues, "name")).containsExactlyInAnyOrderElementsOf(names);
        for (JsonNode q : queues) {
            assertThat(q.path("fifo").booleanValue())
                    .as("fifo of %s", q)
                    .isEqualTo(q.path("name").asText().endsWith(".fifo"));
            utcTime(q, "createdAt");
        }
        assertThat(absent(answer, "next"))
                .as("next of the only page: %s", answer)
                .isTrue();
        assertThat(answer.has("next"))
                .as("the answer names next (null at the end): %s", answer)
                .isTrue();
    }

    @Test
    void list_pagesWithLimitAndNext() {
        String prefix = uniqueName("page") + "-";
        List<String> names = List.of(prefix + "a", prefix + "b", prefix + "c");
        names.forEach(n -> createNamed(n, obj()));

        JsonNode first = mq.get("/v1/queues?prefix=" + prefix + "&limit=2")
                .expectStatus(200)
                .json();
        assertThat(first.path("queues").size()).isEqualTo(2);
        assertThat(absent(first, "next"))
                .as("next of a first page of 2 out of 3: %s", first)
                .isFalse();

        List<String> seen = new ArrayList<>(texts(list(first.path("queues")), "name"));
        String next = first.path("next").asText();
        for (int page = 0; page < 5 && next != null; page++) {
            JsonNode answer = mq.get("/v1/queues?prefix=" + prefix + "&limit=2&next=" + urlEncode(next))
                    .expectStatus(200)
                    .json();
            assertThat(answer.path("queues").size()).isLessThanOrEqualTo(2);
            seen.addAll(texts(list(answer.path("queues")), "name"));
            next = absent(answer, "next") ? null : answer.path("next").asText();
        }
        assertThat(next).as("paging ends").isNull();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(names);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "ten", "1.5"})
    void list_withLimitOutOfRange_is400(String limit) {
        mq.get("/v1/queues?limit=" + limit).expectError(400, "InvalidRequest");
    }

    @Test
    void list_acceptsLimit1And1000() {
        mq.get("/v1/queues?limit=1&prefix=" + uniqueName("none")).expectStatus(200);
        mq.get("/v1/queues?limit=1000&prefix=" + uniqueName("none")).expectStatus(200);
    }

    // ------------------------------------------------------------------ delete and purge

    @Test
    void delete_answers204_thenTheQueueIsNotFound() {
        String queue = createQueue("delete");
        sendBody(queue, "goes with the queue");

        mq.delete(queuePath(queue)).expectStatus(204);

        mq.get(queuePath(queue)).expectError(404, "QueueNotFound");
        mq.post(messagesPath(queue), obj("body", "x")).expectError(404, "QueueNotFound");
        assertThat(texts(
                        list(mq.get("/v1/queues?prefix=" + queue)
                                .expectStatus(200)
                                .json()
                                .path("queues")),
                        "name"))
                .doesNotContain(queue);
    }

    @Test
    void delete_ofAQueueThatIsAnotherQueuesDeadLetterQueue_is409QueueInUse_namingIt() {
        String dlq = createQueue("in-use");
        String source = createQueue("in-use-src", "deadLetterQueue", dlq, "maxReceiveCount", 2);
        sendBody(dlq, "kept");

        JsonNode error = mq.delete(queuePath(dlq)).expectError(409, "QueueInUse");

        assertThat(error.path("message").asText()).contains(source);
        assertThat(browseBodies(dlq)).containsExactly("kept");
        mq.patch(queuePath(source), obj("deadLetterQueue", null)).expectStatus(200);
        mq.delete(queuePath(dlq)).expectStatus(204);
    }

    @Test
    void delete_unknownQueue_is404QueueNotFound() {
        mq.delete(queuePath(uniqueName("nobody"))).expectError(404, "QueueNotFound");
    }

    @Test
    void delete_thenCreateAgain_givesAnEmptyQueueAtOnce() {
        String queue = createQueue("recreate");
        sendBody(queue, "old one");
        sendBody(queue, "old two");
        receiveOne(queue, 60);

        mq.delete(queuePath(queue)).expectStatus(204);
        mq.put(queuePath(queue), obj()).expectStatus(201);

        assertThat(browseAll(queue)).isEmpty();
        assertNothingToReceive(queue);
        JsonNode stats = describeQueue(queue).path("stats");
        assertThat(stats.path("visible").asLong(-1)
                        + stats.path("inFlight").asLong(-1)
                        + stats.path("delayed").asLong(-1))
                .isZero();
        String fresh = sendBody(queue, "new");
        assertThat(receiveOne(queue, 30).path("messageId").asText()).isEqualTo(fresh);
    }

    @Test
    void purge_answers204_andRemovesEveryMessage_visibleInFlightAndDelayed() {
        String queue = createQueue("purge");
        sendBody(queue, "in flight");
        receiveOne(queue, 60);
        sendBody(queue, "visible");
        send(queue, obj("body", "delayed", "delaySeconds", 300));

        mq.post(queuePath(queue) + "/purge", null).expectStatus(204);

        assertThat(browseAll(queue)).isEmpty();
        assertNothingToReceive(queue);
        eventually(STATS_SETTLE, () -> {
            JsonNode stats = describeQueue(queue).path("stats");
            assertThat(stats.path("visible").asLong(-1)).isZero();
            assertThat(stats.path("inFlight").asLong(-1)).isZero();
            assertThat(stats.path("delayed").asLong(-1)).isZero();
        });
        String after = sendBody(queue, "after purge");
        assertThat(receiveOne(queue, 30).path("messageId").asText()).isEqualTo(after);
    }

    @Test
    void purge_unknownQueue_is404QueueNotFound() {
        mq.post(queuePath(uniqueName("nobody")) + "/purge", null).expectError(404, "QueueNotFound");
    }
}
