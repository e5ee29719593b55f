package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.AckOutcome;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** ReceiveMessage, DeleteMessage(Batch) and ChangeMessageVisibility(Batch) over {@link QueueService}. */
final class ReceiveActions {
    private static final Pattern ATTEMPT_ID = Pattern.compile("[\\p{Alnum}\\p{Punct}]{1,128}");

    private final QueueService service;

    ReceiveActions(QueueService service) {
        this.service = service;
    }

    void register(Map<String, SqsAction> actions) {
        actions.put("ReceiveMessage", this::receiveMessage);
        actions.put("DeleteMessage", (in, urls) -> {
            delete(QueueActions.queue(in, urls), SqsInput.requiredString(in, "ReceiptHandle"));
            return QueueActions.empty();
        });
        actions.put("DeleteMessageBatch", this::deleteMessageBatch);
        actions.put("ChangeMessageVisibility", (in, urls) -> {
            String queue = QueueActions.queue(in, urls);
            service.changeVisibility(queue, SqsInput.requiredString(in, "ReceiptHandle"), visibilityTimeout(in));
            return QueueActions.empty();
        });
        actions.put("ChangeMessageVisibilityBatch", this::changeMessageVisibilityBatch);
    }

    private ObjectNode receiveMessage(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        Integer max = SqsInput.optInt(in, "MaxNumberOfMessages", 1, 10);
        Integer wait = SqsInput.optInt(in, "WaitTimeSeconds", 0, 20);
        Integer visibility = SqsInput.optInt(in, "VisibilityTimeout", 0, 43_200);
        Set<String> system = new LinkedHashSet<>(SqsInput.stringList(in, "AttributeNames"));
        system.addAll(SqsInput.stringList(in, "MessageSystemAttributeNames"));
        List<String> wanted = SqsInput.stringList(in, "MessageAttributeNames");
        String attemptId = SqsInput.optString(in, "ReceiveRequestAttemptId");
        if (attemptId != null) {
            if (!ATTEMPT_ID.matcher(attemptId).matches()) {
                throw SqsInput.invalid("ReceiveRequestAttemptId", "use 1 to 128 letters, digits and punctuation");
            }
        }
        List<ReceivedMessage> received =
                service.receive(queue, new ReceiveOptions(max == null ? 1 : max, wait, visibility, attemptId));
        ObjectNode out = QueueActions.empty();
        ArrayNode messages = out.putArray("Messages");
        for (ReceivedMessage m : received) {
            ObjectNode message = messages.addObject()
                    .put("MessageId", m.messageId())
                    .put("ReceiptHandle", m.receiptHandle())
                    .put("MD5OfBody", SqsMessageAttributes.md5OfBody(m.body()))
                    .put("Body", m.body());
            Map<String, String> attributes = systemAttributes(m, system, queue, urls);
            if (!attributes.isEmpty()) {
                attributes.forEach(message.putObject("Attributes")::put);
            }
            Map<String, SqsMessageAttributes.Value> selected = selected(SqsMessageAttributes.received(m), wanted);
            if (!selected.isEmpty()) {
                message.put("MD5OfMessageAttributes", SqsMessageAttributes.md5OfAttributes(selected));
                SqsMessageAttributes.render(selected, message.putObject("MessageAttributes"));
            }
        }
        return out;
    }

