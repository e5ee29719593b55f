package dev.mq.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message to send or publish. Build it with {@link #of(String)} and the {@code with...} methods:
 * {@code Message.of("order 42").withAttribute("type", "order").withGroupId("customer-7")}.
 *
 * @param deduplicationId makes the send safe to retry: a repeat within the queue's window is stored once.
 *                        When null the send is a plain (cheaper) write that the client does not repeat
 *                        after an unknown outcome, unless {@link MqClient.Builder#autoDeduplication(boolean)}
 *                        fills in a random id
 * @param attributeTypes the SQS data type ({@code Number}, {@code Binary}, {@code Number.int}...) of each
 *                       attribute not of plain {@code String}; a {@code Binary} attribute's value is the
 *                       base64 text of its bytes. Set with {@link #withAttribute(String, String, String)}
 */
public record Message(
        String body,
        Map<String, String> attributes,
        Integer delaySeconds,
        Instant deliverAt,
        String deduplicationId,
        String groupId,
        Map<String, String> attributeTypes) {
    public Message {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        attributeTypes = attributeTypes == null ? Map.of() : Map.copyOf(attributeTypes);
    }

    /** A message whose attributes are all of type {@code String}. */
    public Message(
            String body,
            Map<String, String> attributes,
            Integer delaySeconds,
            Instant deliverAt,
            String deduplicationId,
            String groupId) {
        this(body, attributes, delaySeconds, deliverAt, deduplicationId, groupId, Map.of());
    }

    public static Message of(String body) {
        return new Message(body, Map.of(), null, null, null, null);
    }

    /**
     * Adds an attribute of SQS data type {@code type}, e.g. {@code withAttribute("price", "12.50",
     * "Number")}; for {@code Binary}, {@code value} is the base64 text of the bytes.
     */
    public Message withAttribute(String name, String value, String type) {
        Map<String, String> more = new LinkedHashMap<>(attributes);
        more.put(name, value);
        Map<String, String> types = new LinkedHashMap<>(attributeTypes);
        types.put(name, type);
        return new Message(body, more, delaySeconds, deliverAt, deduplicationId, groupId, types);
    }

    public Message withAttribute(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(attributes);
        more.put(name, value);
        return new Message(body, more, delaySeconds, deliverAt, deduplicationId, groupId, attributeTypes);
    }

    public Message withAttributes(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        all.putAll(more);
        return new Message(body, all, delaySeconds, deliverAt, deduplicationId, groupId, attributeTypes);
    }

    public Message withDelaySeconds(int seconds) {
        return new Message(body, attributes, seconds, deliverAt, deduplicationId, groupId, attributeTypes);
    }

    public Message withDeliverAt(Instant at) {
        return new Message(body, attributes, delaySeconds, at, deduplicationId, groupId, attributeTypes);
    }

    public Message withDeduplicationId(String id) {
        return new Message(body, attributes, delaySeconds, deliverAt, id, groupId, attributeTypes);
    }

    public Message withGroupId(String group) {
        return new Message(body, attributes, delaySeconds, deliverAt, deduplicationId, group, attributeTypes);
    }
}
