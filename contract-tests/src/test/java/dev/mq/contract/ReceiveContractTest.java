package dev.mq.contract;

import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Receiving: leases, visibility timeouts, receive counts, long polling, dead letters, FIFO order, expiry. */
class ReceiveContractTest extends ContractTestSupport {

    @Test
    void receive_fromEmptyQueue_answersAnEmptyList() {
        String queue = createQueue("empty");

        JsonNode answer = mq.post(queuePath(queue) + "/receive", obj("waitSeconds", 0))
                .expectStatus(200)
                .json();

        assertThat(answer.path("messages").isArray()).isTrue();
        assertThat(answer.path("messages").size()).isZero();
    }

    @Test
    void receive_withAnEmptyRequest_usesTheDefaults() {
        String queue = createQueue("defaults");
        sendBody(queue, "one");
        sendBody(queue, "two");

        JsonNode answer =
                mq.post(queuePath(queue) + "/receive", obj()).expectStatus(200).json();

        assertThat(answer.path("messages").size())
                .as("default maxMessages is 1: %s", answer)
                .isEqualTo(1);
    }

    @Test
    void receive_answersEveryFieldOfTheMessage() {
        String queue = createQueue("fields");
        Instant before = Instant.now().minusSeconds(300);
        String id = send(
                        queue,
                        obj("body", "payload", "attributes", Map.of("kind", "test"), "deduplicationId", "dedup-1"))
                .path("messageId")
                .asText();

        JsonNode m = receiveOne(queue, 30);

        assertThat(m.path("messageId").asText()).isEqualTo(id);
        assertThat(m.path("body").asText()).isEqualTo("payload");
        assertThat(m.path("attributes").path("kind").asText()).isEqualTo("test");
        assertThat(m.path("attributes").size()).isEqualTo(1);
        assertThat(m.path("receiptHandle").asText())
                .as("an opaque, URL-safe handle")
                .matches("[A-Za-z0-9._~-]+");
        assertThat(m.path("receiveCount").isIntegralNumber()).isTrue();
        assertThat(m.path("receiveCount").asInt()).isEqualTo(1);
        Instant sentAt = utcTime(m, "sentAt");
        Instant firstReceivedAt = utcTime(m, "firstReceivedAt");
        assertThat(sentAt).isAfter(before).isBeforeOrEqualTo(firstReceivedAt);
        assertThat(absent(m, "groupId"))
                .as("no groupId on a standard queue: %s", m)
                .isTrue();
        assertThat(m.path("deduplicationId").asText()).isEqualTo("dedup-1");
    }

