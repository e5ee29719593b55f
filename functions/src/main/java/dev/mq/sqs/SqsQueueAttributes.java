package dev.mq.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.QueueDescription;
import dev.mq.model.Json;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.model.RedriveAllowPolicy;
import dev.mq.model.RedriveAllowPolicy.Permission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The mapping between SQS's queue attributes (names, string values, SQS's limits) and mq's
 * {@link QueueAttributes}; read-only attributes come from the queue's description and stats.
 */
final class SqsQueueAttributes {
    /** Maximum retention SQS allows (14 days); mq's own API allows longer. */
    static final int MAX_RETENTION = 1_209_600;

    static final String REDRIVE_ALLOW_POLICY = "RedriveAllowPolicy";

    private static final Set<String> SETTABLE = Set.of(
            "VisibilityTimeout",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
            "MaximumMessageSize",
            "ContentBasedDeduplication",
            "RedrivePolicy",
            REDRIVE_ALLOW_POLICY,
            "SqsManagedSseEnabled",
            "DeduplicationScope",
            "FifoThroughputLimit");

    /**
     * Attributes SQS lets a client set to other values, of which mq has one behaviour: what it does is
     * accepted and shown; the others are refused, naming what mq does. Messages are encrypted at rest (by
     * DynamoDB), a FIFO queue deduplicates across the queue, and its throughput is not limited per queue.
     */
    private static final Map<String, String> FIXED = Map.of(
            "SqsManagedSseEnabled", "true",
            "DeduplicationScope", "queue",
            "FifoThroughputLimit", "perQueue");

    /** Every attribute GetQueueAttributes answers, in SQS's order. */
    static final List<String> READABLE = List.of(
            "QueueArn",
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
            "CreatedTimestamp",
            "LastModifiedTimestamp",
            "VisibilityTimeout",
            "MaximumMessageSize",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
            "RedrivePolicy",
            REDRIVE_ALLOW_POLICY,
            "SqsManagedSseEnabled",
            "FifoQueue",
            "ContentBasedDeduplication",
            "DeduplicationScope",
            "FifoThroughputLimit");

    private SqsQueueAttributes() {}

