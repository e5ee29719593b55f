package dev.mq.core;

import java.time.Instant;
import java.util.Map;

/**
 * A message published to a topic incarnation, as the topic log holds it until it is fanned out;
 * {@code attributeTypes}: as {@link MessageToSend#attributeTypes()}.
 */
public record TopicMessage(
        String topic,
        String topicIncarnation,
        String messageId,
        String body,
        Map<String, String> attributes,
        Instant publishedAt,
        Map<String, String> attributeTypes) {

    public TopicMessage {
        attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
    }

    /** A message whose attributes are all of type {@code String}. */
    public TopicMessage(
            String topic,
            String topicIncarnation,
            String messageId,
            String body,
            Map<String, String> attributes,
            Instant publishedAt) {
        this(topic, topicIncarnation, messageId, body, attributes, publishedAt, Map.of());
    }
}