    @Test
    void receive_fromFifo_carriesGroupIdAndDeduplicationId() {
        String queue = createFifoQueue("fields");
        send(queue, obj("body", "f", "groupId", "group-1", "deduplicationId", "d-1"));

        JsonNode m = receiveOne(queue, 30);

        assertThat(m.path("groupId").asText()).isEqualTo("group-1");
        assertThat(m.path("deduplicationId").asText()).isEqualTo("d-1");
        assertThat(m.path("receiveCount").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ leases

    @Test
    void receive_leaseHidesTheMessage_untilItsVisibilityTimeoutEnds_thenRedeliversWithAHigherCount() {
        String queue = createQueue("lease");
        String id = sendBody(queue, "leased");

        JsonNode first = receiveOne(queue, 1);
        long leased = System.nanoTime();
        assertNothingToReceive(queue);
        JsonNode second = receiveOne(queue, 30);

        assertThat(millisSince(leased)).as("ms until redelivery").isGreaterThanOrEqualTo(600);
        assertThat(second.path("messageId").asText()).isEqualTo(id);
        assertThat(first.path("receiveCount").asInt()).isEqualTo(1);
        assertThat(second.path("receiveCount").asInt()).isEqualTo(2);
        assertThat(second.path("receiptHandle").asText())
                .isNotEqualTo(first.path("receiptHandle").asText());
        assertThat(utcTime(second, "firstReceivedAt"))
                .as("firstReceivedAt on redelivery")
                .isEqualTo(utcTime(first, "firstReceivedAt"));
        assertThat(utcTime(second, "sentAt")).as("sentAt on redelivery").isEqualTo(utcTime(first, "sentAt"));
    }

    @Test
    void receive_usesTheQueueVisibilityTimeout_whenTheRequestNamesNone() {
        String queue = createQueue("lease", "visibilityTimeoutSeconds", 1);
        sendBody(queue, "short lease");

        List<JsonNode> first = receive(queue, obj("waitSeconds", 2));
        long leased = System.nanoTime();
        assertThat(first).hasSize(1);
        assertNothingToReceive(queue);
        List<JsonNode> again = receive(queue, obj("waitSeconds", 5));

        assertThat(again).hasSize(1);
        assertThat(again.get(0).path("receiveCount").asInt()).isEqualTo(2);
        assertThat(millisSince(leased)).isGreaterThanOrEqualTo(700);
    }

    @Test
    void receive_requestVisibilityTimeout_overridesTheQueueDefault() {
        String queue = createQueue("lease", "visibilityTimeoutSeconds", 1);
        sendBody(queue, "long lease");

        receiveOne(queue, 30);
        pause(LEASE_ENDED_MILLIS);

        assertNothingToReceive(queue);
    }

    @Test
    void receive_withVisibilityTimeoutZero_leavesTheMessageVisible() {
        String queue = createQueue("lease");
        sendBody(queue, "peek");

        receiveOne(queue, 0);
        List<JsonNode> again = receive(queue, obj("waitSeconds", 2));

        assertThat(again).hasSize(1);
        assertThat(again.get(0).path("receiveCount").asInt()).isEqualTo(2);
    }

    @Test
    void receive_eachMessageGoesToOneReceiver_whileLeased() {
        String queue = createQueue("lease");
        for (int i = 0; i < 5; i++) {
            sendBody(queue, "m" + i);
        }

        List<JsonNode> got = receiveAll(queue, 5, 30);

        assertThat(new HashSet<>(texts(got, "messageId"))).hasSize(5);
        assertNothingToReceive(queue);
    }

    @Test
    void receive_maxMessages_boundsTheAnswer_andDefaultsToOne() {
        String queue = createQueue("max");
        Object[] batch = new Object[10];
        for (int i = 0; i < 10; i++) {
            batch[i] = obj("body", "m" + i);
        }
        sendBatch(queue, batch);
        sendBatch(queue, obj("body", "m10"), obj("body", "m11"));

        List<JsonNode> one = receive(queue, obj("waitSeconds", 2, "visibilityTimeoutSeconds", 30));
        List<JsonNode> upToThree =
                receive(queue, obj("maxMessages", 3, "waitSeconds", 2, "visibilityTimeoutSeconds", 30));
        List<JsonNode> upToTen =
                receive(queue, obj("maxMessages", 10, "waitSeconds", 2, "visibilityTimeoutSeconds", 30));

        assertThat(one).hasSize(1);
        assertThat(upToThree).hasSizeBetween(1, 3);
        assertThat(upToTen).hasSizeBetween(1, 10);
        List<JsonNode> all = new ArrayList<>(one);
        all.addAll(upToThree);
        all.addAll(upToTen);
        all.addAll(receiveAll(queue, 12 - all.size(), 30));
        assertThat(new HashSet<>(texts(all, "messageId"))).hasSize(12);
    }

    // ------------------------------------------------------------------ long polling

    @Test
    void receive_longPoll_returnsSoonAfterAMessageIsSent() throws Exception {
        String queue = createQueue("poll");
        CompletableFuture<String> sender = CompletableFuture.supplyAsync(() -> {
            pause(1_000);
            return sendBody(queue, "arrived");
        });
        long start = System.nanoTime();

        List<JsonNode> got = receive(queue, obj("waitSeconds", 5, "visibilityTimeoutSeconds", 30));

        long elapsed = millisSince(start);
        String sentId = sender.get(10, TimeUnit.SECONDS);
        assertThat(texts(got, "messageId")).containsExactly(sentId);
        assertThat(elapsed).as("ms the long poll took; the wait was 5000").isBetween(800L, 3_800L);
    }

    @Test
    void receive_longPoll_withAMessageWaiting_returnsAtOnce() {
        String queue = createQueue("poll");
        sendBody(queue, "here");
        long start = System.nanoTime();

        List<JsonNode> got = receive(queue, obj("waitSeconds", 10));

        assertThat(got).hasSize(1);
        assertThat(millisSince(start)).isLessThan(3_000);
    }

    @Test
    void receive_longPoll_onAnEmptyQueue_answersEmptyWhenTheWaitEnds() {
        String queue = createQueue("poll");
        long start = System.nanoTime();

        List<JsonNode> got = receive(queue, obj("waitSeconds", 2));

        assertThat(got).isEmpty();
        assertThat(millisSince(start)).as("ms the empty long poll took").isBetween(1_800L, 7_000L);
    }

    @Test
    void receive_queueReceiveWaitSeconds_isTheDefaultWait_andZeroInTheRequestOverridesIt() {
        String queue = createQueue("poll", "receiveWaitSeconds", 2);

        long start = System.nanoTime();
        assertThat(receive(queue, obj())).isEmpty();
        long defaulted = millisSince(start);
        start = System.nanoTime();
        assertThat(receive(queue, obj("waitSeconds", 0))).isEmpty();
        long explicit = millisSince(start);

        assertThat(defaulted).as("ms with the queue's wait of 2 s").isBetween(1_800L, 7_000L);
        assertThat(explicit).as("ms with waitSeconds 0").isLessThan(1_500L);
    }

    // ------------------------------------------------------------------ dead letters

    @Test
    void deadLetter_messageReceivedMaxReceiveCountTimes_movesToTheDeadLetterQueue() {
        String dlq = createQueue("dlq");
        String queue = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 2, "visibilityTimeoutSeconds", 1);
        sendBody(queue, "poison");
        sendBody(queue, "fine");

        List<JsonNode> firstRound = receiveAll(queue, 2, 1);
        JsonNode fine = firstRound.stream()
                .filter(m -> m.path("body").asText().equals("fine"))
                .findFirst()
                .orElseThrow();
        ack(queue, fine.path("receiptHandle").asText());
        JsonNode second = receiveOne(queue, 1);
        assertThat(second.path("body").asText()).isEqualTo("poison");
        assertThat(second.path("receiveCount").asInt()).isEqualTo(2);
        pause(LEASE_ENDED_MILLIS);

        assertNothingToReceive(queue);
        eventually(Duration.ofSeconds(5), () -> assertThat(browseBodies(dlq)).containsExactly("poison"));
        assertThat(browseAll(queue)).isEmpty();
        assertThat(receiveOne(dlq, 30).path("body").asText()).isEqualTo("poison");
    }

    @Test
    void deadLetter_withMaxReceiveCount1_movesAfterTheFirstReceive() {
        String dlq = createQueue("dlq");
        String queue = createQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        send(queue, obj("body", "once", "attributes", Map.of("k", "v")));

        receiveOne(queue, 1);
        pause(LEASE_ENDED_MILLIS);

        assertNothingToReceive(queue);
        eventually(Duration.ofSeconds(5), () -> assertThat(browseBodies(dlq)).containsExactly("once"));
        JsonNode moved = receiveOne(dlq, 30);
        assertThat(moved.path("attributes").path("k").asText()).isEqualTo("v");
        assertThat(browseAll(queue)).isEmpty();
    }

    @Test
    void deadLetter_onFifo_movesTheHead_andUnblocksItsGroup() {
        String dlq = createFifoQueue("dlq");
        String queue =
                createFifoQueue("src", "deadLetterQueue", dlq, "maxReceiveCount", 1, "visibilityTimeoutSeconds", 1);
        sendToGroup(queue, "g", "head");
        sendToGroup(queue, "g", "next");

        assertThat(receiveOne(queue, 1).path("body").asText()).isEqualTo("head");
        pause(LEASE_ENDED_MILLIS);
        JsonNode after = receiveOne(queue, 30);

        assertThat(after.path("body").asText()).isEqualTo("next");
        eventually(Duration.ofSeconds(5), () -> assertThat(browseBodies(dlq)).containsExactly("head"));
    }

    // ------------------------------------------------------------------ FIFO

    @Test
    void fifo_deliversEachGroupInSendOrder() {
        String queue = createFifoQueue("order");
        for (int i = 0; i < 3; i++) {
            sendToGroup(queue, "a", "a" + i);
            sendToGroup(queue, "b", "b" + i);
        }
        sendBatch(
                queue,
                obj("body", "a3", "groupId", "a"),
                obj("body", "b3", "groupId", "b"),
                obj("body", "a4", "groupId", "a"),
                obj("body", "a5", "groupId", "a"));

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 10 && bodies.size() < 10; i++) {
            for (JsonNode m :
                    receive(queue, obj("maxMessages", 10, "waitSeconds", 2, "visibilityTimeoutSeconds", 30))) {
                bodies.add(m.path("body").asText());
                ack(queue, m.path("receiptHandle").asText());
            }
        }

        assertThat(bodies.stream().filter(b -> b.startsWith("a")).toList())
                .containsExactly("a0", "a1", "a2", "a3", "a4", "a5");
        assertThat(bodies.stream().filter(b -> b.startsWith("b")).toList()).containsExactly("b0", "b1", "b2", "b3");
    }