    /**
     * {@code base} with the SQS attributes given applied. {@code creating}: {@code FifoQueue} may be given and
     * must agree with the name; elsewhere it cannot be changed.
     */
    static QueueAttributes apply(
            Map<String, String> given, QueueAttributes base, String queue, boolean creating, QueueUrls urls) {
        boolean fifo = Names.isFifo(queue);
        if (creating && fifo && !given.containsKey("FifoQueue")) {
            // as SQS: a FIFO queue is asked for by its attribute, and the name must agree
            throw SqsErrors.fail(SqsErrors.invalidParameterValue(
                    "A queue whose name ends with .fifo must be created with the attribute FifoQueue set to true."));
        }
        QueueAttributes a = base;
        for (Map.Entry<String, String> e : given.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name.equals("FifoQueue") && creating) {
                if (parseBoolean(name, value) != fifo) {
                    throw SqsErrors.fail(SqsErrors.invalidParameterValue(
                            fifo
                                    ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or"
                                            + " underscores, must end with .fifo suffix; set FifoQueue to true"
                                    : "a FIFO queue's name must end with .fifo"));
                }
                continue;
            }
            boolean fifoOnly = name.equals("ContentBasedDeduplication")
                    || name.equals("DeduplicationScope")
                    || name.equals("FifoThroughputLimit");
            if (!SETTABLE.contains(name) || (fifoOnly && !fifo)) {
                throw SqsErrors.fail(
                        SqsErrors.invalidAttributeName("Unknown Attribute " + Names.printable(name) + "."));
            }
            a = switch (name) {
                case "VisibilityTimeout" -> with(a, "visibilityTimeoutSeconds", number(name, value, 0, 43_200));
                case "MessageRetentionPeriod" ->
                    with(a, "messageRetentionSeconds", number(name, value, 60, MAX_RETENTION));
                case "DelaySeconds" -> with(a, "delaySeconds", number(name, value, 0, 900));
                case "ReceiveMessageWaitTimeSeconds" -> with(a, "receiveWaitSeconds", number(name, value, 0, 20));
                case "MaximumMessageSize" -> with(a, "maxMessageBytes", number(name, value, 1024, 262_144));
                case "ContentBasedDeduplication" -> with(a, "contentBasedDeduplication", parseBoolean(name, value));
                case "RedrivePolicy" -> redrive(a, value, urls);
                case REDRIVE_ALLOW_POLICY -> a.withRedriveAllowPolicy(redriveAllow(value, urls));
                default -> {
                    if (!FIXED.get(name).equals(value)) {
                        throw invalidValue(name, "mq supports " + FIXED.get(name) + " only");
                    }
                    yield a;
                }
            };
        }
        return a;
    }

    /** The attributes {@code names} asks for ({@code All}: every one); an unknown name is refused. */
    static Map<String, String> render(QueueDescription q, Collection<String> names, QueueUrls urls) {
        for (String name : names) {
            if (!name.equals("All") && !READABLE.contains(name)) {
                throw SqsErrors.fail(
                        SqsErrors.invalidAttributeName("Unknown Attribute " + Names.printable(name) + "."));
            }
        }
        boolean all = names.contains("All");
        Map<String, String> out = new LinkedHashMap<>();
        QueueAttributes a = q.attributes();
        for (String name : READABLE) {
            if (!all && !names.contains(name)) {
                continue;
            }
            String value = switch (name) {
                case "QueueArn" -> urls.arn(q.name());
                case "ApproximateNumberOfMessages" ->
                    q.stats() == null ? "0" : Long.toString(q.stats().visible());
                case "ApproximateNumberOfMessagesNotVisible" ->
                    q.stats() == null ? "0" : Long.toString(q.stats().inFlight());
                case "ApproximateNumberOfMessagesDelayed" ->
                    q.stats() == null ? "0" : Long.toString(q.stats().delayed());
                case "CreatedTimestamp" -> Long.toString(q.createdAt().getEpochSecond());
                case "LastModifiedTimestamp" -> Long.toString(q.modifiedAt().getEpochSecond());
                case "VisibilityTimeout" -> Integer.toString(a.visibilityTimeoutSeconds());
                case "MaximumMessageSize" -> Integer.toString(a.maxMessageBytes());
                case "MessageRetentionPeriod" -> Integer.toString(a.messageRetentionSeconds());
                case "DelaySeconds" -> Integer.toString(a.delaySeconds());
                case "ReceiveMessageWaitTimeSeconds" -> Integer.toString(a.receiveWaitSeconds());
                case "RedrivePolicy" -> a.deadLetterQueue() == null ? null : redrivePolicy(a, urls);
                case REDRIVE_ALLOW_POLICY ->
                    a.redriveAllowPolicy().permission() == Permission.ALLOW_ALL
                            ? null
                            : redriveAllowPolicy(a.redriveAllowPolicy(), urls);
                case "FifoQueue" -> q.fifo() ? "true" : null;
                case "SqsManagedSseEnabled" -> FIXED.get(name);
                case "DeduplicationScope", "FifoThroughputLimit" -> q.fifo() ? FIXED.get(name) : null;
                case "ContentBasedDeduplication" -> q.fifo() ? Boolean.toString(a.contentBasedDeduplication()) : null;
                default -> null;
            };
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    private static String redrivePolicy(QueueAttributes a, QueueUrls urls) {
        ObjectNode policy = Json.MAPPER.createObjectNode();
        policy.put("deadLetterTargetArn", urls.arn(a.deadLetterQueue()));
        policy.put("maxReceiveCount", a.maxReceiveCount());
        return Json.write(policy);
    }

    private static String redriveAllowPolicy(RedriveAllowPolicy policy, QueueUrls urls) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("redrivePermission", policy.permission().wireName());
        if (!policy.sourceQueues().isEmpty()) {
            ArrayNode arns = out.putArray("sourceQueueArns");
            policy.sourceQueues().forEach(name -> arns.add(urls.arn(name)));
        }
        return Json.write(out);
    }

    /**
     * {@code {"redrivePermission": "allowAll|denyAll|byQueue", "sourceQueueArns": [...]}} as a JSON string;
     * empty resets it to allowAll.
     */
    private static RedriveAllowPolicy redriveAllow(String value, QueueUrls urls) {
        if (value.isBlank()) {
            return RedriveAllowPolicy.ALLOW_ALL;
        }
        JsonNode policy;
        try {
            policy = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw invalidValue(REDRIVE_ALLOW_POLICY, "it is not valid JSON");
        }
        if (policy == null
                || !policy.isObject()
                || !policy.path("redrivePermission").isTextual()) {
            throw invalidValue(REDRIVE_ALLOW_POLICY, "it must be a JSON object with redrivePermission");
        }
        List<String> sources = new ArrayList<>();
        JsonNode arns = policy.path("sourceQueueArns");
        if (!arns.isMissingNode() && !arns.isArray()) {
            throw invalidValue(REDRIVE_ALLOW_POLICY, "sourceQueueArns must be a list of queue ARNs");
        }
        for (JsonNode arn : arns) {
            if (!arn.isTextual()) {
                throw invalidValue(REDRIVE_ALLOW_POLICY, "sourceQueueArns must be a list of queue ARNs");
            }
            sources.add(urls.queueOfArn(arn.textValue()));
        }
        try {
            return new RedriveAllowPolicy(
                    RedriveAllowPolicy.Permission.fromWire(
                            policy.get("redrivePermission").textValue()),
                    sources);
        } catch (QueueException e) {
            throw invalidValue(REDRIVE_ALLOW_POLICY, e.getMessage());
        }
    }

    /** {@code {"deadLetterTargetArn": "arn:...", "maxReceiveCount": 5}} as a JSON string; empty removes it. */
    private static QueueAttributes redrive(QueueAttributes a, String value, QueueUrls urls) {
        if (value.isBlank()) {
            return withDeadLetters(a, null, null);
        }
        JsonNode policy;
        try {
            policy = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw invalidValue("RedrivePolicy", "it is not valid JSON");
        }
        if (policy == null || !policy.isObject()) {
            throw invalidValue("RedrivePolicy", "it must be a JSON object");
        }
        String arn = policy.path("deadLetterTargetArn").isTextual()
                ? policy.get("deadLetterTargetArn").textValue()
                : null;
        JsonNode count = policy.get("maxReceiveCount");
        if (arn == null || count == null) {
            throw invalidValue("RedrivePolicy", "it needs deadLetterTargetArn and maxReceiveCount");
        }
        String dlq = urls.queueOfArn(arn);
        int max = number("maxReceiveCount", count.asText(), 1, 1000);
        return withDeadLetters(a, dlq, max);
    }

    /** One of mq's attributes changed, through the one parser of {@link QueueAttributes} so its rules hold. */
    private static QueueAttributes with(QueueAttributes a, String field, Object value) {
        ObjectNode change = Json.MAPPER.createObjectNode();
        change.set(field, Json.MAPPER.valueToTree(value));
        return QueueAttributes.parse(change, a);
    }

    private static QueueAttributes withDeadLetters(QueueAttributes a, String queue, Integer maxReceiveCount) {
        return new QueueAttributes(
                a.visibilityTimeoutSeconds(),
                a.messageRetentionSeconds(),
                a.delaySeconds(),
                a.receiveWaitSeconds(),
                a.maxMessageBytes(),
                a.deduplicationWindowSeconds(),
                a.contentBasedDeduplication(),
                queue,
                maxReceiveCount,
                a.redriveAllowPolicy());
    }

    private static int number(String name, String value, int min, int max) {
        if (value == null || !value.strip().matches("-?\\d{1,10}")) {
            throw invalidValue(name, "it must be an integer");
        }
        long n = Long.parseLong(value.strip());
        if (n < min || n > max) {
            throw invalidValue(name, "it must be between " + min + " and " + max);
        }
        return (int) n;
    }

    private static boolean parseBoolean(String name, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw invalidValue(name, "it must be true or false");
        }
        return v.equals("true");
    }

    private static SqsException invalidValue(String name, String reason) {
        return SqsErrors.fail(SqsErrors.invalidAttributeValue(
                "Invalid value for the parameter " + name + ". Reason: " + reason + "."));
    }
}
