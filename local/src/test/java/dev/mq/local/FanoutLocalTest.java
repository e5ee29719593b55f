package dev.mq.local;

import static dev.mq.local.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic fan-out on the local server, over real HTTP: the stream poller feeds the topic log's stream to
 * the fan-out handler, quickly, exactly once per subscription, and a restart neither loses nor repeats.
 */
class FanoutLocalTest {
    /** A functional bound: the poller reads every 50-200 ms, so a copy that takes a second is a bug. */
    private static final Duration LATENCY_BOUND = Duration.ofSeconds(1);

    @TempDir
    Path dataDir;

    @Test
    void onePublish_reachesEachOfThreeSubscribedQueuesExactlyOnce_wellWithinASecond() throws Exception {
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, null, null))) {
            HttpTestClient http = new HttpTestClient(server.baseUrl());
            warmUp(http);
            assertThat(http.put("/v1/topics/news", "{}").statusCode()).isEqualTo(201);
            List<String> queues = List.of("reader-a", "reader-b", "reader-c");
            for (String queue : queues) {
                assertThat(http.put("/v1/queues/" + queue, "{}").statusCode()).isEqualTo(201);
                HttpResponse<String> subscribed =
                        http.put("/v1/topics/news/subscriptions/" + queue, "{\"queue\": \"" + queue + "\"}");
                assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
            }

            // given a waiting long poll on every subscriber queue
            long[] receivedAt = new long[queues.size()];
            List<CompletableFuture<List<JsonNode>>> polls = new ArrayList<>();
            for (int i = 0; i < queues.size(); i++) {
                int index = i;
                String queue = queues.get(i);
                polls.add(CompletableFuture.supplyAsync(() -> {
                    HttpResponse<String> response = http.post(
                            "/v1/queues/" + queue + "/receive",
                            "{\"maxMessages\": 10, \"waitSeconds\": 10, \"visibilityTimeoutSeconds\": 300}");
                    receivedAt[index] = System.nanoTime();
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    List<JsonNode> messages = new ArrayList<>();
                    json(response).path("messages").forEach(messages::add);
                    return messages;
                }));
            }
            Thread.sleep(300); // the receives are waiting on the server

            // when one message is published
            long publishedAt = System.nanoTime();
            HttpResponse<String> published = http.post(
                    "/v1/topics/news/messages",
                    "{\"body\": \"breaking\", \"attributes\": {\"kind\": \"flash\", \"rank\": \"7\"},"
                            + " \"attributeTypes\": {\"rank\": \"Number\"}}");
            assertThat(published.statusCode()).as(published.body()).isEqualTo(200);

            // then each queue's long poll answers with one copy, the first well within a second
            List<List<JsonNode>> received = new ArrayList<>();
            for (CompletableFuture<List<JsonNode>> poll : polls) {
                received.add(poll.get(20, TimeUnit.SECONDS));
            }
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (long at : receivedAt) {
                first = Math.min(first, at);
                last = Math.max(last, at);
            }
            Duration firstLatency = Duration.ofNanos(first - publishedAt);
            Duration lastLatency = Duration.ofNanos(last - publishedAt);
            System.out.printf(
                    "fan-out latency, publish to receive: first queue %d ms, last of 3 queues %d ms%n",
                    firstLatency.toMillis(), lastLatency.toMillis());
            assertThat(firstLatency).isLessThan(LATENCY_BOUND);
            assertThat(lastLatency).isLessThan(LATENCY_BOUND);
            for (int i = 0; i < queues.size(); i++) {
                List<JsonNode> messages = received.get(i);
                assertThat(messages)
                        .as("copies received from %s", queues.get(i))
                        .hasSize(1);
                JsonNode copy = messages.get(0);
                assertThat(copy.path("body").asText()).isEqualTo("breaking");
                assertThat(copy.path("attributes").path("kind").asText()).isEqualTo("flash");
                assertThat(copy.path("attributes").path("topic").asText()).isEqualTo("news");
                // the types travel through the topic log's stream into each copy
                assertThat(copy.path("attributeTypes").path("rank").asText()).isEqualTo("Number");
            }

            // and no second copy follows: each queue holds exactly the one it leased
            Thread.sleep(1_000);
            for (String queue : queues) {
                assertThat(browseBodies(http, queue))
                        .as("messages in %s", queue)
                        .containsExactly("breaking");
            }
            assertThat(server.fanout().recordsHandled())
                    .as("records fanned out: the warm-up and this one")
                    .isEqualTo(2);
        }
    }

    @Test
    void restart_resumesAfterTheCheckpoint_neitherLosingNorFanningOutAgain() throws Exception {
        // given five messages fanned out to a subscriber queue, received but not acknowledged
        try (LocalServer first = start()) {
            HttpTestClient http = new HttpTestClient(first.baseUrl());
            assertThat(http.put("/v1/queues/inbox", "{}").statusCode()).isEqualTo(201);
            assertThat(http.put("/v1/topics/alerts", "{}").statusCode()).isEqualTo(201);
            assertThat(http.put("/v1/topics/alerts/subscriptions/all", "{\"queue\": \"inbox\"}")
                            .statusCode())
                    .isEqualTo(201);
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> published = http.post("/v1/topics/alerts/messages", "{\"body\": \"m" + i + "\"}");
                assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
            }
            List<String> received = receiveAll(http, "inbox", 5, Duration.ofSeconds(10));
            assertThat(received).containsExactlyInAnyOrder("m1", "m2", "m3", "m4", "m5");
            assertThat(first.fanout().recordsHandled()).isEqualTo(5);
        }

        // when the server restarts on the same directory and one more message is published
        try (LocalServer second = start()) {
            HttpTestClient http = new HttpTestClient(second.baseUrl());
            HttpResponse<String> published = http.post("/v1/topics/alerts/messages", "{\"body\": \"m6\"}");
            assertThat(published.statusCode()).as(published.body()).isEqualTo(200);

            // then the new one arrives
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!browseBodies(http, "inbox").contains("m6") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000); // time for any copy fanned out again to show

            // and the queue holds each message once: the first five were not fanned out again
            Map<String, Long> counts = browseBodies(http, "inbox").stream()
                    .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
            assertThat(counts).isEqualTo(Map.of("m1", 1L, "m2", 1L, "m3", 1L, "m4", 1L, "m5", 1L, "m6", 1L));
            // copies are idempotent, so the queue alone cannot show a replay; the poller's count can
            assertThat(second.fanout().recordsHandled())
                    .as("stream records handed to the fan-out after the restart")
                    .isEqualTo(1);
        }
    }

    /**
     * One fan-out through another topic first, so the figure measured is the steady state, not the
     * loading of classes on the first request of a fresh JVM (that first fan-out takes 0.5-0.9 s).
     */
    private static void warmUp(HttpTestClient http) {
        http.put("/v1/topics/warm-up", "{}");
        http.put("/v1/queues/warm-up", "{}");
        http.put("/v1/topics/warm-up/subscriptions/warm-up", "{\"queue\": \"warm-up\"}");
        http.post("/v1/topics/warm-up/messages", "{\"body\": \"warm up\"}");
        assertThat(receiveAll(http, "warm-up", 1, Duration.ofSeconds(10))).containsExactly("warm up");
    }

    private LocalServer start() throws Exception {
        return LocalServer.start(new LocalServer.Options(0, dataDir, "127.0.0.1", null));
    }

    /** Every message body in the queue (visible, in flight or delayed), through browse, all pages. */
    private static List<String> browseBodies(HttpTestClient http, String queue) {
        List<String> bodies = new ArrayList<>();
        String next = null;
        do {
            HttpResponse<String> response = http.get("/v1/queues/" + queue + "/messages?limit=100"
                    + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = json(response);
            answer.path("messages").forEach(m -> bodies.add(m.path("body").asText()));
            next = answer.path("next").isTextual() ? answer.path("next").asText() : null;
        } while (next != null);
        return bodies;
    }

    /** Receives (long polls, long leases) until {@code expected} bodies arrived or time is up. */
    private static List<String> receiveAll(HttpTestClient http, String queue, int expected, Duration patience) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + patience.toNanos();
        while (bodies.size() < expected && System.nanoTime() < deadline) {
            HttpResponse<String> response = http.post(
                    "/v1/queues/" + queue + "/receive",
                    "{\"maxMessages\": 10, \"waitSeconds\": 2, \"visibilityTimeoutSeconds\": 300}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            json(response)
                    .path("messages")
                    .forEach(message -> bodies.add(message.path("body").asText()));
        }
        return bodies;
    }
}
