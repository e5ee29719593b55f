package dev.mq.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.mq.model.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * One endpoint delivery, as it waits in the internal delivery queue: the subscription it is for (by
 * topic incarnation, so a topic created again under the name is not delivered to) and the payload to
 * POST. The payload is fixed at fan-out; every attempt posts the same bytes with the same signature.
 */
public record DeliveryJob(String topic, String subscription, String topicIncarnation, Payload payload) {

    /**
     * What an endpoint receives, as docs/api.md states it; {@code attributeTypes} only when an attribute
     * is not of plain {@code String}, so an untyped message's payload reads as it always did.
     */
    public record Payload(
            String topic,
            String messageId,
            String body,
            Map<String, String> attributes,
            String publishedAt,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributeTypes) {

        public Payload {
            attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
        }

        /** A payload whose attributes are all of type {@code String}. */
        public Payload(
                String topic, String messageId, String body, Map<String, String> attributes, String publishedAt) {
            this(topic, messageId, body, attributes, publishedAt, Map.of());
        }
    }

    static DeliveryJob of(Subscription subscription, TopicMessage message) {
        // Sorted, so the payload reads the same whichever map the message came in.
        Payload payload = new Payload(
                message.topic(),
                message.messageId(),
                message.body(),
                new TreeMap<>(message.attributes()),
                message.publishedAt().toString(),
                new TreeMap<>(message.attributeTypes()));
        return new DeliveryJob(subscription.topic(), subscription.name(), subscription.topicIncarnation(), payload);
    }

    /** Reads a job's body; {@code IllegalArgumentException} when it is not one. */
    public static DeliveryJob parse(String json) {
        DeliveryJob job;
        try {
            // fields a later release adds are skipped, so a job outlives an upgrade in either direction
            job = Json.MAPPER
                    .readerFor(DeliveryJob.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a delivery job: " + e.getOriginalMessage());
        }
        if (job.topic == null
                || job.subscription == null
                || job.topicIncarnation == null
                || job.payload == null
                || job.payload.messageId() == null
                || job.payload.body() == null
                || job.payload.publishedAt() == null) {
            throw new IllegalArgumentException("not a delivery job: a field is missing");
        }
        return job;
    }

    public String toJson() {
        return Json.write(this);
    }

    /** The request body every attempt posts, and signs. */
    public byte[] payloadBytes() {
        try {
            return Json.MAPPER.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a delivery payload", e);
        }
    }
}
