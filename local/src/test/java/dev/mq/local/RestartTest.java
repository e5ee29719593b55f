package dev.mq.local;

import static dev.mq.local.HttpTestClient.errorCode;
import static dev.mq.local.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.store.Tables;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** What a data directory keeps across a restart: queues, un-acknowledged messages, and the receipt key. */
class RestartTest {
    @TempDir
    Path dataDir;

    @Test
    void unackedMessages_areDeliveredAfterRestart_andAckedOnesAreNot() throws Exception {
        String leftInFlight;
        try (LocalServer first = start()) {
            HttpTestClient http = new HttpTestClient(first.baseUrl());
            // given three messages, one acknowledged and one leased for a second without an ack
            assertThat(http.put("/v1/queues/orders", "{}").statusCode()).isEqualTo(201);
            HttpResponse<String> sent = http.post(
                    "/v1/queues/orders/messages",
                    "{\"messages\": [{\"body\": \"one\"}, {\"body\": \"two\"}, {\"body\": \"three\"}]}");
            assertThat(sent.statusCode()).isEqualTo(200);

            JsonNode acked = receiveOne(http, "orders", 30);
            assertThat(http.post(
                                    "/v1/queues/orders/ack",
                                    "{\"receiptHandles\": [\""
                                            + acked.path("receiptHandle").asText() + "\"]}")
                            .statusCode())
                    .isEqualTo(200);
            leftInFlight = receiveOne(http, "orders", 1).path("body").asText();
        }

        // when the server restarts on the same directory
        try (LocalServer second = start()) {
            HttpTestClient http = new HttpTestClient(second.baseUrl());
            List<String> delivered = receiveAll(http, "orders", 2, Duration.ofSeconds(15));

            // then both un-acknowledged messages come back, the lapsed lease included
            assertThat(delivered).hasSize(2).contains(leftInFlight).isSubsetOf("one", "two", "three");
            assertThat(http.get("/v1/queues/orders").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void receiptHandleIssuedBeforeRestart_stillAcksAfterIt() throws Exception {
        String handle;
        try (LocalServer first = start()) {
            HttpTestClient http = new HttpTestClient(first.baseUrl());
            http.put("/v1/queues/leases", "{}");
            http.post("/v1/queues/leases/messages", "{\"body\": \"keep the lease\"}");
            handle = receiveOne(http, "leases", 300).path("receiptHandle").asText();
        }

        try (LocalServer second = start()) {
            HttpTestClient http = new HttpTestClient(second.baseUrl());

            HttpResponse<String> ack = http.delete("/v1/queues/leases/messages/" + handle);
            HttpResponse<String> browse = http.get("/v1/queues/leases/messages");

            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(204);
            assertThat(json(browse).path("messages")).isEmpty();
        }
    }

    @Test
    void inMemoryServer_forgetsEverythingOnClose() throws Exception {
        try (LocalServer first = LocalServer.start(new LocalServer.Options(0, null, null, null))) {
            new HttpTestClient(first.baseUrl()).put("/v1/queues/ephemeral", "{}");
        }
        try (LocalServer second = LocalServer.start(new LocalServer.Options(0, null, null, null))) {
            HttpResponse<String> response = new HttpTestClient(second.baseUrl()).get("/v1/queues/ephemeral");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(errorCode(response)).isEqualTo("QueueNotFound");
        }
    }

    @Test
    void queueCounts_areExactAtOnce_andNeitherLostNorCountedTwiceAcrossARestart() throws Exception {
        String handle;
        try (LocalServer first = start()) {
            HttpTestClient http = new HttpTestClient(first.baseUrl());
            http.put("/v1/queues/counted", "{}");
            http.post(
                    "/v1/queues/counted/messages",
                    "{\"messages\": [{\"body\": \"a\"}, {\"body\": \"b\"}, {\"body\": \"c\", \"delaySeconds\": 600}]}");
            handle = receiveOne(http, "counted", 300).path("receiptHandle").asText();

            // at once: the stats read waits for the counter to see the writes before it
            assertThat(stats(http, "counted")).isEqualTo("{\"visible\":1,\"inFlight\":1,\"delayed\":1}");
            assertThat(first.counter().recordsHandled()).isGreaterThanOrEqualTo(4); // 3 sends and a lease in place
        }

        try (LocalServer second = start()) {
            HttpTestClient http = new HttpTestClient(second.baseUrl());
            assertThat(stats(http, "counted")).isEqualTo("{\"visible\":1,\"inFlight\":1,\"delayed\":1}");
            assertThat(http.delete("/v1/queues/counted/messages/" + handle).statusCode())
                    .isEqualTo(204);
            assertThat(stats(http, "counted")).isEqualTo("{\"visible\":1,\"inFlight\":0,\"delayed\":1}");
            assertThat(http.post("/v1/queues/counted/purge", "").statusCode()).isEqualTo(204);
            assertThat(stats(http, "counted")).isEqualTo("{\"visible\":0,\"inFlight\":0,\"delayed\":0}");
        }
    }

    @Test
    void dataDirectoryOfAnEarlierVersion_getsTheMessagesStream_andCountsWhatIsWrittenFromThen() throws Exception {
        // given: the tables as an earlier version created them, the messages table without a stream
        Tables tables = Tables.fromEnvironment();
        try (EmbeddedDynamoDb earlier = EmbeddedDynamoDb.start(dataDir)) {
            for (String table : List.of(tables.catalog(), tables.messages())) {
                earlier.client()
                        .createTable(r -> r.tableName(table)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(
                                        AttributeDefinition.builder()
                                                .attributeName("pk")
                                                .attributeType(ScalarAttributeType.S)
                                                .build(),
                                        AttributeDefinition.builder()
                                                .attributeName("sk")
                                                .attributeType(ScalarAttributeType.S)
                                                .build())
                                .keySchema(
                                        KeySchemaElement.builder()
                                                .attributeName("pk")
                                                .keyType(KeyType.HASH)
                                                .build(),
                                        KeySchemaElement.builder()
                                                .attributeName("sk")
                                                .keyType(KeyType.RANGE)
                                                .build()));
            }
        }

        try (LocalServer upgraded = start()) {
            HttpTestClient http = new HttpTestClient(upgraded.baseUrl());
            http.put("/v1/queues/later", "{}");
            http.post("/v1/queues/later/messages", "{\"body\": \"counted\"}");

            assertThat(stats(http, "later")).isEqualTo("{\"visible\":1,\"inFlight\":0,\"delayed\":0}");
        }
    }

    /** The counts of a queue's stats, without the age. */
    private static String stats(HttpTestClient http, String queue) {
        JsonNode stats = json(http.get("/v1/queues/" + queue)).path("stats").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) stats).remove("oldestMessageAgeSeconds");
        return stats.toString();
    }

    private LocalServer start() throws Exception {
        return LocalServer.start(new LocalServer.Options(0, dataDir, "127.0.0.1", null));
    }

    private static JsonNode receiveOne(HttpTestClient http, String queue, int visibilityTimeoutSeconds) {
        HttpResponse<String> response = http.post(
                "/v1/queues/" + queue + "/receive",
                "{\"maxMessages\": 1, \"visibilityTimeoutSeconds\": " + visibilityTimeoutSeconds + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode messages = json(response).path("messages");
        assertThat(messages).as(response.body()).hasSize(1);
        return messages.get(0);
    }

    /** Receives (with long polls, leasing for long) until {@code expected} bodies arrived or time is up. */
    private static List<String> receiveAll(HttpTestClient http, String queue, int expected, Duration patience) {
        List<String> bodies = new ArrayList<>();
        Instant deadline = Instant.now().plus(patience);
        while (bodies.size() < expected && Instant.now().isBefore(deadline)) {
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