    @Test
    void fifo_blocksAGroupWhileOneOfItsMessagesIsInFlight_butNotOtherGroups() {
        String queue = createFifoQueue("block");
        sendToGroup(queue, "a", "a1");
        sendToGroup(queue, "a", "a2");

        JsonNode a1 = receiveOne(queue, 30);
        assertThat(a1.path("body").asText()).isEqualTo("a1");
        sendToGroup(queue, "b", "b1");
        List<JsonNode> meanwhile =
                receive(queue, obj("maxMessages", 10, "waitSeconds", 2, "visibilityTimeoutSeconds", 30));

        assertThat(texts(meanwhile, "body")).containsExactly("b1");
        ack(queue, a1.path("receiptHandle").asText());
        List<JsonNode> afterAck =
                receive(queue, obj("maxMessages", 10, "waitSeconds", 2, "visibilityTimeoutSeconds", 30));
        assertThat(texts(afterAck, "body")).containsExactly("a2");
    }

    @Test
    void fifo_messageWhoseLeaseEnded_isDeliveredAgainBeforeTheRestOfItsGroup() {
        String queue = createFifoQueue("redeliver");
        sendToGroup(queue, "g", "g1");
        sendToGroup(queue, "g", "g2");

        JsonNode first = receiveOne(queue, 1);
        JsonNode again = receiveOne(queue, 30);

        assertThat(first.path("body").asText()).isEqualTo("g1");
        assertThat(again.path("body").asText()).isEqualTo("g1");
        assertThat(again.path("receiveCount").asInt()).isEqualTo(2);
    }

