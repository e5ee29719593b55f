package dev.mq.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.sqs.AmazonSQS;
import com.amazonaws.services.sqs.AmazonSQSClientBuilder;
import com.amazonaws.services.sqs.model.Message;
import com.amazonaws.services.sqs.model.QueueDoesNotExistException;
import com.amazonaws.services.sqs.model.ReceiveMessageRequest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK for Java v1's real client (1.12.583, query protocol) over real HTTP, against an endpoint
 * that is nothing but {@link QueryProtocol} and canned outputs: the client's own MD5 checks of bodies, its
 * error handling and its request ids all accept what the protocol writes.
 */
class QueryProtocolClientTest {
    private static final String BODY = "line 1\r\nline 2 <&> ü";
    private final QueryProtocol protocol = new QueryProtocol();
    private final List<SqsCall> calls = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private AmazonSQS sqs;
    private String queueUrl;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        String endpoint = "http://localhost:" + server.getAddress().getPort();
        queueUrl = endpoint + "/000000000000/orders";
        sqs = AmazonSQSClientBuilder.standard()
                .withEndpointConfiguration(new EndpointConfiguration(endpoint, "us-east-1"))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials("id", "secret")))
                .build();
    }

    @AfterEach
    void stop() {
        sqs.shutdown();
        server.stop(0);
    }

    @Test
    void sendMessage_theClientChecksTheBodysDigest() {
        var result = sqs.sendMessage(queueUrl, BODY);

        assertThat(result.getMessageId()).isEqualTo("m1");
        assertThat(result.getSdkResponseMetadata().getRequestId()).isEqualTo("req-1");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.action()).isEqualTo("SendMessage");
            assertThat(call.input().get("MessageBody").asText()).isEqualTo(BODY);
        });
    }

    @Test
    void receiveMessage_bodyArrivesIntact() {
        List<Message> messages = sqs.receiveMessage(new ReceiveMessageRequest(queueUrl)
                        .withAttributeNames("All")
                        .withMaxNumberOfMessages(5))
                .getMessages();

        assertThat(messages).singleElement().satisfies(message -> {
            assertThat(message.getBody()).isEqualTo(BODY);
            assertThat(message.getAttributes()).containsEntry("ApproximateReceiveCount", "1");
        });
        assertThat(calls.get(0).input().get("MaxNumberOfMessages").asInt()).isEqualTo(5);
    }

    @Test
    void error_becomesTheSdksTypedException() {
        QueueDoesNotExistException e =
                catchThrowableOfType(QueueDoesNotExistException.class, () -> sqs.getQueueUrl("missing"));

        assertThat(e).isNotNull();
        assertThat(e.getStatusCode()).isEqualTo(400);
        assertThat(e.getErrorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
        assertThat(e.getErrorMessage()).isEqualTo("The specified queue does not exist.");
        assertThat(e.getRequestId()).isEqualTo("req-1");
    }

    private void serve(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        SqsAnswer answer;
        try {
            SqsCall call = protocol.read(null, body);
            calls.add(call);
            answer = switch (call.action()) {
                case "SendMessage" -> protocol.answer("SendMessage", sent(call), "req-1");
                case "ReceiveMessage" -> protocol.answer("ReceiveMessage", received(), "req-1");
                default ->
                    protocol.error(
                            new SqsError(
                                    400,
                                    "QueueDoesNotExist",
                                    "AWS.SimpleQueueService.NonExistentQueue",
                                    true,
                                    "The specified queue does not exist."),
                            "req-1");
            };
        } catch (SqsException e) {
            answer = protocol.error(e.error(), "req-1");
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static ObjectNode sent(SqsCall call) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("MessageId", "m1")
                .put("MD5OfMessageBody", md5(call.input().get("MessageBody").asText()));
    }

    private static ObjectNode received() {
        ObjectNode message = JsonNodeFactory.instance
                .objectNode()
                .put("MessageId", "m1")
                .put("ReceiptHandle", "rh1")
                .put("MD5OfBody", md5(BODY))
                .put("Body", BODY);
        message.putObject("Attributes").put("ApproximateReceiveCount", "1");
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.putArray("Messages").add(message);
        return output;
    }

    private static String md5(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
