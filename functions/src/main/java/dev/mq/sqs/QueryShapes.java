package dev.mq.sqs;

import static dev.mq.sqs.QueryShapes.Scalar.INTEGER;
import static dev.mq.sqs.QueryShapes.Scalar.TEXT;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How SQS's query protocol spells each action's members, transcribed from SQS's model (API version
 * 2012-11-05; each member's {@code locationName} is its wire name, and every list and map there is
 * {@code flattened}). One description serves both directions: a request's form parameters
 * ({@code MessageAttribute.1.Value.DataType}) and a response's XML elements
 * ({@code <MessageAttribute><Value><DataType>}) follow the same names and nesting.
 */
final class QueryShapes {
    private QueryShapes() {}

    /** What a member holds. */
    sealed interface Shape permits Scalar, ListOf, MapOf, Struct {}

    /**
     * A single value. Only requests need the kind (an integer member must carry a JSON number); a
     * response prints any scalar, number or boolean alike, as its text.
     */
    enum Scalar implements Shape {
        TEXT,
        INTEGER
    }

    /** A flattened list: in a request {@code Name.1, Name.2...}; in a response the element repeated. */
    record ListOf(Shape item) implements Shape {}

    /**
     * A flattened map: in a request {@code Name.1.<key>}, {@code Name.1.<value>}; in a response
     * {@code <Name><key>k</key><value>v</value></Name>} repeated.
     */
    record MapOf(String key, String value, Shape valueShape) implements Shape {}

    /** A structure: its members, in the model's order. */
    record Struct(List<Member> members) implements Shape {}

    /**
     * One member of a structure.
     *
     * @param json its name in the JSON protocol, which actions read and write
     * @param wire its name in the query protocol ({@code locationName}), request and response alike
     * @param alias another request name some clients send instead, or null
     */
    record Member(String json, String wire, Shape shape, String alias) {}

    /**
     * @param output null for an action whose response has no {@code <ActionResult>} element
     */
    record Action(String name, Struct input, Struct output) {}

    private static final Shape STRINGS = new ListOf(TEXT);
    private static final Shape ATTRIBUTES = new MapOf("Name", "Value", TEXT);
    private static final Shape TAGS = new MapOf("Key", "Value", TEXT);
    private static final Shape MESSAGE_ATTRIBUTES = new MapOf(
            "Name",
            "Value",
            struct(
                    member("StringValue"),
                    member("BinaryValue"),
                    member("StringListValues", "StringListValue", STRINGS),
                    member("BinaryListValues", "BinaryListValue", STRINGS),
                    member("DataType")));
    private static final Struct BATCH_ERROR =
            struct(member("Id"), member("SenderFault"), member("Code"), member("Message"));
    private static final Struct BATCH_ID = struct(member("Id"));

