package dev.mq.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.QueueService;
import dev.mq.model.Json;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.CountsFeed;
import dev.mq.testing.LocalDynamoDb;
import dev.mq.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every action through the endpoint and the JSON protocol, over DynamoDB Local. */
class SqsEndpointTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final String BASE = "http://localhost:8080";
    static final QueueUrls URLS = new QueueUrls(BASE, QueueUrls.LOCAL_ACCOUNT, "us-east-1");

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    QueueService service;
    SqsEndpoint endpoint;

    /** The status and parsed body of the last call; the query error header of an error. */
    record Reply(int status, JsonNode body, String queryError) {
        String type() {
            return body.path("__type").asText().replace(JsonProtocol.ERROR_NAMESPACE, "");
        }
    }

    @BeforeEach
    void freshEndpoint() {
        Tables tables = db.freshTables();
        CountsFeed counts = new CountsFeed(db, tables);
        service = Services.over(db.client(), tables)
                .clock(clock)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .countsCaughtUp(counts::catchUp)
                .build()
                .queues();
        endpoint = new SqsEndpoint(service);
    }

    Reply call(String action, String json) {
        return call(action, json, null);
    }

    Reply call(String action, String json, String pathQueue) {
        SqsAnswer answer = endpoint.handle(new SqsEndpoint.SqsRequest(
                JsonProtocol.TARGET_PREFIX + action,
                JsonProtocol.CONTENT_TYPE,
                json,
                pathQueue == null ? null : QueueUrls.LOCAL_ACCOUNT,
                pathQueue,
                URLS,
                "req"));
        return new Reply(
                answer.status(),
                Json.parseObject(answer.body()),
                answer.headers().get("x-amzn-query-error"));
    }

    Reply ok(String action, String json) {
        Reply reply = call(action, json);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        return reply;
    }

    static void assertError(Reply reply, int status, String type) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(status);
        assertThat(reply.type()).isEqualTo(type);
        assertThat(reply.queryError()).endsWith(status >= 500 ? ";Receiver" : ";Sender");
        assertThat(reply.body().path("message").asText()).isNotBlank();
    }

    String create(String name, String attributes) {
        return ok("CreateQueue", "{\"QueueName\": \"" + name + "\", \"Attributes\": " + attributes + "}")
                .body()
                .get("QueueUrl")
                .asText();
    }

    static String url(String queue) {
        return BASE + "/000000000000/" + queue;
    }

    // ---------------------------------------------------------------- queues

    @Test
    void createQueue_answersTheUrl_andAgainWithTheSameAttributes_butRefusesOtherOnes() {
        assertThat(create("orders", "{\"VisibilityTimeout\": \"60\"}")).isEqualTo(url("orders"));
        assertThat(create("orders", "{\"VisibilityTimeout\": \"60\"}")).isEqualTo(url("orders"));
        assertThat(create("orders", "{}")).isEqualTo(url("orders"));

        Reply other =
                call("CreateQueue", "{\"QueueName\": \"orders\", \"Attributes\": {\"VisibilityTimeout\": \"5\"}}");
        assertError(other, 400, "QueueNameExists");
        assertThat(other.queryError()).isEqualTo("QueueAlreadyExists;Sender");
    }

    @Test
    void createQueue_checksAttributesAsSqs() {
        assertError(
                call("CreateQueue", "{\"QueueName\": \"q\", \"Attributes\": {\"Colour\": \"red\"}}"),
                400,
                "InvalidAttributeName");
        assertError(
                call("CreateQueue", "{\"QueueName\": \"q\", \"Attributes\": {\"DelaySeconds\": \"901\"}}"),
                400,
                "InvalidAttributeValue");
        assertError(
                call("CreateQueue", "{\"QueueName\": \"q\", \"Attributes\": {\"VisibilityTimeout\": \"soon\"}}"),
                400,
                "InvalidAttributeValue");
        assertError(
                call(
                        "CreateQueue",
                        "{\"QueueName\": \"q\", \"Attributes\": {\"ContentBasedDeduplication\": \"true\"}}"),
                400,
                "InvalidAttributeName");
        assertError(
                call("CreateQueue", "{\"QueueName\": \"q\", \"Attributes\": {\"FifoQueue\": \"true\"}}"),
                400,
                "InvalidParameterValue");
        assertError(
                call("CreateQueue", "{\"QueueName\": \"q.fifo\", \"Attributes\": {\"FifoQueue\": \"false\"}}"),
                400,
                "InvalidParameterValue");
        assertError(call("CreateQueue", "{\"QueueName\": \"bad name\"}"), 400, "InvalidParameterValue");
        assertError(call("CreateQueue", "{\"QueueName\": \"_mq-deliveries\"}"), 400, "InvalidParameterValue");
        assertError(call("CreateQueue", "{}"), 400, "MissingParameter");
        assertError(call("CreateQueue", "{\"QueueName\": \"q.fifo\"}"), 400, "InvalidParameterValue");
        assertThat(create("q.fifo", "{\"FifoQueue\": \"true\", \"ContentBasedDeduplication\": \"true\"}"))
                .isEqualTo(url("q.fifo"));
    }

    @Test
    void getQueueUrl_findsTheQueue_orAnswersQueueDoesNotExist() {
        create("orders", "{}");
        assertThat(ok("GetQueueUrl", "{\"QueueName\": \"orders\"}")
                        .body()
                        .get("QueueUrl")
                        .asText())
                .isEqualTo(url("orders"));
        assertError(call("GetQueueUrl", "{\"QueueName\": \"missing\"}"), 400, "QueueDoesNotExist");
        assertError(
                call("GetQueueUrl", "{\"QueueName\": \"orders\", \"QueueOwnerAWSAccountId\": \"123456789012\"}"),
                400,
                "QueueDoesNotExist");
    }

    @Test
    void listQueues_filtersByPrefix_andPagesWithMaxResults() {
        for (String name : List.of("a-1", "a-2", "a-3", "b-1")) {
            create(name, "{}");
        }
        assertThat(ok("ListQueues", "{\"QueueNamePrefix\": \"a-\"}").body().get("QueueUrls"))
                .extracting(JsonNode::asText)
                .containsExactly(url("a-1"), url("a-2"), url("a-3"));
        assertThat(ok("ListQueues", "{}").body().has("NextToken")).isFalse();

        List<String> seen = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = ok(
                            "ListQueues",
                            "{\"MaxResults\": 2" + (next == null ? "" : ", \"NextToken\": \"" + next + "\"") + "}")
                    .body();
            page.get("QueueUrls").forEach(u -> seen.add(u.asText()));
            next = page.path("NextToken").asText(null);
        } while (next != null);
        assertThat(seen).containsExactly(url("a-1"), url("a-2"), url("a-3"), url("b-1"));
        assertError(call("ListQueues", "{\"MaxResults\": 0}"), 400, "InvalidParameterValue");
        assertError(call("ListQueues", "{\"MaxResults\": \"many\"}"), 400, "InvalidParameterValue");
    }

    @Test
    void queueAttributes_areSqsNamesAndValues_andChangeWithSetQueueAttributes() {
        String dlq = create("orders-dlq", "{}");
        String orders = create("orders", "{\"DelaySeconds\": \"5\"}");
        ok(
                "SetQueueAttributes",
                "{\"QueueUrl\": \"" + orders + "\", \"Attributes\": {\"VisibilityTimeout\": \"45\", "
                        + "\"RedrivePolicy\": \"{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:orders-dlq\\\",\\\"maxReceiveCount\\\":\\\"3\\\"}\"}}");
        ok("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"hello\"}");

        JsonNode all = ok("GetQueueAttributes", "{\"QueueUrl\": \"" + orders + "\", \"AttributeNames\": [\"All\"]}")
                .body()
                .get("Attributes");
        assertThat(all.get("QueueArn").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:orders");
        assertThat(all.get("VisibilityTimeout").asText()).isEqualTo("45");
        assertThat(all.get("DelaySeconds").asText()).isEqualTo("5");
        assertThat(all.get("MaximumMessageSize").asText()).isEqualTo("262144");
        assertThat(all.get("MessageRetentionPeriod").asText()).isEqualTo("345600");
        assertThat(all.get("ReceiveMessageWaitTimeSeconds").asText()).isEqualTo("0");
        assertThat(all.get("ApproximateNumberOfMessagesDelayed").asText()).isEqualTo("1");
        assertThat(all.get("CreatedTimestamp").asText()).isEqualTo("1893456000");
        assertThat(Json.parseObject(all.get("RedrivePolicy").asText()))
                .isEqualTo(
                        Json.parseObject(
                                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:orders-dlq\",\"maxReceiveCount\":3}"));
        assertThat(all.has("FifoQueue")).isFalse();

        JsonNode some = ok(
                        "GetQueueAttributes",
                        "{\"QueueUrl\": \"" + dlq + "\", \"AttributeNames\": [\"VisibilityTimeout\"]}")
                .body()
                .get("Attributes");
        assertThat(some.properties()).hasSize(1);
        assertError(
                call("GetQueueAttributes", "{\"QueueUrl\": \"" + dlq + "\", \"AttributeNames\": [\"Colour\"]}"),
                400,
                "InvalidAttributeName");
        assertError(
                call(
                        "SetQueueAttributes",
                        "{\"QueueUrl\": \"" + orders + "\", \"Attributes\": {\"FifoQueue\": \"true\"}}"),
                400,
                "InvalidAttributeName");
        assertError(
                call(
                        "SetQueueAttributes",
                        "{\"QueueUrl\": \"" + orders + "\", \"Attributes\": {\"RedrivePolicy\": \"{\"}}"),
                400,
                "InvalidAttributeValue");
        ok("SetQueueAttributes", "{\"QueueUrl\": \"" + orders + "\", \"Attributes\": {\"RedrivePolicy\": \"\"}}");
        assertThat(ok("GetQueueAttributes", "{\"QueueUrl\": \"" + orders + "\", \"AttributeNames\": [\"All\"]}")
                        .body()
                        .get("Attributes")
                        .has("RedrivePolicy"))
                .isFalse();
    }

    @Test
    void purgeAndDeleteQueue() {
        String orders = create("orders", "{}");
        ok("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"hello\"}");
        ok("PurgeQueue", "{\"QueueUrl\": \"" + orders + "\"}");
        assertThat(ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}")
                        .body()
                        .get("Messages"))
                .isEmpty();

        ok("DeleteQueue", "{\"QueueUrl\": \"" + orders + "\"}");
        assertError(call("DeleteQueue", "{\"QueueUrl\": \"" + orders + "\"}"), 400, "QueueDoesNotExist");
        assertError(call("PurgeQueue", "{\"QueueUrl\": \"" + url("missing") + "\"}"), 400, "QueueDoesNotExist");
    }

    @Test
    void aQueueUrlOfAnotherAccount_orOfAnInternalQueue_isRefused() {
        create("orders", "{}");
        assertError(
                call("SendMessage", "{\"QueueUrl\": \"" + BASE + "/123456789012/orders\", \"MessageBody\": \"x\"}"),
                400,
                "QueueDoesNotExist");
        assertError(
                call("PurgeQueue", "{\"QueueUrl\": \"" + url("_mq-deliveries") + "\"}"), 400, "InvalidParameterValue");
    }

    // ---------------------------------------------------------------- messages

    @Test
    void sendAndReceive_carryTypedAttributes_systemAttributes_andDigests() {
        String orders = create("orders", "{}");
        Reply sent = ok(
                "SendMessage",
                "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"hello\", \"MessageAttributes\": {"
                        + "\"colour\": {\"DataType\": \"String\", \"StringValue\": \"red\"},"
                        + "\"count\": {\"DataType\": \"String\", \"StringValue\": \"3\"}}}");
        assertThat(sent.body().get("MD5OfMessageBody").asText()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        String attributesMd5 = sent.body().get("MD5OfMessageAttributes").asText();

        JsonNode message = ok(
                        "ReceiveMessage",
                        "{\"QueueUrl\": \"" + orders + "\", \"MaxNumberOfMessages\": 10, "
                                + "\"MessageSystemAttributeNames\": [\"All\"], \"MessageAttributeNames\": [\"All\"]}")
                .body()
                .get("Messages")
                .get(0);
        assertThat(message.get("MessageId").asText())
                .isEqualTo(sent.body().get("MessageId").asText());
        assertThat(message.get("Body").asText()).isEqualTo("hello");
        assertThat(message.get("MD5OfBody").asText()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(message.get("MD5OfMessageAttributes").asText()).isEqualTo(attributesMd5);
        assertThat(message.get("MessageAttributes")
                        .get("colour")
                        .get("StringValue")
                        .asText())
                .isEqualTo("red");
        JsonNode system = message.get("Attributes");
        assertThat(system.get("ApproximateReceiveCount").asText()).isEqualTo("1");
        assertThat(system.get("SentTimestamp").asText())
                .isEqualTo(Long.toString(clock.instant().toEpochMilli()));
        assertThat(system.get("ApproximateFirstReceiveTimestamp").asText()).isNotBlank();
        assertThat(system.has("SequenceNumber")).isFalse();
    }

    @Test
    void receive_selectsMessageAttributesByNameOrPrefix_andNoneByDefault() {
        String orders = create("orders", "{}");
        ok(
                "SendMessage",
                "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"b\", \"MessageAttributes\": {"
                        + "\"order.id\": {\"DataType\": \"String\", \"StringValue\": \"1\"},"
                        + "\"order.kind\": {\"DataType\": \"String\", \"StringValue\": \"x\"},"
                        + "\"other\": {\"DataType\": \"String\", \"StringValue\": \"y\"}}}");
        JsonNode first = ok(
                        "ReceiveMessage",
                        "{\"QueueUrl\": \"" + orders + "\", \"VisibilityTimeout\": 0, "
                                + "\"MessageAttributeNames\": [\"order.*\"]}")
                .body()
                .get("Messages")
                .get(0);
        assertThat(first.get("MessageAttributes").properties())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("order.id", "order.kind");
        assertThat(first.has("Attributes")).isFalse();

        JsonNode plain = ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}")
                .body()
                .get("Messages")
                .get(0);
        assertThat(plain.has("MessageAttributes")).isFalse();
        assertThat(plain.has("MD5OfMessageAttributes")).isFalse();
    }

    @Test
    void fifo_answersSequenceNumbers_andGroupAndDeduplicationIds() {
        String q = create("jobs.fifo", "{\"FifoQueue\": \"true\"}");
        Reply sent = ok(
                "SendMessage",
                "{\"QueueUrl\": \"" + q + "\", \"MessageBody\": \"1\", \"MessageGroupId\": \"g\", "
                        + "\"MessageDeduplicationId\": \"d1\"}");
        String sequence = sent.body().get("SequenceNumber").asText();
        assertThat(sequence).hasSize(20).containsOnlyDigits();

        JsonNode system = ok("ReceiveMessage", "{\"QueueUrl\": \"" + q + "\", \"AttributeNames\": [\"All\"]}")
                .body()
                .get("Messages")
                .get(0)
                .get("Attributes");
        assertThat(system.get("MessageGroupId").asText()).isEqualTo("g");
        assertThat(system.get("MessageDeduplicationId").asText()).isEqualTo("d1");
        assertThat(system.get("SequenceNumber").asText()).isEqualTo(sequence);
    }

    @Test
    void sendMessage_refusesWhatSqsRefuses() {
        String orders = create("orders", "{}");
        assertError(call("SendMessage", "{\"QueueUrl\": \"" + orders + "\"}"), 400, "MissingParameter");
        assertError(
                call("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"\"}"),
                400,
                "InvalidParameterValue");
        assertError(
                call("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"a\\u0000b\"}"),
                400,
                "InvalidMessageContents");
        assertError(
                call(
                        "SendMessage",
                        "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"b\", \"DelaySeconds\": 901}"),
                400,
                "InvalidParameterValue");
        assertError(
                call("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": 5}"),
                400,
                "InvalidParameterValue");
        assertError(
                call(
                        "SendMessage",
                        "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"" + "x".repeat(262_145) + "\"}"),
                400,
                "InvalidParameterValue");
        assertError(call("SendMessage", "{\"MessageBody\": \"b\"}"), 400, "MissingParameter");
    }

    @Test
    void sendMessageBatch_reportsEachEntry_andChecksTheBatch() {
        String orders = create("orders", "{}");
        JsonNode reply = ok(
                        "SendMessageBatch",
                        "{\"QueueUrl\": \"" + orders + "\", \"Entries\": ["
                                + "{\"Id\": \"ok\", \"MessageBody\": \"fine\"},"
                                + "{\"Id\": \"bad\", \"MessageBody\": \"\"},"
                                + "{\"Id\": \"grouped\", \"MessageBody\": \"x\", \"MessageGroupId\": \"g\"},"
                                + "{\"Id\": \"deduped\", \"MessageBody\": \"x\", \"MessageDeduplicationId\": \"d\"}]}")
                .body();
        // a group id on a standard queue is SQS's fairness hint, taken; a deduplication id is refused, as SQS
        assertThat(reply.get("Successful"))
                .extracting(n -> n.get("Id").asText())
                .containsExactly("ok", "grouped");
        assertThat(reply.get("Successful").get(0).get("MD5OfMessageBody").asText())
                .isEqualTo(SqsMessageAttributes.md5OfBody("fine"));
        assertThat(reply.get("Failed")).extracting(n -> n.get("Id").asText()).containsExactly("bad", "deduped");
        assertThat(reply.get("Failed").get(0).get("SenderFault").asBoolean()).isTrue();
        assertThat(reply.get("Failed").get(0).get("Code").asText()).isEqualTo("InvalidParameterValue");

        String two = "{\"Id\": \"a\", \"MessageBody\": \"x\"}";
        assertError(
                call("SendMessageBatch", "{\"QueueUrl\": \"" + orders + "\", \"Entries\": [" + two + "," + two + "]}"),
                400,
                "BatchEntryIdsNotDistinct");
        assertError(
                call(
                        "SendMessageBatch",
                        "{\"QueueUrl\": \"" + orders + "\", \"Entries\": [{\"Id\": \"a b\", \"MessageBody\": \"x\"}]}"),
                400,
                "InvalidBatchEntryId");
        assertError(
                call("SendMessageBatch", "{\"QueueUrl\": \"" + orders + "\", \"Entries\": []}"),
                400,
                "EmptyBatchRequest");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("{\"Id\": \"e").append(i).append("\", \"MessageBody\": \"x\"}");
        }
        assertError(
                call("SendMessageBatch", "{\"QueueUrl\": \"" + orders + "\", \"Entries\": [" + eleven + "]}"),
                400,
                "TooManyEntriesInBatchRequest");
        String big = "\"" + "x".repeat(150_000) + "\"";
        assertError(
                call(
                        "SendMessageBatch",
                        "{\"QueueUrl\": \"" + orders + "\", \"Entries\": [{\"Id\": \"a\", \"MessageBody\": " + big
                                + "}, {\"Id\": \"b\", \"MessageBody\": " + big + "}]}"),
                400,
                "BatchRequestTooLong");
    }

    @Test
    void deleteMessage_andItsBatch() {
        String orders = create("orders", "{}");
        ok(
                "SendMessageBatch",
                "{\"QueueUrl\": \"" + orders + "\", \"Entries\": [{\"Id\": \"1\", \"MessageBody\": \"a\"},"
                        + "{\"Id\": \"2\", \"MessageBody\": \"b\"}, {\"Id\": \"3\", \"MessageBody\": \"c\"}]}");
        JsonNode messages = ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\", \"MaxNumberOfMessages\": 10}")
                .body()
                .get("Messages");
        assertThat(messages).hasSize(3);

        ok("DeleteMessage", "{\"QueueUrl\": \"" + orders + "\", \"ReceiptHandle\": \"" + handle(messages, 0) + "\"}");
        assertError(
                call("DeleteMessage", "{\"QueueUrl\": \"" + orders + "\", \"ReceiptHandle\": \"garbage\"}"),
                400,
                "ReceiptHandleIsInvalid");
        JsonNode batch = ok(
                        "DeleteMessageBatch",
                        "{\"QueueUrl\": \"" + orders + "\", \"Entries\": ["
                                + "{\"Id\": \"x\", \"ReceiptHandle\": \"" + handle(messages, 1) + "\"},"
                                + "{\"Id\": \"y\", \"ReceiptHandle\": \"garbage\"}]}")
                .body();
        assertThat(batch.get("Successful"))
                .extracting(n -> n.get("Id").asText())
                .containsExactly("x");
        assertThat(batch.get("Failed").get(0).get("Code").asText()).isEqualTo("ReceiptHandleIsInvalid");

        clock.advance(Duration.ofSeconds(31));
        JsonNode left = ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\", \"MaxNumberOfMessages\": 10}")
                .body()
                .get("Messages");
        // the third one received, whichever it was, is the one not deleted
        assertThat(left)
                .extracting(n -> n.get("Body").asText())
                .containsExactly(messages.get(2).get("Body").asText());
    }

    @Test
    void changeMessageVisibility_andItsBatch() {
        String orders = create("orders", "{}");
        ok("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"a\"}");
        JsonNode messages = ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}")
                .body()
                .get("Messages");
        ok(
                "ChangeMessageVisibility",
                "{\"QueueUrl\": \"" + orders + "\", \"ReceiptHandle\": \"" + handle(messages, 0)
                        + "\", \"VisibilityTimeout\": 0}");
        JsonNode again = ok(
                        "ReceiveMessage",
                        "{\"QueueUrl\": \"" + orders + "\", \"AttributeNames\": [\"ApproximateReceiveCount\"]}")
                .body()
                .get("Messages");
        assertThat(again.get(0).get("Attributes").get("ApproximateReceiveCount").asText())
                .isEqualTo("2");

        JsonNode batch = ok(
                        "ChangeMessageVisibilityBatch",
                        "{\"QueueUrl\": \"" + orders + "\", \"Entries\": ["
                                + "{\"Id\": \"x\", \"ReceiptHandle\": \"" + handle(again, 0)
                                + "\", \"VisibilityTimeout\": 100},"
                                + "{\"Id\": \"y\", \"ReceiptHandle\": \"garbage\", \"VisibilityTimeout\": 10}]}")
                .body();
        assertThat(batch.get("Successful"))
                .extracting(n -> n.get("Id").asText())
                .containsExactly("x");
        assertThat(batch.get("Failed").get(0).get("Id").asText()).isEqualTo("y");
        clock.advance(Duration.ofSeconds(50));
        assertThat(ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}")
                        .body()
                        .get("Messages"))
                .isEmpty();
        assertError(
                call("ChangeMessageVisibility", "{\"QueueUrl\": \"" + orders + "\", \"ReceiptHandle\": \"h\"}"),
                400,
                "MissingParameter");
    }

    @Test
    void receiveMessage_checksItsParameters() {
        String orders = create("orders", "{}");
        assertError(
                call("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\", \"MaxNumberOfMessages\": 11}"),
                400,
                "InvalidParameterValue");
        assertError(
                call("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\", \"WaitTimeSeconds\": 21}"),
                400,
                "InvalidParameterValue");
        assertError(
                call("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\", \"AttributeNames\": \"All\"}"),
                400,
                "InvalidParameterValue");
    }

    // ---------------------------------------------------------------- the endpoint

    @Test
    void aQueueNamedByThePath_standsForAMissingQueueUrl() {
        create("orders", "{}");
        Reply sent = call("SendMessage", "{\"MessageBody\": \"by path\"}", "orders");
        assertThat(sent.status()).isEqualTo(200);
        assertThat(ok("ReceiveMessage", "{\"QueueUrl\": \"" + url("orders") + "\"}")
                        .body()
                        .get("Messages")
                        .get(0)
                        .get("Body")
                        .asText())
                .isEqualTo("by path");
    }

    @Test
    void unknownActions_malformedBodies_andWrongTypes_are400s() {
        assertError(call("ExplodeQueue", "{}"), 400, "InvalidAction");
        assertError(call("ListQueues", "{not json"), 400, "InvalidParameterValue");
        assertError(call("ListQueues", "[]"), 400, "InvalidParameterValue");
        assertError(call("GetQueueUrl", "{\"QueueName\": 7}"), 400, "InvalidParameterValue");
        assertError(call("GetQueueUrl", "{\"QueueName\": {\"a\": 1}}"), 400, "InvalidParameterValue");
    }

    @Test
    void tags_areSetOnCreate_added_listed_andRemoved() {
        String orders = ok("CreateQueue", "{\"QueueName\": \"orders\", \"tags\": {\"team\": \"a\"}}")
                .body()
                .get("QueueUrl")
                .asText();
        ok("TagQueue", "{\"QueueUrl\": \"" + orders + "\", \"Tags\": {\"cost\": \"42\"}}");
        assertThat(ok("ListQueueTags", "{\"QueueUrl\": \"" + orders + "\"}")
                        .body()
                        .get("Tags"))
                .isEqualTo(Json.parseObject("{\"team\": \"a\", \"cost\": \"42\"}"));

        ok("UntagQueue", "{\"QueueUrl\": \"" + orders + "\", \"TagKeys\": [\"team\", \"cost\"]}");
        assertThat(ok("ListQueueTags", "{\"QueueUrl\": \"" + orders + "\"}")
                        .body()
                        .has("Tags"))
                .isFalse();
        assertError(
                call("TagQueue", "{\"QueueUrl\": \"" + url("missing") + "\", \"Tags\": {\"team\": \"a\"}}"),
                400,
                "QueueDoesNotExist");
        assertError(
                call("TagQueue", "{\"QueueUrl\": \"" + orders + "\", \"Tags\": {\"aws:x\": \"a\"}}"),
                400,
                "InvalidParameterValue");
        assertError(call("UntagQueue", "{\"QueueUrl\": \"" + orders + "\"}"), 400, "MissingParameter");
    }

    @Test
    void deadLetterSources_listTheQueuesWhoseRedrivePolicyNamesIt() {
        create("dlq", "{}");
        String policy = "{\\\"deadLetterTargetArn\\\":\\\"" + URLS.arn("dlq") + "\\\",\\\"maxReceiveCount\\\":3}";
        create("b", "{\"RedrivePolicy\": \"" + policy + "\"}");
        create("a", "{\"RedrivePolicy\": \"" + policy + "\"}");
        create("c", "{}");

        JsonNode all = ok("ListDeadLetterSourceQueues", "{\"QueueUrl\": \"" + url("dlq") + "\"}")
                .body();
        assertThat(all.get("queueUrls")).extracting(JsonNode::asText).containsExactly(url("a"), url("b"));

        JsonNode first = ok("ListDeadLetterSourceQueues", "{\"QueueUrl\": \"" + url("dlq") + "\", \"MaxResults\": 1}")
                .body();
        assertThat(first.get("queueUrls")).extracting(JsonNode::asText).containsExactly(url("a"));
        JsonNode second = ok(
                        "ListDeadLetterSourceQueues",
                        "{\"QueueUrl\": \"" + url("dlq") + "\", \"MaxResults\": 1, \"NextToken\": \""
                                + first.get("NextToken").asText() + "\"}")
                .body();
        assertThat(second.get("queueUrls")).extracting(JsonNode::asText).containsExactly(url("b"));
    }

    @Test
    void redriveAllowPolicy_isReadBack_andRefusesOtherSources() {
        String allow = "{\\\"redrivePermission\\\":\\\"byQueue\\\",\\\"sourceQueueArns\\\":[\\\"" + URLS.arn("allowed")
                + "\\\"]}";
        String dlq = create("dlq", "{\"RedriveAllowPolicy\": \"" + allow + "\"}");
        JsonNode read = Json.parseObject(ok(
                        "GetQueueAttributes",
                        "{\"QueueUrl\": \"" + dlq + "\", \"AttributeNames\": [\"RedriveAllowPolicy\"]}")
                .body()
                .at("/Attributes/RedriveAllowPolicy")
                .asText());
        assertThat(read.get("redrivePermission").asText()).isEqualTo("byQueue");
        assertThat(read.get("sourceQueueArns").get(0).asText()).isEqualTo(URLS.arn("allowed"));

        String policy = "{\\\"deadLetterTargetArn\\\":\\\"" + URLS.arn("dlq") + "\\\",\\\"maxReceiveCount\\\":3}";
        create("allowed", "{\"RedrivePolicy\": \"" + policy + "\"}");
        assertError(
                call(
                        "CreateQueue",
                        "{\"QueueName\": \"other\", \"Attributes\": {\"RedrivePolicy\": \"" + policy + "\"}}"),
                400,
                "InvalidParameterValue");
    }

    @Test
    void aMessageMoveTask_movesDeadLettersBack_andIsListed() {
        create("dlq", "{}");
        String policy = "{\\\"deadLetterTargetArn\\\":\\\"" + URLS.arn("dlq") + "\\\",\\\"maxReceiveCount\\\":1}";
        String orders = create("orders", "{\"RedrivePolicy\": \"" + policy + "\", \"VisibilityTimeout\": \"0\"}");
        ok("SendMessage", "{\"QueueUrl\": \"" + orders + "\", \"MessageBody\": \"poison\"}");
        ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}");
        // the second receive finds it received maxReceiveCount times and moves it to the dead-letter queue
        ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}");

        JsonNode started = ok("StartMessageMoveTask", "{\"SourceArn\": \"" + URLS.arn("dlq") + "\"}")
                .body();
        assertThat(started.get("TaskHandle").asText()).isNotBlank();
        JsonNode task = ok("ListMessageMoveTasks", "{\"SourceArn\": \"" + URLS.arn("dlq") + "\", \"MaxResults\": 10}")
                .body()
                .at("/Results/0");
        assertThat(task.get("Status").asText()).isEqualTo("COMPLETED");
        assertThat(task.get("ApproximateNumberOfMessagesMoved").asLong()).isEqualTo(1);
        assertThat(task.get("SourceArn").asText()).isEqualTo(URLS.arn("dlq"));
        assertThat(ok("ReceiveMessage", "{\"QueueUrl\": \"" + orders + "\"}")
                        .body()
                        .at("/Messages/0/Body")
                        .asText())
                .isEqualTo("poison");

        assertError(
                call("StartMessageMoveTask", "{\"SourceArn\": \"" + URLS.arn("orders") + "\"}"),
                400,
                "InvalidParameterValue");
        assertError(call("StartMessageMoveTask", "{\"SourceArn\": \"not-an-arn\"}"), 400, "InvalidParameterValue");
        assertError(
                call("ListMessageMoveTasks", "{\"SourceArn\": \"" + URLS.arn("dlq") + "\", \"MaxResults\": 11}"),
                400,
                "InvalidParameterValue");
    }

    @Test
    void aRetriedReceiveWithTheSameAttemptId_answersTheSameMessagesAndHandles() {
        String fifo = create("jobs.fifo", "{\"FifoQueue\": \"true\"}");
        ok(
                "SendMessage",
                "{\"QueueUrl\": \"" + fifo
                        + "\", \"MessageBody\": \"one\", \"MessageGroupId\": \"g\", \"MessageDeduplicationId\": \"1\"}");
        String receive = "{\"QueueUrl\": \"" + fifo + "\", \"ReceiveRequestAttemptId\": \"a1\"}";
        JsonNode first = ok("ReceiveMessage", receive).body().at("/Messages/0");
        JsonNode retried = ok("ReceiveMessage", receive).body().at("/Messages/0");

        assertThat(retried.get("MessageId")).isEqualTo(first.get("MessageId"));
        assertThat(retried.get("ReceiptHandle")).isEqualTo(first.get("ReceiptHandle"));
    }

    @Test
    void attributesWithOneBehaviourInMq_acceptItsValue_showIt_andRefuseOthers() {
        String fifo = create(
                "jobs.fifo",
                "{\"FifoQueue\": \"true\", \"DeduplicationScope\": \"queue\", \"FifoThroughputLimit\": \"perQueue\","
                        + " \"SqsManagedSseEnabled\": \"true\"}");
        JsonNode all = ok("GetQueueAttributes", "{\"QueueUrl\": \"" + fifo + "\", \"AttributeNames\": [\"All\"]}")
                .body()
                .get("Attributes");
        assertThat(all.get("DeduplicationScope").asText()).isEqualTo("queue");
        assertThat(all.get("FifoThroughputLimit").asText()).isEqualTo("perQueue");
        assertThat(all.get("SqsManagedSseEnabled").asText()).isEqualTo("true");

        assertError(
                call(
                        "SetQueueAttributes",
                        "{\"QueueUrl\": \"" + fifo + "\", \"Attributes\": {\"DeduplicationScope\": \"messageGroup\"}}"),
                400,
                "InvalidAttributeValue");
        assertError(
                call("CreateQueue", "{\"QueueName\": \"plain\", \"Attributes\": {\"DeduplicationScope\": \"queue\"}}"),
                400,
                "InvalidAttributeName");
        assertError(
                call("CreateQueue", "{\"QueueName\": \"plain\", \"Attributes\": {\"Policy\": \"{}\"}}"),
                400,
                "InvalidAttributeName");
    }

    @Test
    void permissionsAndCancellingATask_areUnsupported() {
        assertError(call("AddPermission", "{}"), 400, "UnsupportedOperation");
        assertError(call("CancelMessageMoveTask", "{\"TaskHandle\": \"x\"}"), 400, "UnsupportedOperation");
    }

    private static String handle(JsonNode messages, int i) {
        return messages.get(i).get("ReceiptHandle").asText();
    }
}