    private static Map<String, String> systemAttributes(
            ReceivedMessage m, Set<String> names, String queue, QueueUrls urls) {
        boolean all = names.contains("All");
        Map<String, String> out = new LinkedHashMap<>();
        if (all || names.contains("SenderId")) {
            out.put("SenderId", urls.account());
        }
        if (all || names.contains("ApproximateReceiveCount")) {
            out.put("ApproximateReceiveCount", Integer.toString(m.receiveCount()));
        }
        if (all || names.contains("SentTimestamp")) {
            out.put("SentTimestamp", Long.toString(m.sentAt().toEpochMilli()));
        }
        if ((all || names.contains("ApproximateFirstReceiveTimestamp")) && m.firstReceivedAt() != null) {
            out.put(
                    "ApproximateFirstReceiveTimestamp",
                    Long.toString(m.firstReceivedAt().toEpochMilli()));
        }
        if ((all || names.contains("MessageGroupId")) && m.groupId() != null) {
            out.put("MessageGroupId", m.groupId());
        }
        if ((all || names.contains("MessageDeduplicationId")) && m.deduplicationId() != null) {
            out.put("MessageDeduplicationId", m.deduplicationId());
        }
        if ((all || names.contains("SequenceNumber")) && Names.isFifo(queue)) {
            out.put("SequenceNumber", SequenceNumbers.of(m.messageId()));
        }
        return out;
    }

    /** The attributes {@code wanted} names: {@code All} or {@code .*} for every one, {@code prefix.*}, or exact names. */
    private static Map<String, SqsMessageAttributes.Value> selected(
            Map<String, SqsMessageAttributes.Value> attributes, List<String> wanted) {
        Map<String, SqsMessageAttributes.Value> out = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            for (String w : wanted) {
                boolean match = w.equals("All")
                        || w.equals(".*")
                        || (w.endsWith(".*") && name.startsWith(w.substring(0, w.length() - 1)))
                        || w.equals(name);
                if (match) {
                    out.put(name, value);
                    return;
                }
            }
        });
        return out;
    }

    /** Deletes; a handle whose lease another receive took over succeeds without deleting, as in SQS. */
    private void delete(String queue, String receiptHandle) {
        try {
            service.ack(queue, receiptHandle);
        } catch (QueueException e) {
            if (e.code() != ErrorCode.LEASE_LOST) {
                throw e;
            }
        }
    }

    private ObjectNode deleteMessageBatch(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        List<ObjectNode> entries = SqsInput.entries(in, "Entries");
        List<String> ids = BatchIds.of(entries);
        List<String> handles = entries.stream()
                .map(e -> SqsInput.requiredString(e, "ReceiptHandle"))
                .toList();
        List<AckOutcome> outcomes = service.ackAll(queue, handles);
        ObjectNode out = QueueActions.empty();
        ArrayNode successful = out.putArray("Successful");
        ArrayNode failed = out.putArray("Failed");
        for (int i = 0; i < ids.size(); i++) {
            AckOutcome outcome = outcomes.get(i);
            if (outcome.ok() || outcome.error().code() == ErrorCode.LEASE_LOST) {
                successful.addObject().put("Id", ids.get(i));
            } else {
                BatchIds.failed(failed, ids.get(i), SqsErrors.of(outcome.error()));
            }
        }
        return out;
    }

    private ObjectNode changeMessageVisibilityBatch(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        List<ObjectNode> entries = SqsInput.entries(in, "Entries");
        List<String> ids = BatchIds.of(entries);
        ObjectNode out = QueueActions.empty();
        ArrayNode successful = out.putArray("Successful");
        ArrayNode failed = out.putArray("Failed");
        for (int i = 0; i < ids.size(); i++) {
            ObjectNode entry = entries.get(i);
            try {
                service.changeVisibility(
                        queue, SqsInput.requiredString(entry, "ReceiptHandle"), visibilityTimeout(entry));
                successful.addObject().put("Id", ids.get(i));
            } catch (SqsException e) {
                BatchIds.failed(failed, ids.get(i), e.error());
            } catch (QueueException e) {
                if (e.code() == ErrorCode.QUEUE_NOT_FOUND) {
                    throw e;
                }
                BatchIds.failed(failed, ids.get(i), SqsErrors.of(e));
            }
        }
        return out;
    }

    private static int visibilityTimeout(ObjectNode in) {
        Integer seconds = SqsInput.optInt(in, "VisibilityTimeout", 0, 43_200);
        if (seconds == null) {
            throw SqsErrors.fail(SqsErrors.missingParameter("VisibilityTimeout"));
        }
        return seconds;
    }
}
