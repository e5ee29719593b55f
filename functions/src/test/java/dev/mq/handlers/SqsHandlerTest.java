package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Services;
import dev.mq.testing.LocalDynamoDb;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQS function as API Gateway invokes it: queue URLs from the request, base64 bodies, queue-URL paths. */
class SqsHandlerTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final String HOST = "abc123.execute-api.eu-west-1.amazonaws.com";

    QueueService service;
    SqsHandler handler;

    @BeforeEach
    void fresh() {
        service = Services.over(db.client(), db.freshTables())
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .build()
                .queues();
        handler = new SqsHandler(service, "eu-west-1");
    }

    static APIGatewayProxyRequestEvent sqs(String action, String body, String path, String resource, String proxy) {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withRequestId("req-1")
                .withAccountId("123456789012")
                .withStage("prod")
                .withPath("/prod" + path);
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withResource(resource)
                .withPath(path)
                .withPathParameters(proxy == null ? null : Map.of("proxy", proxy))
                .withHeaders(Map.of(
                        "Host",
                        HOST,
                        "X-Forwarded-Proto",
                        "https",
                        "content-type",
                        "application/x-amz-json-1.0",
                        "x-amz-target",
                        "AmazonSQS." + action))
                .withBody(body)
                .withRequestContext(context);
    }

    @Test
    void queueUrlsAndArns_nameTheUrlTheRequestCameTo_andTheApisAccount() {
        APIGatewayProxyResponseEvent created =
                handler.handleRequest(sqs("CreateQueue", "{\"QueueName\": \"orders\"}", "/", "/", null), null);

        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(200);
        assertThat(created.getHeaders()).containsEntry("Content-Type", "application/x-amz-json-1.0");
        assertThat(created.getHeaders()).containsEntry("X-Request-Id", "req-1");
        assertThat(Json.parseObject(created.getBody()).get("QueueUrl").asText())
                .isEqualTo("https://" + HOST + "/prod/123456789012/orders");
        APIGatewayProxyResponseEvent attributes = handler.handleRequest(
                sqs(
                        "GetQueueAttributes",
                        "{\"QueueUrl\": \"https://" + HOST
                                + "/prod/123456789012/orders\", \"AttributeNames\": [\"QueueArn\"]}",
                        "/",
                        "/",
                        null),
                null);
        assertThat(Json.parseObject(attributes.getBody())
                        .get("Attributes")
                        .get("QueueArn")
                        .asText())
                .isEqualTo("arn:aws:sqs:eu-west-1:123456789012:orders");
    }

    @Test
    void aBase64Body_isDecoded() {
        String body =
                Base64.getEncoder().encodeToString("{\"QueueName\": \"orders\"}".getBytes(StandardCharsets.UTF_8));
        APIGatewayProxyResponseEvent created =
                handler.handleRequest(sqs("CreateQueue", body, "/", "/", null).withIsBase64Encoded(true), null);
        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(200);
    }

    @Test
    void aRequestToAQueueUrl_isForThatQueue() {
        service.createQueue("orders", QueueAttributes.defaults());
        APIGatewayProxyResponseEvent sent = handler.handleRequest(
                sqs(
                        "SendMessage",
                        "{\"MessageBody\": \"hi\"}",
                        "/123456789012/orders",
                        "/{proxy+}",
                        "123456789012/orders"),
                null);

        assertThat(sent.getStatusCode()).as(sent.getBody()).isEqualTo(200);
        assertThat(service.receive("orders", new ReceiveOptions(1, 0, null))).hasSize(1);
    }

    @Test
    void aPathThatIsNoQueueUrl_isNotFound() {
        APIGatewayProxyResponseEvent answer =
                handler.handleRequest(sqs("ListQueues", "{}", "/a/b/c", "/{proxy+}", "a/b/c"), null);
        assertThat(answer.getStatusCode()).isEqualTo(404);
    }

    @Test
    void anSqsError_hasSqsShape() {
        APIGatewayProxyResponseEvent answer =
                handler.handleRequest(sqs("GetQueueUrl", "{\"QueueName\": \"missing\"}", "/", "/", null), null);
        assertThat(answer.getStatusCode()).isEqualTo(400);
        assertThat(answer.getHeaders())
                .containsEntry("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
        assertThat(Json.parseObject(answer.getBody()).get("__type").asText())
                .isEqualTo("com.amazonaws.sqs#QueueDoesNotExist");
    }
}