    /** Every action the query protocol reads, by name. */
    static final Map<String, Action> ACTIONS = Stream.of(
                    action(
                            "CreateQueue",
                            struct(
                                    member("QueueName"),
                                    member("Attributes", "Attribute", ATTRIBUTES),
                                    member("tags", "Tag", TAGS)),
                            struct(member("QueueUrl"))),
                    action(
                            "GetQueueUrl",
                            struct(member("QueueName"), member("QueueOwnerAWSAccountId")),
                            struct(member("QueueUrl"))),
                    action(
                            "ListQueues",
                            struct(member("QueueNamePrefix"), member("NextToken"), member("MaxResults", INTEGER)),
                            struct(member("QueueUrls", "QueueUrl", STRINGS), member("NextToken"))),
                    action("DeleteQueue", struct(member("QueueUrl")), null),
                    action(
                            "GetQueueAttributes",
                            struct(member("QueueUrl"), member("AttributeNames", "AttributeName", STRINGS)),
                            struct(member("Attributes", "Attribute", ATTRIBUTES))),
                    action(
                            "SetQueueAttributes",
                            struct(member("QueueUrl"), member("Attributes", "Attribute", ATTRIBUTES)),
                            null),
                    action("PurgeQueue", struct(member("QueueUrl")), null),
                    action(
                            "SendMessage",
                            struct(
                                    member("QueueUrl"),
                                    member("MessageBody"),
                                    member("DelaySeconds", INTEGER),
                                    member("MessageAttributes", "MessageAttribute", MESSAGE_ATTRIBUTES),
                                    member("MessageSystemAttributes", "MessageSystemAttribute", MESSAGE_ATTRIBUTES),
                                    member("MessageDeduplicationId"),
                                    member("MessageGroupId")),
                            sendResult()),
                    action(
                            "SendMessageBatch",
                            struct(
                                    member("QueueUrl"),
                                    member(
                                            "Entries",
                                            "SendMessageBatchRequestEntry",
                                            new ListOf(struct(
                                                    member("Id"),
                                                    member("MessageBody"),
                                                    member("DelaySeconds", INTEGER),
                                                    member("MessageAttributes", "MessageAttribute", MESSAGE_ATTRIBUTES),
                                                    member(
                                                            "MessageSystemAttributes",
                                                            "MessageSystemAttribute",
                                                            MESSAGE_ATTRIBUTES),
                                                    member("MessageDeduplicationId"),
                                                    member("MessageGroupId"))))),
                            batchResult("SendMessageBatchResultEntry", sendResult(member("Id")))),
                    action(
                            "ReceiveMessage",
                            struct(
                                    member("QueueUrl"),
                                    member("AttributeNames", "AttributeName", STRINGS),
                                    member("MessageSystemAttributeNames", "MessageSystemAttributeName", STRINGS),
                                    member("MessageAttributeNames", "MessageAttributeName", STRINGS),
                                    member("MaxNumberOfMessages", INTEGER),
                                    member("VisibilityTimeout", INTEGER),
                                    member("WaitTimeSeconds", INTEGER),
                                    member("ReceiveRequestAttemptId")),
                            struct(member(
                                    "Messages",
                                    "Message",
                                    new ListOf(struct(
                                            member("MessageId"),
                                            member("ReceiptHandle"),
                                            member("MD5OfBody"),
                                            member("Body"),
                                            member("Attributes", "Attribute", ATTRIBUTES),
                                            member("MD5OfMessageAttributes"),
                                            member("MessageAttributes", "MessageAttribute", MESSAGE_ATTRIBUTES)))))),
                    action("DeleteMessage", struct(member("QueueUrl"), member("ReceiptHandle")), null),
                    action(
                            "DeleteMessageBatch",
                            struct(
                                    member("QueueUrl"),
                                    member(
                                            "Entries",
                                            "DeleteMessageBatchRequestEntry",
                                            new ListOf(struct(member("Id"), member("ReceiptHandle"))))),
                            batchResult("DeleteMessageBatchResultEntry", BATCH_ID)),
                    action(
                            "ChangeMessageVisibility",
                            struct(member("QueueUrl"), member("ReceiptHandle"), member("VisibilityTimeout", INTEGER)),
                            null),
                    action(
                            "ChangeMessageVisibilityBatch",
                            struct(
                                    member("QueueUrl"),
                                    member(
                                            "Entries",
                                            "ChangeMessageVisibilityBatchRequestEntry",
                                            new ListOf(struct(
                                                    member("Id"),
                                                    member("ReceiptHandle"),
                                                    member("VisibilityTimeout", INTEGER))))),
                            batchResult("ChangeMessageVisibilityBatchResultEntry", BATCH_ID)),
                    // The AWS SDK for Java v1 sends TagQueue's tags as Tags.N (not the model's Tag.N).
                    action("TagQueue", struct(member("QueueUrl"), new Member("Tags", "Tag", TAGS, "Tags")), null),
                    action("UntagQueue", struct(member("QueueUrl"), member("TagKeys", "TagKey", STRINGS)), null),
                    action("ListQueueTags", struct(member("QueueUrl")), struct(member("Tags", "Tag", TAGS))),
                    action(
                            "ListDeadLetterSourceQueues",
                            struct(member("QueueUrl"), member("NextToken"), member("MaxResults", INTEGER)),
                            struct(member("queueUrls", "QueueUrl", STRINGS), member("NextToken"))),
                    action(
                            "StartMessageMoveTask",
                            struct(
                                    member("SourceArn"),
                                    member("DestinationArn"),
                                    member("MaxNumberOfMessagesPerSecond", INTEGER)),
                            struct(member("TaskHandle"))),
                    action(
                            "ListMessageMoveTasks",
                            struct(member("SourceArn"), member("MaxResults", INTEGER)),
                            struct(member(
                                    "Results",
                                    "ListMessageMoveTasksResultEntry",
                                    new ListOf(struct(
                                            member("TaskHandle"),
                                            member("Status"),
                                            member("SourceArn"),
                                            member("DestinationArn"),
                                            member("MaxNumberOfMessagesPerSecond"),
                                            member("ApproximateNumberOfMessagesMoved"),
                                            member("ApproximateNumberOfMessagesToMove"),
                                            member("FailureReason"),
                                            member("StartedTimestamp")))))),
                    action(
                            "CancelMessageMoveTask",
                            struct(member("TaskHandle")),
                            struct(member("ApproximateNumberOfMessagesMoved"))),
                    action(
                            "AddPermission",
                            struct(
                                    member("QueueUrl"),
                                    member("Label"),
                                    member("AWSAccountIds", "AWSAccountId", STRINGS),
                                    member("Actions", "ActionName", STRINGS)),
                            null),
                    action("RemovePermission", struct(member("QueueUrl"), member("Label")), null))
            .collect(Collectors.toUnmodifiableMap(Action::name, Function.identity()));

    /** SendMessage's result, and a SendMessageBatch entry's after its {@code Id}. */
    private static Struct sendResult(Member... leading) {
        return new Struct(Stream.concat(
                        Stream.of(leading),
                        Stream.of(
                                member("MessageId"),
                                member("MD5OfMessageBody"),
                                member("MD5OfMessageAttributes"),
                                member("MD5OfMessageSystemAttributes"),
                                member("SequenceNumber")))
                .toList());
    }

    private static Struct batchResult(String successfulEntry, Struct entry) {
        return struct(
                member("Successful", successfulEntry, new ListOf(entry)),
                member("Failed", "BatchResultErrorEntry", new ListOf(BATCH_ERROR)));
    }

    private static Action action(String name, Struct input, Struct output) {
        return new Action(name, input, output);
    }

    private static Struct struct(Member... members) {
        return new Struct(List.of(members));
    }

    private static Member member(String name) {
        return new Member(name, name, TEXT, null);
    }

    private static Member member(String name, Shape shape) {
        return new Member(name, name, shape, null);
    }

    private static Member member(String json, String wire, Shape shape) {
        return new Member(json, wire, shape, null);
    }
}
