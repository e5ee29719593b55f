package dev.mq.contract;

import static dev.mq.contract.ContractClient.arr;
import static dev.mq.contract.ContractClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the contract test classes share: unique queue names (the target may be shared and never
 * empty), the queues a class created deleted after it, and short forms of the common calls. One
 * instance serves all tests of a class, so a class may keep a queue that many cases share. Every call
 * goes through {@link ContractClient}, so every answer is also checked for the request id and the
 * error shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(TargetAvailable.class)
abstract class ContractTestSupport {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** How long stats may lag once a queue is quiet (docs/api.md: exact within 15 s). */
    static final Duration STATS_SETTLE = Duration.ofSeconds(16);

    /** Long enough after a receive answered that its 1 s lease has surely ended on the server. */
    static final long LEASE_ENDED_MILLIS = 1_200;

    protected final ContractClient mq = ContractClient.shared();
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    /**
     * Deletes every queue the class made, several at a time: names are unique, so no test depends on
     * another's queue being gone, and deleting them one by one after each test would double the run.
     * A dead-letter queue is refused (409) while its source queue exists, so what was refused is
     * deleted again once the others are gone.
     */
    @AfterAll
    void deleteCreatedQueues() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<String> left = new ArrayList<>(created);
            while (!left.isEmpty()) {
                List<Future<Integer>> deletions = new ArrayList<>();
                for (String name : left) {
                    deletions.add(pool.submit(() -> mq.delete(queuePath(name)).status()));
                }
                List<String> inUse = new ArrayList<>();
                for (int i = 0; i < left.size(); i++) {
                    int status = deletions.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(status)
                            .as("status of deleting test queue " + left.get(i))
                            .isIn(204, 404, 409);
                    if (status == 409) {
                        inUse.add(left.get(i));
                    }
                }
                assertThat(inUse)
                        .as("queues still in use by queues that were not deleted")
                        .hasSizeLessThan(left.size());
                left = inUse;
            }
        } finally {
            pool.shutdownNow();
        }
        created.clear();
    }

    // ------------------------------------------------------------------ names and paths

    /** A name no other test, run or client uses: {@code ct-<hint>-<10 random chars>}. */
    static String uniqueName(String hint) {
        StringBuilder name = new StringBuilder("ct-").append(hint).append('-');
        for (int i = 0; i < 10; i++) {
            name.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return name.toString();
    }

    static String queuePath(String queue) {
        return "/v1/queues/" + queue;
    }

    static String messagesPath(String queue) {
        return queuePath(queue) + "/messages";
    }

    /** Remembers a queue this test made (or may have made), so it is deleted after the test. */
    protected String track(String queue) {
        created.add(queue);
        return queue;
    }

    // ------------------------------------------------------------------ queues

    /** Creates a standard queue with the given attributes (alternating names and values); 201. */
    protected String createQueue(String hint, Object... attributes) {
        return createNamed(uniqueName(hint), obj(attributes));
    }

    /** Creates a FIFO queue with the given attributes; 201. */
    protected String createFifoQueue(String hint, Object... attributes) {
        return createNamed(uniqueName(hint) + ".fifo", obj(attributes));
    }

    protected String createNamed(String name, ObjectNode attributes) {
        track(name);
        mq.put(queuePath(name), attributes).expectStatus(201);
        return name;
    }

    protected JsonNode describeQueue(String queue) {
        return mq.get(queuePath(queue)).expectStatus(200).json();
    }

    // ------------------------------------------------------------------ sending

    /** Sends one message object; answers {@code results[0]} after checking it names a message. */
    protected JsonNode send(String queue, ObjectNode message) {
        JsonNode answer =
                mq.post(messagesPath(queue), message).expectStatus(200).json();
        assertThat(answer.path("results").size())
                .as("results of a single send: %s", answer)
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

    /** Sends a message with this body; answers its id. */
    protected String sendBody(String queue, String body) {
        return send(queue, obj("body", body)).path("messageId").asText();
    }

    protected String sendToGroup(String queue, String group, String body) {
        return send(queue, obj("body", body, "groupId", group))
                .path("messageId")
                .asText();
    }

    /** Sends a {@code messages} batch; answers {@code results}. */
    protected JsonNode sendBatch(String queue, Object... messages) {
        JsonNode answer = mq.post(messagesPath(queue), obj("messages", arr(messages)))
                .expectStatus(200)
                .json();
        assertThat(answer.path("results").size())
                .as("one result per entry: %s", answer)
                .isEqualTo(messages.length);
        return answer.path("results");
    }

    // ------------------------------------------------------------------ receiving

    /** POST /receive with the given request; answers the messages. */
    protected List<JsonNode> receive(String queue, ObjectNode request) {
        JsonNode answer = mq.post(queuePath(queue) + "/receive", request)
                .expectStatus(200)
                .json();
        assertThat(answer.path("messages").isArray())
                .as("messages array in %s", answer)
                .isTrue();
        return list(answer.path("messages"));
    }

    /** Receives exactly one message, waiting up to a few seconds for it. */
    protected JsonNode receiveOne(String queue, int visibilitySeconds) {
        List<JsonNode> messages =
                receive(queue, obj("maxMessages", 1, "waitSeconds", 5, "visibilityTimeoutSeconds", visibilitySeconds));
        assertThat(messages).as("one message received from %s", queue).hasSize(1);
        return messages.get(0);
    }

    /** A receive that does not wait, which must find nothing. */
    protected void assertNothingToReceive(String queue) {
        assertThat(receive(queue, obj("maxMessages", 10, "waitSeconds", 0)))
                .as("messages receivable from %s", queue)
                .isEmpty();
    }

    /** Receives until {@code count} messages are leased (a receive may answer fewer than asked). */
    protected List<JsonNode> receiveAll(String queue, int count, int visibilitySeconds) {
        List<JsonNode> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            got.addAll(receive(
                    queue,
                    obj(
                            "maxMessages",
                            Math.min(10, count - got.size()),
                            "waitSeconds",
                            2,
                            "visibilityTimeoutSeconds",
                            visibilitySeconds)));
        }
        assertThat(got).as("messages received from %s", queue).hasSize(count);
        return got;
    }

    // ------------------------------------------------------------------ acknowledging and browsing

    protected void ack(String queue, String receiptHandle) {
        mq.delete(messagesPath(queue) + "/" + receiptHandle).expectStatus(204);
    }

    protected ContractClient.Reply changeVisibility(String queue, String receiptHandle, int seconds) {
        return mq.post(
                queuePath(queue) + "/visibility",
                obj("receiptHandle", receiptHandle, "visibilityTimeoutSeconds", seconds));
    }

    /** Every message the queue holds, following {@code next} to the end. */
    protected List<JsonNode> browseAll(String queue) {
        List<JsonNode> all = new ArrayList<>();
        String next = null;
        for (int page = 0; page < 100; page++) {
            String path = messagesPath(queue) + "?limit=100" + (next == null ? "" : "&next=" + urlEncode(next));
            JsonNode answer = mq.get(path).expectStatus(200).json();
            all.addAll(list(answer.path("messages")));
            JsonNode token = answer.path("next");
            if (token.isMissingNode() || token.isNull()) {
                return all;
            }
            next = token.asText();
        }
        throw new AssertionError("browsing " + queue + " did not end after 100 pages");
    }

    protected List<String> browseBodies(String queue) {
        return browseAll(queue).stream().map(m -> m.path("body").asText()).toList();
    }

    // ------------------------------------------------------------------ small things

    static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    static List<String> texts(List<JsonNode> nodes, String field) {
        return nodes.stream().map(n -> n.path(field).asText()).toList();
    }

    static java.util.Map<String, String> stringMap(JsonNode object) {
        return ContractClient.JSON.convertValue(
                object, new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() {});
    }

    /** True when the field is left out or JSON null. */
    static boolean absent(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull();
    }

    /** An ISO-8601 UTC time, as every time of the API is. */
    static Instant utcTime(JsonNode node, String field) {
        JsonNode value = node.path(field);
        assertThat(value.isTextual()).as("%s is a string in %s", field, node).isTrue();
        OffsetDateTime time = OffsetDateTime.parse(value.asText());
        assertThat(time.getOffset()).as("%s is UTC in %s", field, node).isEqualTo(ZoneOffset.UTC);
        return time.toInstant();
    }

    static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Retries an assertion until it holds or the time is up, for what a remote target may show late. */
    static void eventually(Duration within, Runnable assertion) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause(250);
            }
        }
    }

    static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
