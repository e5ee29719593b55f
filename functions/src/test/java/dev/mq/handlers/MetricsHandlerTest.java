package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueMetrics;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.CountsFeed;
import dev.mq.testing.LocalDynamoDb;
import dev.mq.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduled metrics function: one EMF line per queue, and the totals the stack's alarms watch. */
class MetricsHandlerTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final List<String> lines = new ArrayList<>();
    QueueService queues;
    MetricsHandler handler;

    @BeforeEach
    void fresh() {
        Tables tables = db.freshTables();
        queues = Services.over(db.client(), tables)
                .clock(clock)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .countsCaughtUp(new CountsFeed(db, tables)::catchUp)
                .queues();
        handler = new MetricsHandler(new QueueMetrics(queues), "mq-test", "prod", clock, lines::add);
    }

    @Test
    void emitsEachQueuesDepth_andTheDeadLetterAndOldestAgeTotals() {
        // given: orders dead-letters into orders-dlq; two orders wait 90 s, one poison order is dead-lettered
        queues.createQueue("orders-dlq", QueueAttributes.defaults());
        queues.createQueue(
                "orders",
                QueueAttributes.parse(
                        Json.parseObject("{\"deadLetterQueue\":\"orders-dlq\",\"maxReceiveCount\":1}"),
                        QueueAttributes.defaults()));
        send("orders", "poison");
        queues.receive("orders", new ReceiveOptions(1, null, 0));
        assertThat(queues.receive("orders", new ReceiveOptions(1, null, null))).isEmpty(); // "poison" dead-lettered
        clock.advance(Duration.ofSeconds(10));
        send("orders", "a");
        send("orders", "b");
        assertThat(queues.receive("orders", new ReceiveOptions(1, null, null))).hasSize(1);
        clock.advance(Duration.ofSeconds(90));

        // when
        handler.handleRequest(Map.of("source", "aws.events"), null);

        // then
        assertThat(lines).hasSize(3);
        JsonNode dlq = line("orders-dlq");
        assertThat(dlq.get("VisibleMessages").asLong()).isEqualTo(1);
        JsonNode orders = line("orders");
        assertThat(orders.get("VisibleMessages").asLong()
                        + orders.get("InFlightMessages").asLong())
                .isEqualTo(2);
        assertThat(orders.get("OldestMessageAgeSeconds").asLong()).isEqualTo(90);
        assertThat(orders.get("Deployment").asText()).isEqualTo("prod");
        assertThat(orders.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("mq-test");
        assertThat(orders.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString())
                .isEqualTo("[\"Deployment\",\"Queue\"]");
        assertThat(orders.at("/_aws/Timestamp").asLong()).isEqualTo(clock.millis());
        assertThat(names(orders))
                .containsExactly("VisibleMessages", "InFlightMessages", "DelayedMessages", "OldestMessageAgeSeconds");

        JsonNode totals = Json.parseObject(lines.get(2));
        assertThat(totals.has("Queue")).isFalse();
        assertThat(totals.get("DeadLetterMessages").asLong()).isEqualTo(1);
        assertThat(totals.get("OldestMessageAgeSeconds").asLong()).isEqualTo(90);
        assertThat(totals.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString())
                .isEqualTo("[\"Deployment\"]");
    }

    @Test
    void oldestMessageAge_countsVisibleMessagesOnly() {
        // given: a message scheduled an hour ahead, and one in flight, for 10 minutes
        queues.createQueue("orders", QueueAttributes.defaults());
        queues.send("orders", new MessageToSend("later", Map.of(), 900, null, null, null));
        send("orders", "taken");
        assertThat(queues.receive("orders", new ReceiveOptions(1, null, 900))).hasSize(1);
        clock.advance(Duration.ofMinutes(10));

        handler.handleRequest(Map.of(), null);

        // then: nothing is late; none of them could have been received
        assertThat(line("orders").get("OldestMessageAgeSeconds").asLong()).isZero();
        assertThat(Json.parseObject(lines.get(1)).get("OldestMessageAgeSeconds").asLong())
                .isZero();
    }

    @Test
    void neverWritesMessageBodies() {
        queues.createQueue("secrets", QueueAttributes.defaults());
        send("secrets", "card-number-4111");

        handler.handleRequest(Map.of(), null);

        assertThat(lines).isNotEmpty().noneMatch(l -> l.contains("card-number"));
    }

    private void send(String queue, String body) {
        queues.send(queue, MessageToSend.of(body));
    }

    private JsonNode line(String queue) {
        return lines.stream()
                .map(Json::parseObject)
                .filter(n -> queue.equals(n.path("Queue").asText()))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> names(JsonNode document) {
        return StreamSupport.stream(
                        document.at("/_aws/CloudWatchMetrics/0/Metrics").spliterator(), false)
                .map(m -> m.get("Name").asText())
                .toList();
    }
}
