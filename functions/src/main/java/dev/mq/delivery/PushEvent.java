package dev.mq.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.MessageDigests;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.AttributeTypes;
import dev.mq.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
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
 * {@code MessageDeduplicationId}), {@code messageAttributes} (each {@code {"stringValue", "dataType"}}, or
 * {@code {"binaryValue"}} (base64) for a {@code Binary} one), {@code md5OfBody} and
 * {@code md5OfMessageAttributes} (SQS's digests, {@link MessageDigests}), {@code eventSource
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
                String type = AttributeTypes.typeOf(name, message.attributeTypes());
                ObjectNode attribute = messageAttributes.putObject(name);
                // as Lambda's SQS event: a Binary value in binaryValue (base64), the others in stringValue
                if (AttributeTypes.BINARY.equals(AttributeTypes.baseType(type))) {
                    attribute.put("binaryValue", value);
                } else {
                    attribute.put("stringValue", value);
                }
                attribute.putArray("stringListValues");
                attribute.putArray("binaryListValues");
                attribute.put("dataType", type);
            });
            record.put("md5OfBody", MessageDigests.md5OfBody(message.body()));
            String md5OfAttributes = MessageDigests.md5OfAttributes(given, message.attributeTypes());
            if (md5OfAttributes != null) {
                record.put("md5OfMessageAttributes", md5OfAttributes);
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
}
