package dev.mq.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses and validates request bodies into the records the service takes. */
public final class Requests {
    public static final int MAX_BATCH = 10;
    public static final int MAX_ATTRIBUTES = 10;

    private static final Set<String> MESSAGE_FIELDS =
            Set.of("body", "attributes", "attributeTypes", "delaySeconds", "deliverAt", "deduplicationId", "groupId");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,256}");
    /** Printable ASCII, as SQS allows for deduplication and group ids. */
    private static final Pattern TOKEN = Pattern.compile("[!-~]{1,128}");

    private Requests() {}

    /**
     * One message to send, validated in itself; the queue's own rules are checked by the service.
     * {@code attributeTypes}: the SQS data type of each attribute not of plain {@code String} (see
     * {@link AttributeTypes}), never null.
     */
    public record MessageRequest(
            String body,
            Map<String, String> attributes,
            Integer delaySeconds,
            Instant deliverAt,
            String deduplicationId,
            String groupId,
            Map<String, String> attributeTypes) {

        public MessageRequest {
            attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
        }

        /** A message whose attributes are all of type {@code String}. */
        public MessageRequest(
                String body,
                Map<String, String> attributes,
                Integer delaySeconds,
                Instant deliverAt,
                String deduplicationId,
                String groupId) {
            this(body, attributes, delaySeconds, deliverAt, deduplicationId, groupId, Map.of());
        }
    }

    /** One entry of a send: the message, or why it was refused. */
    public record SendEntry(MessageRequest message, QueueException error) {}

    /** A send request: one message object, or a {@code messages} batch. */
    public record SendBatch(boolean batch, List<SendEntry> entries) {}

    public record ReceiveRequest(int maxMessages, Integer waitSeconds, Integer visibilityTimeoutSeconds) {}

    public record VisibilityRequest(String receiptHandle, int visibilityTimeoutSeconds) {}

    public record RedriveRequest(String destination, int maxMessages) {}

    /** The body of a queue's PUT: its attributes, and the tags the queue gets if this creates it. */
    public record CreateQueueRequest(QueueAttributes attributes, Map<String, String> tags) {}

    /** Queue attributes over the defaults, and {@code tags}: an object of string values, checked by the service. */
    public static CreateQueueRequest parseCreateQueue(String body) {
        ObjectNode node = Json.parseObject(body);
        Map<String, String> tags = Fields.optStringMap(node, "tags");
        node.remove("tags");
        return new CreateQueueRequest(QueueAttributes.parse(node, QueueAttributes.defaults()), tags);
    }

    public static SendBatch parseSend(String body) {
        ObjectNode node = Json.parseObject(body);
        if (!node.has("messages")) {
            return new SendBatch(false, List.of(new SendEntry(parseMessage(node), null)));
        }
        Fields.onlyKnown(node, Set.of("messages"));
        List<SendEntry> entries = new ArrayList<>();
        for (JsonNode item : Fields.requireBatch(node, "messages", MAX_BATCH)) {
            try {
                if (!(item instanceof ObjectNode object)) {
                    throw QueueException.invalid("each entry of messages must be a message object");
                }
                entries.add(new SendEntry(parseMessage(object), null));
            } catch (QueueException e) {
                entries.add(new SendEntry(null, e));
            }
        }
        return new SendBatch(true, entries);
    }

    public static MessageRequest parseMessage(ObjectNode node) {
        Fields.onlyKnown(node, MESSAGE_FIELDS);
        String body = Fields.requireString(node, "body");
        if (body.isEmpty()) {
            throw QueueException.invalid("body must not be empty");
        }
        if (Fields.hasLoneSurrogate(body)) {
            throw QueueException.invalid("body holds an unpaired UTF-16 surrogate, which is not valid Unicode");
        }
        Map<String, String> attributes = Fields.optStringMap(node, "attributes");
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw QueueException.invalid("at most " + MAX_ATTRIBUTES + " attributes are allowed");
        }
        attributes.forEach((name, value) -> {
            if (!ATTRIBUTE_NAME.matcher(name).matches()) {
                throw QueueException.invalid(
                        "invalid attribute name '" + Names.printable(name) + "': use 1-256 of A-Z a-z 0-9 _ . -");
            }
            if (Fields.hasLoneSurrogate(value)) {
                throw QueueException.invalid("attribute " + name + " holds an unpaired UTF-16 surrogate");
            }
        });
        Map<String, String> attributeTypes =
                AttributeTypes.checked(attributes, Fields.optStringMap(node, "attributeTypes"));
        Integer delay = Fields.optInt(node, "delaySeconds", 0, QueueAttributes.MAX_DELAY);
        Instant deliverAt = parseTime(Fields.optString(node, "deliverAt"), "deliverAt");
        if (delay != null && deliverAt != null) {
            throw QueueException.invalid("delaySeconds and deliverAt are exclusive: give one of them");
        }
        return new MessageRequest(
                body,
                Map.copyOf(attributes),
                delay,
                deliverAt,
                token(node, "deduplicationId"),
                token(node, "groupId"),
                attributeTypes);
    }

    public static ReceiveRequest parseReceive(String body) {
        ObjectNode node = Json.parseObject(body);
        Fields.onlyKnown(node, Set.of("maxMessages", "waitSeconds", "visibilityTimeoutSeconds"));
        Integer max = Fields.optInt(node, "maxMessages", 1, MAX_BATCH);
        return new ReceiveRequest(
                max == null ? 1 : max,
                Fields.optInt(node, "waitSeconds", 0, QueueAttributes.MAX_WAIT),
                Fields.optInt(node, "visibilityTimeoutSeconds", 0, QueueAttributes.MAX_VISIBILITY_TIMEOUT));
    }

    /** The receipt handles of an ack batch; an entry that is not a string fails the whole request. */
    public static List<String> parseAck(String body) {
        ObjectNode node = Json.parseObject(body);
        Fields.onlyKnown(node, Set.of("receiptHandles"));
        List<String> handles = new ArrayList<>();
        for (JsonNode item : Fields.requireBatch(node, "receiptHandles", MAX_BATCH)) {
            if (!item.isTextual()) {
                throw QueueException.invalid("each entry of receiptHandles must be a string");
            }
            handles.add(item.textValue());
        }
        return handles;
    }

    public static VisibilityRequest parseVisibility(String body) {
        ObjectNode node = Json.parseObject(body);
        Fields.onlyKnown(node, Set.of("receiptHandle", "visibilityTimeoutSeconds"));
        String handle = Fields.requireString(node, "receiptHandle");
        Integer timeout = Fields.optInt(node, "visibilityTimeoutSeconds", 0, QueueAttributes.MAX_VISIBILITY_TIMEOUT);
        if (timeout == null) {
            throw QueueException.invalid("visibilityTimeoutSeconds is required");
        }
        return new VisibilityRequest(handle, timeout);
    }

    public static RedriveRequest parseRedrive(String body) {
        ObjectNode node = Json.parseObject(body);
        Fields.onlyKnown(node, Set.of("destination", "maxMessages"));
        String destination = Fields.optString(node, "destination");
        if (destination != null) {
            Names.requireUserQueueName(destination);
        }
        Integer max = Fields.optInt(node, "maxMessages", 1, 10_000);
        return new RedriveRequest(destination, max == null ? 1_000 : max);
    }

    /** An integer query parameter, with the same wording as a body field. */
    public static int queryInt(Map<String, String> query, String name, int min, int max, int fallback) {
        String raw = query == null ? null : query.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw QueueException.invalid(name + " must be an integer from " + min + " to " + max);
    }

    private static String token(ObjectNode node, String name) {
        String value = Fields.optString(node, name);
        if (value != null && !TOKEN.matcher(value).matches()) {
            throw QueueException.invalid(name + " must be 1-128 printable ASCII characters");
        }
        return value;
    }

    private static Instant parseTime(String value, String name) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw QueueException.invalid(name + " must be an ISO-8601 time with offset, e.g. 2030-01-01T00:00:00Z");
        }
    }
}
