package dev.mq.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.core.MessageKey;
import dev.mq.core.StoredMessage;
import dev.mq.core.TopicMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The message item's attribute types: written only when some attribute is typed, read back either way. */
class MessageItemsTest {
    static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    final MessageKey key = new MessageKey("inc", 0, "0000000000000001");

    private StoredMessage message(Map<String, String> attributes) {
        return StoredMessage.sent(key, key.id(), "body", attributes, T, T, T.plusSeconds(60));
    }

    @Test
    void typedMessage_roundTrips_withItsTypes() {
        StoredMessage typed = message(Map.of("price", "1.5", "photo", "AAE="))
                .typed(Map.of("price", "Number", "photo", "Binary.png"));

        Map<String, AttributeValue> item = MessageItems.fromMessage(typed);

        assertThat(item.get("atypes").m()).containsOnlyKeys("price", "photo");
        assertThat(MessageItems.toMessage(item, "inc", 0)).isEqualTo(typed);
    }

    @Test
    void untypedMessage_writesNoTypes_andAnItemWithoutThem_readsAsAllString() {
        StoredMessage plain = message(Map.of("a", "1"));

        Map<String, AttributeValue> item = MessageItems.fromMessage(plain);

        assertThat(item).doesNotContainKey("atypes");
        StoredMessage read = MessageItems.toMessage(item, "inc", 0);
        assertThat(read.attributeTypes()).isEmpty();
        assertThat(read).isEqualTo(plain);
    }

    @Test
    void topicLogImage_carriesTheTypes_andAnImageWithoutThemReadsAsAllString() {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image =
                new HashMap<>();
        image.put("sk", s(DynamoDbTopicStore.MESSAGE_SK));
        image.put("topic", s("t"));
        image.put("tinc", s("inc"));
        image.put("mid", s("m-1"));
        image.put("body", s("b"));
        image.put(
                "publishedAt",
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
                        .withN(Long.toString(T.toEpochMilli())));
        image.put("attrs", map(Map.of("n", "7")));
        assertThat(TopicLogRecords.fromImage(image).orElseThrow().attributeTypes())
                .isEmpty();

        image.put("atypes", map(Map.of("n", "Number")));
        TopicMessage read = TopicLogRecords.fromImage(image).orElseThrow();
        assertThat(read.attributeTypes()).isEqualTo(Map.of("n", "Number"));
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue s(String v) {
        return new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS(v);
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue map(
            Map<String, String> values) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> m = new HashMap<>();
        values.forEach((k, v) -> m.put(k, s(v)));
        return new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withM(m);
    }
}
