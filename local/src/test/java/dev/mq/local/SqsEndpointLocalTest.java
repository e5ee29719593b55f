package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The AWS SDK for Java v2's {@code SqsClient} (JSON protocol, SigV4, its MD5 checks on) against the local
 * server over HTTP: the SQS endpoint's main path and its errors as the SDK's exceptions.
 */
class SqsEndpointLocalTest {
    private static final String TOKEN = "sqs-test-token";
    private static LocalServer server;
    private static LocalServer guarded;

    @BeforeAll
    static void startServers() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        guarded = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", TOKEN));
    }

    @AfterAll
    static void stopServers() {
        server.close();
        guarded.close();
    }

    static SqsClient client(URI endpoint, String accessKeyId) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void createSendReceiveDelete_withTheSdksDigestsChecked() {
        try (SqsClient sqs = client(server.baseUrl(), "any")) {
            String url = sqs.createQueue(b -> b.queueName("sdk-orders")).queueUrl();
            assertThat(url).isEqualTo(server.baseUrl() + "/000000000000/sdk-orders");
            assertThat(sqs.getQueueUrl(b -> b.queueName("sdk-orders")).queueUrl())
                    .isEqualTo(url);

            SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(url)
                    .messageBody("hello ü")
                    .messageAttributes(Map.of(
                            "colour",
                                    MessageAttributeValue.builder()
                                            .dataType("String")
                                            .stringValue("red")
                                            .build(),
                            "count",
                                    MessageAttributeValue.builder()
                                            .dataType("Number")
                                            .stringValue("3")
                                            .build(),
                            "blob",
                                    MessageAttributeValue.builder()
                                            .dataType("Binary")
                                            .binaryValue(SdkBytes.fromUtf8String("bytes"))
                                            .build())));
            assertThat(sent.messageId()).isNotBlank();

            ReceiveMessageResponse received = sqs.receiveMessage(b -> b.queueUrl(url)
                    .maxNumberOfMessages(10)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
            assertThat(received.messages()).hasSize(1);
            var message = received.messages().get(0);
            assertThat(message.body()).isEqualTo("hello ü");
            assertThat(message.messageAttributes().get("colour").stringValue()).isEqualTo("red");
            assertThat(message.attributes()).containsKey(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);

            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
            sqs.deleteQueue(b -> b.queueUrl(url));
        }
    }

    @Test
    void aBatch_reportsItsFailedEntries_besideTheSentOnes() {
        try (SqsClient sqs = client(server.baseUrl(), "any")) {
            String url = sqs.createQueue(b -> b.queueName("sdk-batch")).queueUrl();
            SendMessageBatchResponse batch = sqs.sendMessageBatch(b -> b.queueUrl(url)
                    .entries(
                            e -> e.id("good").messageBody("fine"),
                            e -> e.id("deduplicated").messageBody("x").messageDeduplicationId("d")));

            // SQS takes a deduplication id on FIFO queues only
            assertThat(batch.successful()).extracting(r -> r.id()).containsExactly("good");
            assertThat(batch.failed()).extracting(r -> r.id()).containsExactly("deduplicated");
            assertThat(batch.failed().get(0).senderFault()).isTrue();
        }
    }

    @Test
    void aMissingQueue_isTheSdksQueueDoesNotExistException() {
        try (SqsClient sqs = client(server.baseUrl(), "any")) {
            assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName("nowhere")))
                    .isInstanceOfSatisfying(QueueDoesNotExistException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode())
                                .isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
                    });
        }
    }

    @Test
    void aRequestInNoProtocolItSpeaks_getsSqsErrorShape_notA500() throws Exception {
        HttpResponse<String> form =
                post(server.baseUrl(), "application/x-www-form-urlencoded", null, "Action=ListQueues");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<ListQueuesResponse");

        // neither JSON nor a form naming an action: read as a query request, refused in its XML shape
        HttpResponse<String> text = post(server.baseUrl(), "text/plain", null, "hello");
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(text.body()).contains("<ErrorResponse").contains("<Code>MissingAction</Code>");

        HttpResponse<String> malformed =
                post(server.baseUrl(), "application/x-amz-json-1.0", "AmazonSQS.ListQueues", "{");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("com.amazonaws.sqs#InvalidParameterValue");
    }

    @Test
    void withAToken_anUnsignedRequest_isRefusedInSqsShape() throws Exception {
        HttpResponse<String> unsigned =
                post(guarded.baseUrl(), "application/x-amz-json-1.0", "AmazonSQS.ListQueues", "{}");
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("x-amzn-query-error")).hasValue("MissingAuthenticationToken;Sender");
        assertThat(unsigned.headers().firstValue("X-Request-Id")).isPresent();
    }

    private static HttpResponse<String> post(URI base, String contentType, String target, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withAToken_theAccessKeyIdMustBeIt() {
        try (SqsClient right = client(guarded.baseUrl(), TOKEN);
                SqsClient wrong = client(guarded.baseUrl(), "not-the-token")) {
            assertThat(right.listQueues().queueUrls()).isNotNull();
            assertThatThrownBy(wrong::listQueues).isInstanceOfSatisfying(SqsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            });
        }
    }
}
