package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.MoveTask;
import dev.mq.core.Page;
import dev.mq.core.QueueService;
import java.util.List;
import java.util.Map;

/**
 * The actions about a queue rather than its messages: tags, the queues that use it as their dead-letter
 * queue, and message-move tasks (SQS's way of redriving a dead-letter queue).
 */
final class CatalogActions {
    private final QueueService service;

    CatalogActions(QueueService service) {
        this.service = service;
    }

    void register(Map<String, SqsAction> actions) {
        actions.put("TagQueue", (in, urls) -> {
            service.tagQueue(QueueActions.queue(in, urls), requiredTags(in, "Tags"));
            return QueueActions.empty();
        });
        actions.put("UntagQueue", (in, urls) -> {
            List<String> keys = SqsInput.stringList(in, "TagKeys");
            if (keys.isEmpty()) {
                throw SqsErrors.fail(SqsErrors.missingParameter("TagKeys"));
            }
            service.untagQueue(QueueActions.queue(in, urls), keys);
            return QueueActions.empty();
        });
        actions.put("ListQueueTags", (in, urls) -> {
            ObjectNode out = QueueActions.empty();
            Map<String, String> tags = service.queueTags(QueueActions.queue(in, urls));
            if (!tags.isEmpty()) {
                tags.forEach(out.putObject("Tags")::put);
            }
            return out;
        });
        actions.put("ListDeadLetterSourceQueues", this::deadLetterSources);
        actions.put("StartMessageMoveTask", (in, urls) -> {
            String source = urls.queueOfArn(SqsInput.requiredString(in, "SourceArn"));
            String destinationArn = SqsInput.optString(in, "DestinationArn");
            MoveTask task = service.startMoveTask(
                    source,
                    destinationArn == null ? null : urls.queueOfArn(destinationArn),
                    SqsInput.optInt(in, "MaxNumberOfMessagesPerSecond", 1, 500));
            return QueueActions.empty().put("TaskHandle", task.taskHandle());
        });
        actions.put("ListMessageMoveTasks", (in, urls) -> {
            String source = urls.queueOfArn(SqsInput.requiredString(in, "SourceArn"));
            Integer max = SqsInput.optInt(in, "MaxResults", 1, 10);
            ObjectNode out = QueueActions.empty();
            ArrayNode results = out.putArray("Results");
            for (MoveTask task : service.moveTasks(source, max == null ? 1 : max)) {
                render(task, results.addObject(), urls);
            }
            return out;
        });
        for (String action : List.of("CancelMessageMoveTask", "AddPermission", "RemovePermission")) {
            actions.put(action, (in, urls) -> {
                throw SqsErrors.fail(SqsErrors.unsupportedOperation(
                        action + " is not supported: a move task ends by itself, and access is IAM's on the API"));
            });
        }
    }

    /** The tags of a CreateQueue or TagQueue; their limits are the core's (SQS's). */
    static Map<String, String> requiredTags(ObjectNode in, String member) {
        Map<String, String> tags = SqsInput.stringMap(in, member);
        if (tags.isEmpty()) {
            throw SqsErrors.fail(SqsErrors.missingParameter(member));
        }
        return tags;
    }

    private ObjectNode deadLetterSources(ObjectNode in, QueueUrls urls) {
        String queue = QueueActions.queue(in, urls);
        Integer max = SqsInput.optInt(in, "MaxResults", 1, 1000);
        String next = SqsInput.optString(in, "NextToken");
        if (next != null && max == null) {
            throw SqsInput.invalid("NextToken", "needs MaxResults");
        }
        Page<String> page = service.deadLetterSourceQueues(queue, max == null ? 1000 : max, next);
        ObjectNode out = QueueActions.empty();
        // the member is lower-case queueUrls in SQS's model, unlike ListQueues' QueueUrls
        ArrayNode queueUrls = out.putArray("queueUrls");
        page.items().forEach(name -> queueUrls.add(urls.url(name)));
        if (page.next() != null && max != null) {
            out.put("NextToken", page.next());
        }
        return out;
    }

    /** One ListMessageMoveTasks result; SQS gives the handle of a running task only. */
    private static void render(MoveTask task, ObjectNode out, QueueUrls urls) {
        if (task.status() == MoveTask.Status.RUNNING) {
            out.put("TaskHandle", task.taskHandle());
        }
        out.put("Status", task.status().name());
        out.put("SourceArn", urls.arn(task.source()));
        if (task.destination() != null) {
            out.put("DestinationArn", urls.arn(task.destination()));
        }
        if (task.maxPerSecond() != null) {
            out.put("MaxNumberOfMessagesPerSecond", task.maxPerSecond());
        }
        out.put("ApproximateNumberOfMessagesMoved", task.moved());
        out.put("ApproximateNumberOfMessagesToMove", task.toMove());
        if (task.failureReason() != null) {
            out.put("FailureReason", task.failureReason());
        }
        out.put("StartedTimestamp", task.startedAt().toEpochMilli());
    }
}
