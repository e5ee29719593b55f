package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.filters.FilterScope;
import dev.mq.model.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryJobTest {
    final Subscription subscription = new Subscription(
            "orders",
            "hook",
            "inc-1",
            null,
            "https://example.com/h",
            "secret",
            null,
            FilterScope.ATTRIBUTES,
            "dlq",
            Instant.parse("2030-01-01T00:00:00Z"));
    final TopicMessage message = new TopicMessage(
            "orders",
            "inc-1",
            "m-1",
            "paid \"7\" é",
            Map.of("z", "1", "a", "2"),
            Instant.parse("2030-01-01T00:00:01.234Z"));

    @Test
    void payload_isTheApiShape_withIsoTime_andSortedAttributes() throws Exception {
        byte[] payload = DeliveryJob.of(subscription, message).payloadBytes();

        JsonNode json = Json.MAPPER.readTree(payload);
        assertThat(json.size()).isEqualTo(5);
        assertThat(json.get("topic").asText()).isEqualTo("orders");
        assertThat(json.get("messageId").asText()).isEqualTo("m-1");
        assertThat(json.get("body").asText()).isEqualTo("paid \"7\" é");
        assertThat(json.get("publishedAt").asText()).isEqualTo("2030-01-01T00:00:01.234Z");
        assertThat(new String(payload, java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"attributes\":{\"a\":\"2\",\"z\":\"1\"}");
    }

    @Test
    void payload_carriesAttributeTypes_onlyWhenAnAttributeIsTyped() throws Exception {
        TopicMessage typed = new TopicMessage(
                "orders",
                "inc-1",
                "m-2",
                "paid",
                Map.of("price", "12.5", "photo", "AAEC"),
                Instant.parse("2030-01-01T00:00:01.234Z"),
                Map.of("price", "Number", "photo", "Binary"));
        DeliveryJob job = DeliveryJob.of(subscription, typed);

        JsonNode json = Json.MAPPER.readTree(job.payloadBytes());
        assertThat(json.get("attributeTypes").toString()).isEqualTo("{\"photo\":\"Binary\",\"price\":\"Number\"}");
        assertThat(DeliveryJob.parse(job.toJson()).payloadBytes()).isEqualTo(job.payloadBytes());
        assertThat(Json.MAPPER
                        .readTree(DeliveryJob.of(subscription, message).payloadBytes())
                        .has("attributeTypes"))
                .isFalse();
    }

    @Test
    void aJobReadBack_postsTheSameBytes() {
        DeliveryJob job = DeliveryJob.of(subscription, message);

        DeliveryJob read = DeliveryJob.parse(job.toJson());

        assertThat(read).isEqualTo(job);
        assertThat(read.payloadBytes()).isEqualTo(job.payloadBytes());
    }

    @Test
    void parse_skipsFieldsItDoesNotKnow_butRefusesAJobMissingOne() {
        String json = DeliveryJob.of(subscription, message).toJson();

        assertThat(DeliveryJob.parse(json.replaceFirst("\\{", "{\"later\": 1, "))
                        .subscription())
                .isEqualTo("hook");
        assertThatThrownBy(() -> DeliveryJob.parse("{\"topic\": \"orders\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeliveryJob.parse("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
