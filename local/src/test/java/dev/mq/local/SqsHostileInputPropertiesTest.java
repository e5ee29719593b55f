package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.model.Json;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.w3c.dom.Document;

/**
 * Hostile input against the SQS-compatible endpoint of the local server, generated (jqwik): malformed
 * JSON and forms, unknown actions, wrong types, invalid UTF-8, forged receipt handles, and messages SQS
 * refuses. Every answer is a 4xx in SQS's error shape of the request's protocol (never a 5xx), and a
 * refused request changes nothing: the leased message of "target" stays stored and leased, and nothing
 * refused is ever stored in "sink".
 */
class SqsHostileInputPropertiesTest {
    static final String ACCOUNT = "000000000000";
    static final List<String> ACTIONS = List.of(
            "CreateQueue",
            "GetQueueUrl",
            "ListQueues",
            "DeleteQueue",
            "GetQueueAttributes",
            "SetQueueAttributes",
            "PurgeQueue",
            "SendMessage",
            "SendMessageBatch",
            "ReceiveMessage",
            "DeleteMessage",
            "DeleteMessageBatch",
            "ChangeMessageVisibility",
            "ChangeMessageVisibilityBatch",
            "TagQueue",
            "UntagQueue",
            "ListQueueTags",
            "ListDeadLetterSourceQueues",
            "StartMessageMoveTask",
            "ListMessageMoveTasks",
            "NoSuchAction",
            "",
            "sendmessage");
    static final List<String> FIELDS = List.of(
            "QueueName",
            "QueueUrl",
            "Attributes",
            "AttributeNames",
            "MessageBody",
            "MessageAttributes",
            "Entries",
            "ReceiptHandle",
            "MaxNumberOfMessages",
            "WaitTimeSeconds",
            "VisibilityTimeout",
            "DelaySeconds",
            "MessageGroupId",
            "MessageDeduplicationId",
            "Tags",
            "TagKeys",
            "SourceArn",
            "DestinationArn",
            "MaxResults",
            "NextToken");

    static LocalServer server;
    static HttpClient http;
    static String validHandle;
    static String otherQueueHandle;

