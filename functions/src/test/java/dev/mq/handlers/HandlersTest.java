package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mq.core.Consumers;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.TopicService;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handlers as Lambda runs them: a proxy event in (from the REST API, or from the HTTP API in payload
 * format 1.0, which has the same shape), a proxy response out.
 */
class HandlersTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final ObjectMapper EVENTS =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    QueueService service;
    TopicService topics;
    Consumers consumers;

    @BeforeEach
    void freshService() {
        Tables tables = db.freshTables();
        Services services = Services.over(db.client(), tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .endpoints(new EndpointPolicy(true, false))
                .build();
        service = services.queues();
        topics = services.topics();
        consumers = services.consumers();
        service.createQueue("orders", QueueAttributes.defaults());
    }

    private static APIGatewayProxyRequestEvent fixture() throws Exception {
        return event("/events/rest-proxy-send.json");
    }

    private static APIGatewayProxyRequestEvent event(String resource) throws Exception {
        try (InputStream in = HandlersTest.class.getResourceAsStream(resource)) {
            return EVENTS.readValue(in, APIGatewayProxyRequestEvent.class);
        }
    }

    private static JsonNode json(APIGatewayProxyResponseEvent response) throws Exception {
        return EVENTS.readTree(response.getBody());
    }

    @Test
    void publish_sendsTheMessage_andAnswersWithTheGatewayRequestId() throws Exception {
        APIGatewayProxyResponseEvent response = new PublishHandler(service, topics).handleRequest(fixture(), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders())
                .containsEntry("X-Request-Id", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
                .containsEntry("Content-Type", "application/json");
        assertThat(json(response).at("/results/0/messageId").asText()).isNotBlank();
        assertThat(json(response).at("/results/0/duplicate").asBoolean()).isFalse();
    }

    @Test
    void receiveThenAck_throughTheirHandlers() throws Exception {
        new PublishHandler(service, topics).handleRequest(fixture(), null);
        APIGatewayProxyRequestEvent receive = fixture()
                .withResource("/v1/queues/{queue}/receive")
                .withPath("/v1/queues/orders/receive")
                .withBody("{}");
        JsonNode received = json(new ReceiveHandler(service).handleRequest(receive, null));
        assertThat(received.at("/messages/0/body").asText()).isEqualTo("order 42 placed");
        assertThat(received.at("/messages/0/attributes/type").asText()).isEqualTo("order");

        String handle = received.at("/messages/0/receiptHandle").asText();
        APIGatewayProxyRequestEvent ack = fixture()
                .withHttpMethod("DELETE")
                .withResource("/v1/queues/{queue}/messages/{receiptHandle}")
                .withPath("/v1/queues/orders/messages/" + handle)
                .withBody(null);
        assertThat(new AckHandler(service).handleRequest(ack, null).getStatusCode())
                .isEqualTo(204);
    }

    @Test
    void clientMistake_isItsDocumentedError_neverA500() throws Exception {
        APIGatewayProxyRequestEvent bad = fixture().withBody("{\"body\": 5}");
        APIGatewayProxyResponseEvent response = new PublishHandler(service, topics).handleRequest(bad, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("InvalidRequest");
        assertThat(json(response).at("/error/message").asText()).contains("body must be a string");
        assertThat(response.getHeaders()).containsKey("X-Request-Id");
    }

    @Test
    void behindACustomDomainWithABasePath_theRouteIsTheResourceApiGatewayMatched() throws Exception {
        APIGatewayProxyRequestEvent send = event("/events/rest-proxy-send-custom-domain.json");
        assertThat(send.getPath()).startsWith("/mq/");

        APIGatewayProxyResponseEvent response = new PublishHandler(service, topics).handleRequest(send, null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        APIGatewayProxyRequestEvent receive = event("/events/rest-proxy-send-custom-domain.json")
                .withResource("/v1/queues/{queue}/receive")
                .withPath("/mq/v1/queues/orders/receive")
                .withBody("{}");
        JsonNode received = json(new ReceiveHandler(service).handleRequest(receive, null));
        assertThat(received.at("/messages/0/body").asText()).isEqualTo("order 42 placed");
    }

    @Test
    void behindACustomDomain_unknownPathsReachTheCatchAll_andAreNotFound() throws Exception {
        APIGatewayProxyRequestEvent unknown = event("/events/rest-proxy-send-custom-domain.json")
                .withHttpMethod("GET")
                .withResource(Routes.PROXY_PATH)
                .withPath("/mq/v1/nothing-here")
                .withPathParameters(Map.of("proxy", "v1/nothing-here"))
                .withBody(null);

        APIGatewayProxyResponseEvent response =
                new AdminHandler(service, topics, consumers).handleRequest(unknown, null);

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).at("/error/message").asText()).contains("/mq/v1/nothing-here");
    }

    @Test
    void httpApiPayload10_theRouteKeysPathIsTheResource_andTheRequestIsServedUnchanged() throws Exception {
        APIGatewayProxyRequestEvent send = event("/events/http-api-v1-send.json");
        assertThat(send.getResource()).isEqualTo("/v1/queues/{queue}/messages");

        APIGatewayProxyResponseEvent response = new PublishHandler(service, topics).handleRequest(send, null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("X-Request-Id", "Vb4hTjzZDoEEJ7Q=");
        APIGatewayProxyRequestEvent receive = event("/events/http-api-v1-send.json")
                .withResource("/v1/queues/{queue}/receive")
                .withPath("/v1/queues/orders/receive")
                .withBody("{}");
        JsonNode received = json(new ReceiveHandler(service).handleRequest(receive, null));
        assertThat(received.at("/messages/0/body").asText()).isEqualTo("order 42 placed");
    }

    @Test
    void httpApiDefaultRoute_unknownPath_isNotFound() throws Exception {
        APIGatewayProxyRequestEvent unknown = event("/events/http-api-v1-default-route.json");
        assertThat(unknown.getResource()).isEqualTo("$default");

        APIGatewayProxyResponseEvent response =
                new AdminHandler(service, topics, consumers).handleRequest(unknown, null);

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("NotFound");
        assertThat(json(response).at("/error/message").asText()).contains("/v1/nothing-here");
        assertThat(response.getHeaders()).containsEntry("X-Request-Id", "Vb4hUjzZDoEEJ8A=");
    }

    @Test
    void httpApi_otherMethodOnAKnownPath_isMethodNotAllowed_fromThePathsAnyRoute_orTheDefaultRoute() throws Exception {
        for (String resource : List.of("/v1/queues/{queue}", "$default")) {
            APIGatewayProxyRequestEvent post = event("/events/http-api-v1-default-route.json")
                    .withHttpMethod("POST")
                    .withResource(resource)
                    .withPath("/v1/queues/orders");

            APIGatewayProxyResponseEvent response =
                    new AdminHandler(service, topics, consumers).handleRequest(post, null);

            assertThat(response.getStatusCode()).as(resource).isEqualTo(405);
            assertThat(json(response).at("/error/code").asText()).isEqualTo("MethodNotAllowed");
        }
    }

    @Test
    void routeOfAnotherFunction_isNotServed() throws Exception {
        APIGatewayProxyRequestEvent receive = fixture()
                .withResource("/v1/queues/{queue}/receive")
                .withPath("/v1/queues/orders/receive")
                .withBody("{}");
        APIGatewayProxyResponseEvent response = new PublishHandler(service, topics).handleRequest(receive, null);
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("NotFound");
    }

    @Test
    void unreachableStore_isUnavailable_safeToRetry() throws Exception {
        var closedClient = LocalDynamoDb.client(java.net.URI.create("http://127.0.0.1:1"), null);
        QueueService offline = Services.over(closedClient, db.freshTables())
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .queues();
        APIGatewayProxyRequestEvent health = fixture()
                .withHttpMethod("GET")
                .withResource("/health")
                .withPath("/health")
                .withBody(null);

        APIGatewayProxyResponseEvent response = new AdminHandler(offline, null, null).handleRequest(health, null);
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("Unavailable");
        assertThat(response.getBody()).doesNotContain("Exception");
    }

    @Test
    void listQueues_readsQueryParameters() throws Exception {
        service.createQueue("orders-eu", QueueAttributes.defaults());
        APIGatewayProxyRequestEvent list = fixture()
                .withHttpMethod("GET")
                .withResource("/v1/queues")
                .withPath("/v1/queues")
                .withBody(null)
                .withQueryStringParameters(Map.of("prefix", "orders-", "limit", "5"));
        JsonNode body = json(new AdminHandler(service, topics, consumers).handleRequest(list, null));
        assertThat(body.at("/queues/0/name").asText()).isEqualTo("orders-eu");
        assertThat(body.get("queues")).hasSize(1);
        assertThat(body.get("next").isNull()).isTrue();
    }

    @Test
    void internalQueue_isNotListed_andEveryRequestNamingItIsRefused_whileTheServiceStillServesIt() throws Exception {
        String internal = TopicService.DELIVERY_QUEUE;
        service.createQueue(internal, QueueAttributes.defaults());
        service.send(internal, new MessageToSend("a delivery job", Map.of(), null, null, null, null));
        String path = "/v1/queues/" + internal;
        AdminHandler admin = new AdminHandler(service, topics, consumers);

        JsonNode listed = json(admin.handleRequest(request("GET", "/v1/queues", null), null));
        assertThat(listed.get("queues").findValuesAsText("name")).containsExactly("orders");

        Map<ApiHandler, List<APIGatewayProxyRequestEvent>> refused = Map.of(
                new PublishHandler(service, topics),
                List.of(request("POST", path + "/messages", "{\"body\": \"x\"}")),
                new ReceiveHandler(service),
                List.of(request("POST", path + "/receive", "{}")),
                new AckHandler(service),
                List.of(
                        request("POST", path + "/ack", "{\"receiptHandles\": [\"h\"]}"),
                        request(
                                "POST",
                                path + "/visibility",
                                "{\"receiptHandle\": \"h\", \"visibilityTimeoutSeconds\": 0}")),
                admin,
                List.of(
                        request("GET", path, null),
                        request("PUT", path, "{}"),
                        request("PATCH", path, "{\"delaySeconds\": 5}"),
                        request("DELETE", path, null),
                        request("POST", path + "/purge", null),
                        request("GET", path + "/messages", null),
                        request("POST", path + "/redrive", "{}"),
                        request(
                                "PUT",
                                "/v1/queues/other",
                                "{\"deadLetterQueue\": \"" + internal + "\", \"maxReceiveCount\": 1}"),
                        request("POST", "/v1/queues/orders/redrive", "{\"destination\": \"" + internal + "\"}")));
        refused.forEach((handler, requests) -> requests.forEach(r -> {
            APIGatewayProxyResponseEvent response = handler.handleRequest(r, null);
            assertThat(response.getStatusCode())
                    .as(r.getHttpMethod() + " " + r.getPath())
                    .isEqualTo(400);
            assertThat(response.getBody()).contains("InvalidRequest", "is reserved");
        }));

        assertThat(service.queueConfig(internal).attributes()).isEqualTo(QueueAttributes.defaults());
        assertThat(service.receive(internal, new ReceiveOptions(10, 0, null)))
                .extracting(m -> m.body())
                .containsExactly("a delivery job");
    }

    @Test
    void subscriptionWithoutAFilter_isAnsweredWithoutAScope_unlessItFiltersTheBody() throws Exception {
        topics.createTopic("t");
        AdminHandler admin = new AdminHandler(service, topics, consumers);

        JsonNode plain = json(admin.handleRequest(
                request("PUT", "/v1/topics/t/subscriptions/plain", "{\"queue\": \"orders\"}"), null));
        JsonNode body = json(admin.handleRequest(
                request("PUT", "/v1/topics/t/subscriptions/body", "{\"queue\": \"orders\", \"filterScope\": \"body\"}"),
                null));

        assertThat(plain.path("filterScope").isMissingNode()
                        || plain.path("filterScope").isNull())
                .as(plain.toString())
                .isTrue();
        assertThat(body.path("filterScope").asText()).isEqualTo("body");
    }

    private static APIGatewayProxyRequestEvent request(String method, String path, String body) throws Exception {
        // no resource: a handler invoked with only a path (as the benchmarks do) routes by the path
        return fixture()
                .withHttpMethod(method)
                .withResource(null)
                .withPathParameters(null)
                .withPath(path)
                .withBody(body)
                .withQueryStringParameters(null);
    }
}
