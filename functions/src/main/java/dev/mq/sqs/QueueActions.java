package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.Page;
import dev.mq.core.QueueService;
import dev.mq.core.QueueSummary;
import dev.mq.model.ErrorCode;
import dev.mq.model.Json;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import java.util.Map;

/** SQS's queue actions over {@link QueueService}: create, find, list, delete, attributes and purge. */
final class QueueActions {
    private final QueueService service;

    QueueActions(QueueService service) {
        this.service = service;
    }

    void register(Map<String, SqsAction> actions) {
        actions.put("CreateQueue", this::createQueue);
        actions.put("GetQueueUrl", this::getQueueUrl);
        actions.put("ListQueues", this::listQueues);
        actions.put("DeleteQueue", (in, urls) -> {
            service.deleteQueue(queue(in, urls));
            return empty();
        });
        actions.put("GetQueueAttributes", this::getQueueAttributes);
        actions.put("SetQueueAttributes", this::setQueueAttributes);
        actions.put("PurgeQueue", (in, urls) -> {
            service.purge(queue(in, urls));
            return empty();
        });
    }

    /** The queue an input's {@code QueueUrl} names. */
    static String queue(ObjectNode input, QueueUrls urls) {
        return urls.queueOfUrl(SqsInput.requiredString(input, "QueueUrl"));
    }

    static ObjectNode empty() {
        return Json.MAPPER.createObjectNode();
    }

    /**
     * Creates the queue, or answers the existing one's URL when every attribute given has the value it has
     * (as SQS: attributes not given are not compared); otherwise {@code QueueNameExists}.
     */
    private ObjectNode createQueue(ObjectNode in, QueueUrls urls) {
        String name = Names.refuseInternal(SqsInput.requiredString(in, "QueueName"));
        Map<String, String> given = SqsInput.stringMap(in, "Attributes");
        // CreateQueue's member is lower-case tags in SQS's model, unlike TagQueue's Tags
        Map<String, String> tags = SqsInput.stringMap(in, "tags");
        QueueAttributes wanted = SqsQueueAttributes.apply(given, QueueAttributes.defaults(), name, true, urls);
        try {
            service.createQueue(name, wanted, tags);
        } catch (QueueException e) {
            if (e.code() != ErrorCode.QUEUE_ALREADY_EXISTS) {
                throw e;
            }
            QueueAttributes existing = service.queueConfig(name).attributes();
            if (!SqsQueueAttributes.apply(given, existing, name, true, urls).equals(existing)) {
                throw e;
            }
        }
        return empty().put("QueueUrl", urls.url(name));
    }

    private ObjectNode getQueueUrl(ObjectNode in, QueueUrls urls) {
        String name =
                urls.ours(SqsInput.optString(in, "QueueOwnerAWSAccountId"), SqsInput.requiredString(in, "QueueName"));
        try {
            service.queueConfig(Names.requireQueueName(name));
        } catch (QueueException e) {
            throw e.code() == ErrorCode.INVALID_REQUEST ? SqsErrors.fail(SqsErrors.queueDoesNotExist()) : e;
        }
        return empty().put("QueueUrl", urls.url(name));
    }

    private ObjectNode listQueues(ObjectNode in, QueueUrls urls) {
        Integer max = SqsInput.optInt(in, "MaxResults", 1, 1000);
        String next = SqsInput.optString(in, "NextToken");
        if (next != null && max == null) {
            throw SqsInput.invalid("NextToken", "needs MaxResults");
        }
        Page<QueueSummary> page =
                service.listQueues(SqsInput.optString(in, "QueueNamePrefix"), max == null ? 1000 : max, next);
        ObjectNode out = empty();
        ArrayNode queueUrls = out.putArray("QueueUrls");
        // mq's internal queues are not the user's to see: a page may come out shorter
        page.items().stream()
                .map(QueueSummary::name)
                .filter(name -> !Names.isInternal(name))
                .forEach(name -> queueUrls.add(urls.url(name)));
        if (max != null && page.next() != null) {
            out.put("NextToken", page.next());
        }
        return out;
    }

    private ObjectNode getQueueAttributes(ObjectNode in, QueueUrls urls) {
        String name = queue(in, urls);
        var names = SqsInput.stringList(in, "AttributeNames");
        ObjectNode out = empty();
        if (names.isEmpty()) {
            service.queueConfig(name); // a missing queue is still an error
            return out;
        }
        ObjectNode attributes = out.putObject("Attributes");
        SqsQueueAttributes.render(service.getQueue(name), names, urls).forEach(attributes::put);
        return out;
    }

    private ObjectNode setQueueAttributes(ObjectNode in, QueueUrls urls) {
        String name = queue(in, urls);
        Map<String, String> given = SqsInput.stringMap(in, "Attributes");
        if (given.containsKey("FifoQueue")) {
            throw SqsErrors.fail(SqsErrors.invalidAttributeName("FifoQueue cannot be changed."));
        }
        service.updateQueue(name, current -> SqsQueueAttributes.apply(given, current, name, false, urls));
        return empty();
    }
}