    @BeforeContainer
    static void start() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        http = HttpClient.newHttpClient();
        v1("PUT", "/v1/queues/target", "{}");
        v1("PUT", "/v1/queues/elsewhere", "{}");
        v1("PUT", "/v1/queues/sink", "{}");
        v1("POST", "/v1/queues/elsewhere/messages", "{\"body\":\"theirs\"}");
        otherQueueHandle = Json.parseObject(
                        v1("POST", "/v1/queues/elsewhere/receive", "{\"visibilityTimeoutSeconds\":3600}")
                                .body())
                .at("/messages/0/receiptHandle")
                .asText();
        v1("POST", "/v1/queues/target/messages", "{\"body\":\"keep me\"}");
        // leased for an hour: a refused delete or visibility change must leave it leased and stored
        validHandle = Json.parseObject(v1("POST", "/v1/queues/target/receive", "{\"visibilityTimeoutSeconds\":3600}")
                        .body())
                .at("/messages/0/receiptHandle")
                .asText();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 300)
    void anyJsonBody_forAnyAction_isNeverA5xx_andAlwaysSqsJsonErrorShape(
            @ForAll("actions") String action, @ForAll("hostileJsonBodies") byte[] body) throws Exception {
        HttpResponse<String> response = json(action, body);

        assertJsonAnswer(response);
        assertTargetUntouched();
    }

    @Property(tries = 300)
    void anyFormBody_onTheRootOrAQueueUrl_isNeverA5xx_andAlwaysSqsXmlErrorShape(
            @ForAll("queryPaths") String path, @ForAll("hostileForms") byte[] body) throws Exception {
        HttpResponse<String> response = send(path, "application/x-www-form-urlencoded", null, body);

        assertXmlAnswer(response);
        assertTargetUntouched();
    }

    @Property(tries = 150)
    void forgedModifiedOrForeignHandles_neitherDeleteNorChangeVisibility(@ForAll("hostileHandles") String handle)
            throws Exception {
        String target = queueUrl("target");
        HttpResponse<String> delete =
                json("DeleteMessage", Json.write(Map.of("QueueUrl", target, "ReceiptHandle", handle)));
        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(400);
        assertThat(errorType(delete)).endsWith("ReceiptHandleIsInvalid");

        HttpResponse<String> change = json(
                "ChangeMessageVisibility",
                Json.write(Map.of("QueueUrl", target, "ReceiptHandle", handle, "VisibilityTimeout", 0)));
        assertThat(change.statusCode()).as(change.body()).isEqualTo(400);
        assertThat(errorType(change)).endsWith("ReceiptHandleIsInvalid");

        HttpResponse<String> batch = json(
                "DeleteMessageBatch",
                Json.write(Map.of("QueueUrl", target, "Entries", List.of(Map.of("Id", "a", "ReceiptHandle", handle)))));
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(Json.parseObject(batch.body()).at("/Failed/0/Code").asText()).isEqualTo("ReceiptHandleIsInvalid");
        assertTargetUntouched();
    }

    @Property(tries = 100)
    void aMessageSqsRefuses_isNeverStored(@ForAll("refusedMessages") Map<String, Object> message) throws Exception {
        Map<String, Object> single = new java.util.HashMap<>(message);
        single.put("QueueUrl", queueUrl("sink"));
        HttpResponse<String> sent = json("SendMessage", Json.write(single));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(400);
        assertJsonAnswer(sent);

        Map<String, Object> entry = new java.util.HashMap<>(message);
        entry.put("Id", "only");
        HttpResponse<String> batch =
                json("SendMessageBatch", Json.write(Map.of("QueueUrl", queueUrl("sink"), "Entries", List.of(entry))));
        assertThat(batch.statusCode()).as(batch.body()).isLessThan(500);
        if (batch.statusCode() == 200) {
            assertThat(Json.parseObject(batch.body()).path("Successful")).isEmpty();
        }
        assertThat(storedBodies("sink")).isEmpty();
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<String> actions() {
        return Arbitraries.of(ACTIONS);
    }

    @Provide
    Arbitrary<String> queryPaths() {
        return Arbitraries.of("/", "/" + ACCOUNT + "/elsewhere", "/" + ACCOUNT + "/missing", "/123456789012/elsewhere");
    }

    @Provide
    Arbitrary<byte[]> hostileJsonBodies() {
        Arbitrary<String> values = Arbitraries.of(
                "null",
                "-1",
                "1e309",
                "\"\"",
                "[]",
                "{}",
                "true",
                "\"x\"",
                "99999999999999999999",
                "\"../../etc/passwd\"",
                "[{}]",
                "{\"a\":[]}",
                "\"" + queueUrlText("elsewhere") + "\"",
                "\"" + queueUrlText("missing") + "\"",
                "\"http://evil.example/" + ACCOUNT + "/elsewhere\"",
                "\"arn:aws:sqs:us-east-1:" + ACCOUNT + ":elsewhere\"",
                "[{\"Id\":\"a\"},{\"Id\":\"a\"}]",
                "{\"n\":{\"DataType\":\"Number\",\"StringValue\":\"x\"}}",
                "{\"b\":{\"DataType\":\"Binary\",\"BinaryValue\":\"%%%\"}}",
                "{\"s\":{\"DataType\":\"Strange\",\"StringValue\":\"v\"}}");
        Arbitrary<String> oneField =
                Combinators.combine(Arbitraries.of(FIELDS), values).as((f, v) -> "{\"" + f + "\":" + v + "}");
        Arbitrary<String> twoFields = Combinators.combine(
                        Arbitraries.of(FIELDS), values, Arbitraries.of(FIELDS), values)
                .as((f, v, g, w) -> "{\"" + f + "\":" + v + ",\"" + g + "\":" + w + "}");
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings()
                        .withChars("{}[]\":,0123456789truefalsenull \\u")
                        .ofMaxLength(120),
                Arbitraries.integers().between(1, 5000).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
                Arbitraries.integers().between(1, 200).map(depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)),
                oneField,
                twoFields,
                Arbitraries.of("{\"QueueName\":\"a\",\"QueueName\":\"b\"}", "{} trailing", "{'QueueName':'x'}", ""));
        return Arbitraries.oneOf(text.map(s -> s.getBytes(StandardCharsets.UTF_8)), invalidUtf8());
    }

    @Provide
    Arbitrary<byte[]> hostileForms() {
        Arbitrary<String> pair = Combinators.combine(
                        Arbitraries.oneOf(
                                Arbitraries.of(
                                        "QueueName",
                                        "QueueUrl",
                                        "MessageBody",
                                        "ReceiptHandle",
                                        "Attribute.1.Name",
                                        "Attribute.1.Value",
                                        "AttributeName.1",
                                        "MessageAttribute.1.Name",
                                        "MessageAttribute.1.Value.DataType",
                                        "MessageAttribute.1.Value.StringValue",
                                        "SendMessageBatchRequestEntry.1.Id",
                                        "SendMessageBatchRequestEntry.1.MessageBody",
                                        "DeleteMessageBatchRequestEntry.1.ReceiptHandle",
                                        "MaxNumberOfMessages",
                                        "VisibilityTimeout",
                                        "Tag.1.Key",
                                        "TagKey.1",
                                        "Version",
                                        "Attribute.0.Name",
                                        "Attribute.99999999999.Name",
                                        "MessageAttribute..Name"),
                                Arbitraries.strings().ofMaxLength(30)),
                        Arbitraries.oneOf(
                                Arbitraries.of(
                                        "",
                                        "-1",
                                        "x",
                                        "99999999999999999999",
                                        "%",
                                        "%zz",
                                        "%C3%28",
                                        "VisibilityTimeout",
                                        "All",
                                        queueUrlText("elsewhere"),
                                        queueUrlText("missing")),
                                Arbitraries.strings().ofMaxLength(60)))
                .as((k, v) -> k + "=" + v);
        Arbitrary<String> form = Combinators.combine(
                        Arbitraries.of(ACTIONS.stream()
                                .filter(a -> !a.equals("DeleteQueue") && !a.equals("PurgeQueue"))
                                .toList()),
                        pair.list().ofMaxSize(6))
                .as((action, pairs) -> "Action=" + action + (pairs.isEmpty() ? "" : "&" + String.join("&", pairs)));
        Arbitrary<String> odd = Arbitraries.of("", "Action", "Action=", "=&=&", "Version=2012-11-05", "Action=%");
        return Arbitraries.oneOf(
                form.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                odd.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                invalidUtf8());
    }

    @Provide
    Arbitrary<String> hostileHandles() {
        Arbitrary<String> modified = Arbitraries.integers()
                .between(0, validHandle.length() - 1)
                .map(i -> validHandle.substring(0, i)
                        + (validHandle.charAt(i) == 'A' ? 'B' : 'A')
                        + validHandle.substring(i + 1));
        Arbitrary<String> forged =
                Arbitraries.strings().withCharRange('A', 'z').ofMinLength(1).ofMaxLength(300);
        return Arbitraries.oneOf(
                modified,
                forged,
                Arbitraries.just(otherQueueHandle),
                Arbitraries.just(validHandle + "x"),
                Arbitraries.just(validHandle.substring(1)));
    }

    /** Messages SQS refuses at send time: an empty or oversized body, forbidden characters, bad attributes. */
    @Provide
    Arbitrary<Map<String, Object>> refusedMessages() {
        return Arbitraries.of(
                Map.of("MessageBody", ""),
                Map.of("MessageBody", "x".repeat(262_145)),
                Map.of("MessageBody", "nul \u0000 inside"),
                Map.of("MessageBody", "bad \uFFFE char"),
                Map.of("MessageBody", "a", "DelaySeconds", 901),
                Map.of("MessageBody", "a", "DelaySeconds", -1),
                Map.of("MessageBody", "a", "MessageDeduplicationId", "d"),
                Map.of(
                        "MessageBody",
                        "a",
                        "MessageAttributes",
                        Map.of("n", Map.of("DataType", "Number", "StringValue", "not a number"))),
                Map.of(
                        "MessageBody",
                        "a",
                        "MessageAttributes",
                        Map.of("s", Map.of("DataType", "Strange", "StringValue", "v"))),
                Map.of("MessageBody", "a", "MessageAttributes", Map.of("s", Map.of("DataType", "String"))),
                Map.of(
                        "MessageBody",
                        "a",
                        "MessageAttributes",
                        Map.of("s", Map.of("DataType", "String", "StringValue", "y".repeat(262_144)))),
                Map.of(
                        "MessageBody",
                        "a",
                        "MessageAttributes",
                        Map.of("AWS.reserved", Map.of("DataType", "String", "StringValue", "v"))));
    }

    private static Arbitrary<byte[]> invalidUtf8() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(64)
                .map(bytes -> {
                    byte[] withBad = Arrays.copyOf(bytes, bytes.length + 2);
                    withBad[bytes.length] = (byte) 0xC3;
                    withBad[bytes.length + 1] = (byte) 0x28; // a broken two-byte sequence
                    return withBad;
                });
    }

    // ---------------------------------------------------------------- checks

    /** A JSON-protocol answer: under 500, and an error is SQS's JSON error with a person's message. */
    private static void assertJsonAnswer(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(errorType(response)).as(response.body()).isNotBlank();
            JsonNode error = Json.parseObject(response.body());
            String message = error.hasNonNull("message")
                    ? error.get("message").asText()
                    : error.path("Message").asText();
            assertReadable(message);
        }
    }

    /** A query-protocol answer: under 500, and an error is SQS's XML ErrorResponse with code and message. */
    private static void assertXmlAnswer(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() >= 400) {
            Document xml = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
            assertThat(xml.getDocumentElement().getTagName()).isEqualTo("ErrorResponse");
            assertThat(xml.getElementsByTagName("Code").item(0).getTextContent())
                    .isNotBlank();
            assertReadable(xml.getElementsByTagName("Message").item(0).getTextContent());
        }
    }

    private static void assertReadable(String message) {
        assertThat(message).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static String errorType(HttpResponse<String> response) {
        return Json.parseObject(response.body()).path("__type").asText();
    }

    /** The one message of "target" is still stored and still leased. */
    private static void assertTargetUntouched() throws Exception {
        List<String> states = StreamSupport.stream(browse("target").spliterator(), false)
                .filter(m -> m.get("body").asText().equals("keep me"))
                .map(m -> m.get("state").asText())
                .toList();
        assertThat(states).containsExactly("inFlight");
    }

    private static List<String> storedBodies(String queue) throws Exception {
        return StreamSupport.stream(browse(queue).spliterator(), false)
                .map(m -> m.get("body").asText())
                .toList();
    }

    private static JsonNode browse(String queue) throws Exception {
        return Json.parseObject(
                        v1("GET", "/v1/queues/" + queue + "/messages", null).body())
                .get("messages");
    }

    private static String queueUrl(String queue) {
        return queueUrlText(queue);
    }

    private static String queueUrlText(String queue) {
        return server.baseUrl() + "/" + ACCOUNT + "/" + queue;
    }

    private static HttpResponse<String> json(String action, String body) throws Exception {
        return json(action, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> json(String action, byte[] body) throws Exception {
        return send("/", "application/x-amz-json-1.0", "AmazonSQS." + action, body);
    }

    private static HttpResponse<String> send(String path, String contentType, String target, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType);
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> v1(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
