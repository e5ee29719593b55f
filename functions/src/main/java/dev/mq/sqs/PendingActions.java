package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.Page;
import dev.mq.core.QueueService;
import java.util.List;
import java.util.Map;

/**
 * Actions whose input and output are SQS's but whose core operation is not there yet: queue tags, dead-letter
 * source queues and message-move tasks. Each reads and checks its input (a missing queue is still
 * {@code QueueDoesNotExist}), then answers {@code UnsupportedOperation}; the renderers of their outputs are
 * here for when the core has them.
 */
final class PendingActions {
    static final int MAX_TAGS = 50;

    private final QueueService service;

    PendingActions(QueueService service) {
        this.service = service;
    }

    void register(Map<String, SqsAction> actions) {
        actions.put("TagQueue", (in, urls) -> {
            String queue = existing(in, urls);
            checkTags(SqsInput.stringMap(in, "Tags"));
            throw notYet("TagQueue " + queue);
        });
        actions.put("UntagQueue", (in, urls) -> {
            String queue = existing(in, urls);
            if (SqsInput.stringList(in, "TagKeys").isEmpty()) {
                throw SqsErrors.fail(SqsErrors.missingParameter("TagKeys"));
            }
            throw notYet("UntagQueue " + queue);
        });
        actions.put("ListQueueTags", (in, urls) -> {
            throw notYet("ListQueueTags " + existing(in, urls));
        });
        actions.put("ListDeadLetterSourceQueues", (in, urls) -> {
            String queue = existing(in, urls);
            Integer max = SqsInput.optInt(in, "MaxResults", 1, 1000);
            if (SqsInput.optString(in, "NextToken") != null && max == null) {
                throw SqsInput.invalid("NextToken", "needs MaxResults");
            }
            throw notYet("ListDeadLetterSourceQueues " + queue);
        });
        actions.put("StartMessageMoveTask", (in, urls) -> {
            String source = urls.queueOfArn(SqsInput.requiredString(in, "SourceArn"));
            String destination = SqsInput.optString(in, "DestinationArn");
            if (destination != null) {
                service.queueConfig(urls.queueOfArn(destination));
            }
            SqsInput.optInt(in, "MaxNumberOfMessagesPerSecond", 1, 500);
            service.queueConfig(source);
            throw notYet("StartMessageMoveTask");
        });
        actions.put("ListMessageMoveTasks", (in, urls) -> {
            service.queueConfig(urls.queueOfArn(SqsInput.requiredString(in, "SourceArn")));
            SqsInput.optInt(in, "MaxResults", 1, 10);
            throw notYet("ListMessageMoveTasks");
        });
        for (String action : List.of("CancelMessageMoveTask", "AddPermission", "RemovePermission")) {
            actions.put(action, (in, urls) -> {
                throw notYet(action);
            });
        }
    }

    private String existing(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        service.queueConfig(queue);
        return queue;
    }

    /** SQS's tag limits: at most 50, keys of 1..128 characters not starting with {@code aws:}, values up to 256. */
    static void checkTags(Map<String, String> tags) {
        if (tags.isEmpty()) {
            throw SqsErrors.fail(SqsErrors.missingParameter("Tags"));
        }
        if (tags.size() > MAX_TAGS) {
            throw SqsErrors.fail(SqsErrors.invalidParameterValue("Too many tags: at most " + MAX_TAGS + "."));
        }
        tags.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > 128 || key.startsWith("aws:")) {
                throw SqsInput.invalid("Tags", "a tag key has 1 to 128 characters and does not start with aws:");
            }
            if (value.length() > 256) {
                throw SqsInput.invalid("Tags", "a tag value has at most 256 characters");
            }
        });
    }

    /** ListQueueTags' output. */
    static ObjectNode tags(Map<String, String> tags) {
        ObjectNode out = QueueActions.empty();
        tags.forEach(out.putObject("Tags")::put);
        return out;
    }

    /** ListDeadLetterSourceQueues' output (its member is {@code queueUrls}, lower case, in SQS's model). */
    static ObjectNode sources(Page<String> page, QueueUrls urls) {
        ObjectNode out = QueueActions.empty();
        ArrayNode queueUrls = out.putArray("queueUrls");
        page.items().forEach(name -> queueUrls.add(urls.url(name)));
        if (page.next() != null) {
            out.put("NextToken", page.next());
        }
        return out;
    }

    private static SqsException notYet(String what) {
        return SqsErrors.fail(SqsErrors.unsupportedOperation(what + " is not supported by this endpoint yet."));
    }
}
