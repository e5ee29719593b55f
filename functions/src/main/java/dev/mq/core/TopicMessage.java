package dev.mq.core;

import java.time.Instant;
import java.util.Map;

/** A message published to a topic incarnation, as the topic log holds it until it is fanned out. */
public record TopicMessage(
        String topic,
        String topicIncarnation,
        String messageId,
        String body,
        Map<String, String> attributes,
        Instant publishedAt) {}
