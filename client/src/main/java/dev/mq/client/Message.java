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
 */
public record Message(
        String body,
        Map<String, String> attributes,
        Integer delaySeconds,
        Instant deliverAt,
        String deduplicationId,
        String groupId) {
    public Message {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static Message of(String body) {
        return new Message(body, Map.of(), null, null, null, null);
    }

    public Message withAttribute(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(attributes);
        more.put(name, value);
        return new Message(body, more, delaySeconds, deliverAt, deduplicationId, groupId);
    }

    public Message withAttributes(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        all.putAll(more);
        return new Message(body, all, delaySeconds, deliverAt, deduplicationId, groupId);
    }

    public Message withDelaySeconds(int seconds) {
        return new Message(body, attributes, seconds, deliverAt, deduplicationId, groupId);
    }

    public Message withDeliverAt(Instant at) {
        return new Message(body, attributes, delaySeconds, at, deduplicationId, groupId);
    }

    public Message withDeduplicationId(String id) {
        return new Message(body, attributes, delaySeconds, deliverAt, id, groupId);
    }

    public Message withGroupId(String group) {
        return new Message(body, attributes, delaySeconds, deliverAt, deduplicationId, group);
    }
}
