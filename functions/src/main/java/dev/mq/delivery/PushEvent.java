package dev.mq.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The event a push consumer gets, shaped as Lambda's SQS event so a handler written for SQS
 * ({@code SQSEvent}, answering {@code SQSBatchResponse}) runs unchanged, and the reading of its answer.
 *
 * <p>Per record, as SQS writes them: {@code messageId}, {@code receiptHandle}, {@code body},
 * {@code attributes} (strings: {@code ApproximateReceiveCount}, {@code SentTimestamp} and
 * {@code ApproximateFirstReceiveTimestamp} in epoch millis, and on FIFO queues {@code MessageGroupId},
 * {@code MessageDeduplicationId}), {@code messageAttributes} (each {@code {"stringValue", "dataType":
 * "String"}}), {@code md5OfBody} and {@code md5OfMessageAttributes} (SQS's digests), {@code eventSource
 * "mq"}, {@code eventSourceARN} (the queue's SQS-style ARN) and {@code awsRegion}.
 */
public final class PushEvent {
    public static final String EVENT_SOURCE = "mq";

    private PushEvent() {}

    /** The event of {@code messages}, in their order, from the queue {@code eventSourceArn} names. */
    public static byte[] of(List<ReceivedMessage> messages, String eventSourceArn, String region) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (ReceivedMessage message : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            attributes.put("ApproximateReceiveCount", Integer.toString(message.receiveCount()));
            attributes.put("SentTimestamp", Long.toString(message.sentAt().toEpochMilli()));
            attributes.put(
                    "ApproximateFirstReceiveTimestamp",
                    Long.toString(message.firstReceivedAt().toEpochMilli()));
            if (message.groupId() != null) {
                attributes.put("MessageGroupId", message.groupId());
            }
            if (message.deduplicationId() != null) {
                attributes.put("MessageDeduplicationId", message.deduplicationId());
            }
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            Map<String, String> given = message.attributes() == null ? Map.of() : message.attributes();
            new TreeMap<>(given).forEach((name, value) -> {
                ObjectNode attribute = messageAttributes.putObject(name);
                attribute.put("stringValue", value);
                attribute.putArray("stringListValues");
                attribute.putArray("binaryListValues");
                attribute.put("dataType", "String");
            });
            record.put("md5OfBody", md5Hex(message.body().getBytes(StandardCharsets.UTF_8)));
            if (!given.isEmpty()) {
                record.put("md5OfMessageAttributes", md5OfStringAttributes(given));
            }
            record.put("eventSource", EVENT_SOURCE);
            record.put("eventSourceARN", eventSourceArn);
            record.put("awsRegion", region);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a push event could not be written", e);
        }
    }

    /**
     * The message ids an answer reports failed, read as Lambda reads an {@code SQSBatchResponse}: an
     * empty answer, {@code null}, {@code {}} or no {@code batchItemFailures} means every record
     * succeeded.
     *
     * @param batch the ids of the records the event held
     * @throws IllegalArgumentException when the answer is not such a response, or names an item that is
     *                                  missing, empty or not of the batch: then, as with Lambda, the whole
     *                                  batch counts as failed
     */
    public static Set<String> failedIds(byte[] answer, Set<String> batch) {
        if (answer == null || new String(answer, StandardCharsets.UTF_8).isBlank()) {
            return Set.of();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(answer);
        } catch (IOException e) {
            throw new IllegalArgumentException("the answer is not JSON");
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return Set.of();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("the answer is not a JSON object");
        }
        JsonNode failures = root.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Set.of();
        }
        if (!failures.isArray()) {
            throw new IllegalArgumentException("batchItemFailures is not an array");
        }
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || !batch.contains(id.asText())) {
                throw new IllegalArgumentException("batchItemFailures names an item that is not in the batch");
            }
            failed.add(id.asText());
        }
        return failed;
    }

    static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is unavailable", e);
        }
    }

    /**
     * SQS's digest of message attributes, all of type String here: over the attributes sorted by name,
     * each name, data type and value length-prefixed (4 bytes, big-endian), with transport type 1
     * (string) before the value.
     */
    static String md5OfStringAttributes(Map<String, String> attributes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TreeMap<>(attributes).forEach((name, value) -> {
            lengthPrefixed(bytes, name.getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(bytes, "String".getBytes(StandardCharsets.UTF_8));
            bytes.write(1);
            lengthPrefixed(bytes, value.getBytes(StandardCharsets.UTF_8));
        });
        return md5Hex(bytes.toByteArray());
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }
}