    @Test
    void fifo_oneReceiveMayReturnSeveralMessagesOfAGroup_butOnlyInOrder() {
        String queue = createFifoQueue("several");
        sendBatch(
                queue,
                obj("body", "g1", "groupId", "g"),
                obj("body", "g2", "groupId", "g"),
                obj("body", "g3", "groupId", "g"),
                obj("body", "g4", "groupId", "g"));

        List<JsonNode> got = receive(queue, obj("maxMessages", 10, "waitSeconds", 2, "visibilityTimeoutSeconds", 30));

        assertThat(got).isNotEmpty();
        assertThat(texts(got, "body"))
                .containsExactlyElementsOf(List.of("g1", "g2", "g3", "g4").subList(0, got.size()));
        Set<String> handles = new HashSet<>(texts(got, "receiptHandle"));
        assertThat(handles).hasSize(got.size());
    }

    // ------------------------------------------------------------------ expiry

    /**
     * The shortest retention is 60 s, so this takes over a minute; it runs only with -Dmq.slow=true.
     */
    @Test
    @EnabledIfSystemProperty(named = "mq.slow", matches = "true")
    void receive_neverDeliversAMessagePastItsRetention() {
        String queue = createQueue("expiry", "messageRetentionSeconds", 60);
        sendBody(queue, "short-lived");

        pause(62_000);

        assertNothingToReceive(queue);
        assertThat(browseAll(queue)).isEmpty();
    }
}
