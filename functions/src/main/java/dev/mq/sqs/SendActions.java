package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.SendOutcome;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** SendMessage and SendMessageBatch over {@link QueueService}, with SQS's checks and digests. */
final class SendActions {
    /** What one SendMessageBatch may carry in all, as SQS limits it. */
    static final int MAX_BATCH_BYTES = 262_144;

    /** Deduplication and group ids: 1..128 of letters, digits and punctuation. */
    private static final Pattern TOKEN = Pattern.compile("[\\p{Alnum}\\p{Punct}]{1,128}");

    private final QueueService service;

    SendActions(QueueService service) {
        this.service = service;
    }

    void register(Map<String, SqsAction> actions) {
        actions.put("SendMessage", this::sendMessage);
        actions.put("SendMessageBatch", this::sendMessageBatch);
    }

    /** One message as given, checked; {@code attributes} are kept for the answer's digest. */
    private record Outgoing(MessageToSend message, Map<String, SqsMessageAttributes.Value> attributes) {
        long size() {
            return SqsMessageAttributes.utf8(message.body()) + SqsMessageAttributes.size(attributes);
        }
    }

    private ObjectNode sendMessage(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        Outgoing outgoing = outgoing(in, kindOf(queue));
        SendOutcome outcome = service.send(queue, outgoing.message());
        return sent(QueueActions.empty(), outgoing, outcome, queue);
    }

    private ObjectNode sendMessageBatch(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        List<ObjectNode> entries = SqsInput.entries(in, "Entries");
        List<String> ids = BatchIds.of(entries);
        QueueKind kind = kindOf(queue);
        List<Outgoing> valid = new ArrayList<>();
        List<SqsError> refused = new ArrayList<>();
        long total = 0;
        for (ObjectNode entry : entries) {
            try {
                Outgoing outgoing = outgoing(entry, kind);
                total += outgoing.size();
                valid.add(outgoing);
                refused.add(null);
            } catch (SqsException e) {
                refused.add(e.error());
            } catch (QueueException e) {
                refused.add(SqsErrors.of(e));
            }
        }
        if (total > MAX_BATCH_BYTES) {
            throw SqsErrors.fail(SqsErrors.batchRequestTooLong("Batch requests cannot be longer than " + MAX_BATCH_BYTES
                    + " bytes. You have sent " + total + " bytes."));
        }
        List<SendOutcome> outcomes = valid.isEmpty()
                ? List.of()
                : service.sendBatch(queue, valid.stream().map(Outgoing::message).toList());
        ObjectNode out = QueueActions.empty();
        ArrayNode successful = out.putArray("Successful");
        ArrayNode failed = out.putArray("Failed");
        int next = 0;
        for (int i = 0; i < entries.size(); i++) {
            SqsError error = refused.get(i);
            if (error == null) {
                SendOutcome outcome = outcomes.get(next);
                Outgoing outgoing = valid.get(next++);
                if (outcome.error() == null) {
                    sent(successful.addObject().put("Id", ids.get(i)), outgoing, outcome, queue);
                    continue;
                }
                error = SqsErrors.of(outcome.error());
            }
            BatchIds.failed(failed, ids.get(i), error);
        }
        return out;
    }

    /** What SQS's rules for a message depend on: the queue's kind, and a FIFO queue's content-based deduplication. */
    private record QueueKind(boolean fifo, boolean contentBasedDeduplication) {}

    private QueueKind kindOf(String queue) {
        return new QueueKind(
                Names.isFifo(queue),
                service.cachedQueueConfig(queue).attributes().contentBasedDeduplication());
    }

    private static Outgoing outgoing(ObjectNode in, QueueKind queue) {
        String body = SqsInput.requiredString(in, "MessageBody");
        if (body.isEmpty()) {
            throw SqsErrors.fail(SqsErrors.invalidParameterValue("The request must contain a non-empty message body."));
        }
        checkCharacters(body);
        Integer delay = SqsInput.optInt(in, "DelaySeconds", 0, 900);
        var attributes = SqsMessageAttributes.parse(in.get("MessageAttributes"));
        String dedup = token(in, "MessageDeduplicationId");
        String group = token(in, "MessageGroupId");
        if (queue.fifo()) {
            if (group == null) {
                throw SqsErrors.fail(SqsErrors.missingParameter("MessageGroupId"));
            }
            if (dedup == null && !queue.contentBasedDeduplication()) {
                throw SqsErrors.fail(SqsErrors.invalidParameterValue("The queue should either have"
                        + " ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly."));
            }
        } else {
            // SQS refuses a deduplication id on a standard queue (mq's /v1 API deduplicates there too), and
            // takes a group id there only as a fairness hint, which mq has no use for
            if (dedup != null) {
                throw SqsInput.invalid("MessageDeduplicationId", "only FIFO queues take it");
            }
            group = null;
        }
        return new Outgoing(SqsMessageAttributes.toSend(body, attributes, delay, dedup, group), attributes);
    }

    private static String token(ObjectNode in, String name) {
        String value = SqsInput.optString(in, name);
        if (value != null && !TOKEN.matcher(value).matches()) {
            throw SqsInput.invalid(name, "use 1 to 128 letters, digits and punctuation");
        }
        return value;
    }

    /** SQS's allowed characters: #x9 #xA #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF. */
    private static void checkCharacters(String body) {
        for (int i = 0; i < body.length(); ) {
            int c = body.codePointAt(i);
            boolean allowed = c == 0x9
                    || c == 0xA
                    || c == 0xD
                    || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD)
                    || (c >= 0x10000 && c <= 0x10FFFF);
            if (!allowed) {
                throw SqsErrors.fail(SqsErrors.invalidMessageContents(
                        "Invalid binary character '#x" + Integer.toHexString(c) + "' was found in the message body."));
            }
            i += Character.charCount(c);
        }
    }

    private static ObjectNode sent(ObjectNode into, Outgoing outgoing, SendOutcome outcome, String queue) {
        into.put("MessageId", outcome.messageId());
        into.put(
                "MD5OfMessageBody",
                SqsMessageAttributes.md5OfBody(outgoing.message().body()));
        String md5 = SqsMessageAttributes.md5OfAttributes(outgoing.attributes());
        if (md5 != null) {
            into.put("MD5OfMessageAttributes", md5);
        }
        if (Names.isFifo(queue)) {
            into.put("SequenceNumber", SequenceNumbers.of(outcome.messageId()));
        }
        return into;
    }
}
