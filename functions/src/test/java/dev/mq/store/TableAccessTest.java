package dev.mq.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mq.core.Consumers;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueMetrics;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicService;
import dev.mq.delivery.DeliveryWorker;
import dev.mq.delivery.EndpointDeliverer;
import dev.mq.delivery.PushDelivery;
import dev.mq.delivery.PushInvoker;
import dev.mq.delivery.PushScheduler;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.AckHandler;
import dev.mq.handlers.AdminHandler;
import dev.mq.handlers.ApiHandler;
import dev.mq.handlers.PublishHandler;
import dev.mq.handlers.PushHandler;
import dev.mq.handlers.ReceiveHandler;
import dev.mq.handlers.SqsHandler;
import dev.mq.model.Json;
import dev.mq.store.TableAccess.Table;
import dev.mq.testing.CountsFeed;
import dev.mq.testing.LocalDynamoDb;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Runs every function's operations against DynamoDB Local and records the IAM action and table of each
 * call (a transaction is checked per item, as IAM does). What a function calls must be granted, or it
 * fails with AccessDenied in AWS; what it is granted must be called, or the grant is wider than needed.
 */
class TableAccessTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:work";

    Tables tables;
    /** Counts the messages' writes before stats are read, as the counter's event source would. */
    CountsFeed feed;

    HttpServer failingEndpoint;
    final Map<Table, Set<String>> observed = new EnumMap<>(Table.class);

    @BeforeEach
    void setUp() throws Exception {
        tables = db.freshTables();
        feed = new CountsFeed(db, tables);
        failingEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failingEndpoint.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        failingEndpoint.start();
        // the world every function works in, made without recording
        Services setup = services(db.client());
        call(new AdminHandler(setup.queues, setup.topics, setup.consumers), "PUT", "/v1/queues/orders-dlq", "{}");
        call(
                new AdminHandler(setup.queues, setup.topics, setup.consumers),
                "PUT",
                "/v1/queues/orders",
                "{\"deadLetterQueue\":\"orders-dlq\",\"maxReceiveCount\":1}");
        call(new AdminHandler(setup.queues, setup.topics, setup.consumers), "PUT", "/v1/topics/t", null);
        call(
                new AdminHandler(setup.queues, setup.topics, setup.consumers),
                "PUT",
                "/v1/topics/t/subscriptions/copy",
                "{\"queue\":\"orders\"}");
        call(
                new AdminHandler(setup.queues, setup.topics, setup.consumers),
                "PUT",
                "/v1/topics/t/subscriptions/hook",
                "{\"endpoint\":\"http://127.0.0.1:"
                        + failingEndpoint.getAddress().getPort()
                        + "/hook\",\"secret\":\"k\",\"deadLetterQueue\":\"orders-dlq\"}");
        call(
                new AdminHandler(setup.queues, setup.topics, setup.consumers),
                "PUT",
                "/v1/queues/orders/consumers/push",
                "{\"endpoint\":\"http://127.0.0.1:"
                        + failingEndpoint.getAddress().getPort()
                        + "/hook\",\"secret\":\"k\"}");
        Thread.sleep(2); // messages published after the subscriptions were created
    }

    @AfterEach
    void stop() {
        failingEndpoint.stop(0);
    }

    @Test
    void publish() {
        Services s = recording();
        PublishHandler publish = new PublishHandler(s.queues, s.topics);
        call(publish, "POST", "/v1/queues/orders/messages", "{\"body\":\"one\"}");
        call(publish, "POST", "/v1/queues/orders/messages", "{\"messages\":[{\"body\":\"a\"},{\"body\":\"b\"}]}");
        call(publish, "POST", "/v1/queues/orders/messages", "{\"body\":\"d\",\"deduplicationId\":\"d-1\"}");
        call(publish, "POST", "/v1/topics/t/messages", "{\"body\":\"news\"}");
        call(publish, "POST", "/v1/topics/t/messages", "{\"body\":\"news\",\"deduplicationId\":\"n-1\"}");
        assertGranted(DeployedFunction.PUBLISH);
    }

    @Test
    void receive() {
        send("poison");
        call(
                new AdminHandler(
                        services(db.client()).queues, services(db.client()).topics, services(db.client()).consumers),
                "PUT",
                "/v1/queues/orders.fifo",
                "{}");
        services(db.client()).queues.send("orders.fifo", new MessageToSend("f", Map.of(), null, null, null, "g"));
        Services s = recording();
        ReceiveHandler receive = new ReceiveHandler(s.queues);
        call(receive, "POST", "/v1/queues/orders/receive", "{\"visibilityTimeoutSeconds\":0}");
        call(receive, "POST", "/v1/queues/orders/receive", "{\"waitSeconds\":1}"); // dead-letters "poison"
        call(receive, "POST", "/v1/queues/orders.fifo/receive", "{}"); // a FIFO lease is in place
        assertGranted(DeployedFunction.RECEIVE);
    }

    @Test
    void ack() {
        send("a");
        send("b");
        send("c");
        Services plain = services(db.client());
        // one at a time: the first two leases stay in place, the third is past the hidden budget and parks
        List<String> handles = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handles.addAll(plain.queues.receive("orders", new ReceiveOptions(1, null, null)).stream()
                    .map(m -> m.receiptHandle())
                    .toList());
        }
        assertThat(handles).hasSize(3);
        Services s = recording();
        AckHandler ack = new AckHandler(s.queues);
        call(ack, "POST", "/v1/queues/orders/ack", Json.write(Map.of("receiptHandles", List.of(handles.get(0)))));
        call(ack, "DELETE", "/v1/queues/orders/messages/" + handles.get(1), null);
        call(
                ack,
                "POST",
                "/v1/queues/orders/visibility", // longer: in place
                Json.write(Map.of("receiptHandle", handles.get(2), "visibilityTimeoutSeconds", 600)));
        call(
                ack,
                "POST",
                "/v1/queues/orders/visibility", // sooner: parked sooner
                Json.write(Map.of("receiptHandle", handles.get(2), "visibilityTimeoutSeconds", 0)));
        call(ack, "DELETE", "/v1/queues/orders/messages/" + handles.get(0), null); // gone: reads its lease note
        assertGranted(DeployedFunction.ACK);
    }

    @Test
    void admin() {
        send("x");
        Services plain = services(db.client());
        plain.queues.receive("orders", new ReceiveOptions(1, null, 0));
        plain.queues.receive("orders", new ReceiveOptions(1, null, null)); // "x" is dead-lettered
        Services s = recording();
        AdminHandler admin = new AdminHandler(s.queues, s.topics, s.consumers);
        call(admin, "GET", "/health", null);
        call(admin, "PUT", "/v1/queues/work", "{}");
        call(admin, "PATCH", "/v1/queues/work", "{\"delaySeconds\":1}");
        call(admin, "GET", "/v1/queues/orders", null);
        call(admin, "GET", "/v1/queues", null);
        call(admin, "GET", "/v1/queues/orders/messages", null);
        call(admin, "POST", "/v1/queues/orders-dlq/redrive", "{}");
        call(admin, "POST", "/v1/queues/orders/purge", null);
        call(admin, "PUT", "/v1/queues/work/consumers/c", "{\"function\":\"" + FUNCTION + "\"}");
        call(admin, "PUT", "/v1/queues/work/consumers/c", "{\"function\":\"" + FUNCTION + "\"}");
        call(admin, "GET", "/v1/queues/work/consumers/c", null);
        call(admin, "GET", "/v1/queues/work/consumers", null);
        call(admin, "DELETE", "/v1/queues/work/consumers/c", null);
        call(admin, "PUT", "/v1/queues/work/consumers/d", "{\"function\":\"" + FUNCTION + "\"}");
        call(admin, "DELETE", "/v1/queues/work", null); // and its consumer d
        call(admin, "PUT", "/v1/topics/news", null);
        call(admin, "GET", "/v1/topics/news", null);
        call(admin, "GET", "/v1/topics", null);
        call(admin, "PUT", "/v1/topics/news/subscriptions/s", "{\"queue\":\"orders\"}");
        call(admin, "GET", "/v1/topics/news/subscriptions/s", null);
        call(admin, "GET", "/v1/topics/news/subscriptions", null);
        call(admin, "DELETE", "/v1/topics/news/subscriptions/s", null);
        call(admin, "DELETE", "/v1/topics/news", null);
        assertGranted(DeployedFunction.ADMIN);
    }

    @Test
    void fanout() {
        Services s = recording();
        String incarnation = s.topicStore.getTopic("t").orElseThrow().incarnation();
        s.topics.fanOut(List.of(new TopicMessage("t", incarnation, "m-1", "hello", Map.of(), Instant.now())));
        assertGranted(DeployedFunction.FANOUT);
    }

    @Test
    void delivery() throws Exception {
        Services plain = services(db.client());
        String incarnation = plain.topicStore.getTopic("t").orElseThrow().incarnation();
        for (int i = 1; i <= 12; i++) {
            plain.topics.fanOut(
                    List.of(new TopicMessage("t", incarnation, "m-" + i, "hello", Map.of(), Instant.now())));
        }
        // ten jobs held in flight in place: the worker's receive leases one more in place and parks the last
        assertThat(plain.queues.receive(TopicService.DELIVERY_QUEUE, new ReceiveOptions(10, 0, 600)))
                .hasSize(10);
        Services s = recording();
        // the endpoint fails: a retry due in a second, sooner than the job's lease ends, parks the job sooner
        DeliveryWorker.Settings soonRetry =
                new DeliveryWorker.Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 0);
        new DeliveryWorker(s.topics, s.queues, new EndpointDeliverer(), soonRetry).pollOnce(0);
        // a retry due later than the lease ends changes the job in place
        Thread.sleep(1_100);
        DeliveryWorker.Settings lateRetry =
                new DeliveryWorker.Settings(Duration.ofMinutes(10), Duration.ofMinutes(10), 3, 0);
        new DeliveryWorker(s.topics, s.queues, new EndpointDeliverer(), lateRetry).drain(() -> true);
        assertThat(plain.queues.getQueue(TopicService.DELIVERY_QUEUE).stats().inFlight())
                .isEqualTo(12);
        // push delivery finds the consumers of a queue a message arrived in, and all of them in its sweep
        assertThat(s.consumers.directory().consumersOf("orders")).hasSize(1);
        assertThat(s.consumers.directory().all()).hasSize(1);
        assertGranted(DeployedFunction.DELIVERY);
    }

    @Test
    void push() throws Exception {
        Services plain = services(db.client());
        AdminHandler admin = new AdminHandler(plain.queues, plain.topics, plain.consumers);
        call(
                admin,
                "PUT",
                "/v1/queues/work",
                "{\"visibilityTimeoutSeconds\":1,\"deadLetterQueue\":\"orders-dlq\",\"maxReceiveCount\":1}");
        call(admin, "PUT", "/v1/queues/work/consumers/c", "{\"function\":\"" + FUNCTION + "\"}");
        for (String body : List.of("a", "b", "c")) {
            plain.queues.send("work", MessageToSend.of(body));
        }
        Services s = recording();
        // the function fails its first record: the others are acknowledged, that one comes back and, past
        // maxReceiveCount, is dead-lettered by the next round's lease
        PushInvoker failsFirst = (consumer, event) -> {
            String first = Json.parseObject(new String(event, StandardCharsets.UTF_8))
                    .get("Records")
                    .get(0)
                    .get("messageId")
                    .asText();
            return new PushInvoker.Result.Answered(
                    Json.write(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", first))))
                            .getBytes(StandardCharsets.UTF_8));
        };
        PushDelivery delivery = new PushDelivery(
                s.queues,
                (consumer, event) -> new PushInvoker.Result.Failed("no endpoints here"),
                failsFirst,
                PushDelivery.EventSource.local(),
                Clock.systemUTC());
        try (PushScheduler scheduler = new PushScheduler(s.consumers.directory(), delivery)) {
            PushHandler push = new PushHandler(scheduler, Clock.systemUTC());
            push.handleRequest(new DynamodbEvent(), null); // the schedule's event: no records, a sweep
            Thread.sleep(1_100);
            push.handleRequest(new DynamodbEvent(), null);
        }
        assertThat(plain.queues.getQueue("orders-dlq").stats().visible()).isEqualTo(1);
        assertGranted(DeployedFunction.PUSH);
    }

    @Test
    void metrics() {
        send("x");
        Services s = recording();
        new QueueMetrics(s.queues).snapshot();
        assertGranted(DeployedFunction.METRICS);
    }

    @Test
    void counts() {
        send("a");
        services(db.client()).queues.receive("orders", new ReceiveOptions(1, null, null));
        List<MessageCounts.Change> batch = feed.read();
        DynamoDbClient client = LocalDynamoDb.client(
                db.endpoint(),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(new Recorder())
                        .build());
        MessageCounts counts = new MessageCounts(client, tables);
        counts.read("priming"); // what its SnapStart priming asks
        counts.count(batch, Instant.now());
        counts.count(batch, Instant.now()); // delivered again: the failed condition says what was counted
        assertGranted(DeployedFunction.COUNTS);
    }

    @Test
    void sqs() {
        send("x");
        Services plain = services(db.client());
        plain.queues.receive("orders", new ReceiveOptions(1, null, 0));
        plain.queues.receive("orders", new ReceiveOptions(1, null, null)); // "x" is dead-lettered
        Services s = recording();
        SqsHandler sqs = new SqsHandler(s.queues, "us-east-1");
        String base = "http://localhost/000000000000/";
        String dlqArn = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";
        sqs(sqs, "ListQueues", "{}");
        sqs(sqs, "CreateQueue", "{\"QueueName\": \"work\", \"tags\": {\"team\": \"a\"}}");
        sqs(sqs, "GetQueueUrl", "{\"QueueName\": \"work\"}");
        sqs(
                sqs,
                "SetQueueAttributes",
                "{\"QueueUrl\": \"" + base + "work\", \"Attributes\": {\"DelaySeconds\": \"0\"}}");
        sqs(sqs, "GetQueueAttributes", "{\"QueueUrl\": \"" + base + "work\", \"AttributeNames\": [\"All\"]}");
        sqs(sqs, "TagQueue", "{\"QueueUrl\": \"" + base + "work\", \"Tags\": {\"cost\": \"1\"}}");
        sqs(sqs, "UntagQueue", "{\"QueueUrl\": \"" + base + "work\", \"TagKeys\": [\"cost\"]}");
        sqs(sqs, "ListQueueTags", "{\"QueueUrl\": \"" + base + "work\"}");
        sqs(sqs, "SendMessage", "{\"QueueUrl\": \"" + base + "work\", \"MessageBody\": \"a\"}");
        sqs(
                sqs,
                "SendMessageBatch",
                "{\"QueueUrl\": \"" + base + "work\", \"Entries\": [{\"Id\": \"1\", \"MessageBody\": \"b\"}]}");
        JsonNode received = Json.parseObject(sqs(
                        sqs,
                        "ReceiveMessage",
                        "{\"QueueUrl\": \"" + base + "work\", \"MaxNumberOfMessages\": 2, \"VisibilityTimeout\": 60}")
                .getBody());
        String first = received.at("/Messages/0/ReceiptHandle").asText();
        String second = received.at("/Messages/1/ReceiptHandle").asText();
        sqs(
                sqs,
                "ChangeMessageVisibility",
                "{\"QueueUrl\": \"" + base + "work\", \"ReceiptHandle\": \"" + first + "\", \"VisibilityTimeout\": 5}");
        sqs(
                sqs,
                "ChangeMessageVisibilityBatch",
                "{\"QueueUrl\": \"" + base + "work\", \"Entries\": [{\"Id\": \"1\", \"ReceiptHandle\": \"" + second
                        + "\", \"VisibilityTimeout\": 5}]}");
        sqs(sqs, "DeleteMessage", "{\"QueueUrl\": \"" + base + "work\", \"ReceiptHandle\": \"" + first + "\"}");
        sqs(
                sqs,
                "DeleteMessageBatch",
                "{\"QueueUrl\": \"" + base + "work\", \"Entries\": [{\"Id\": \"1\", \"ReceiptHandle\": \"" + second
                        + "\"}]}");
        sqs(sqs, "CreateQueue", "{\"QueueName\": \"jobs.fifo\", \"Attributes\": {\"FifoQueue\": \"true\"}}");
        sqs(
                sqs,
                "SendMessage",
                "{\"QueueUrl\": \"" + base
                        + "jobs.fifo\", \"MessageBody\": \"c\", \"MessageGroupId\": \"g\", \"MessageDeduplicationId\": \"d\"}");
        String attempt = "{\"QueueUrl\": \"" + base + "jobs.fifo\", \"ReceiveRequestAttemptId\": \"r1\"}";
        sqs(sqs, "ReceiveMessage", attempt);
        sqs(sqs, "ReceiveMessage", attempt); // the same messages again, read back by the attempt's record
        sqs(sqs, "ListDeadLetterSourceQueues", "{\"QueueUrl\": \"" + base + "orders-dlq\"}");
        sqs(sqs, "StartMessageMoveTask", "{\"SourceArn\": \"" + dlqArn + "\"}");
        sqs(sqs, "ListMessageMoveTasks", "{\"SourceArn\": \"" + dlqArn + "\"}");
        sqs(sqs, "PurgeQueue", "{\"QueueUrl\": \"" + base + "jobs.fifo\"}");
        sqs(sqs, "DeleteQueue", "{\"QueueUrl\": \"" + base + "work\"}");
        assertGranted(DeployedFunction.SQS);
    }

    /** One SQS JSON-protocol request through the SQS function's handler, answered 200. */
    private static APIGatewayProxyResponseEvent sqs(SqsHandler handler, String action, String body) {
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                new APIGatewayProxyRequestEvent()
                        .withHttpMethod("POST")
                        .withPath("/")
                        .withResource("/")
                        .withHeaders(Map.of(
                                "Host",
                                "localhost",
                                "X-Amz-Target",
                                "AmazonSQS." + action,
                                "Content-Type",
                                "application/x-amz-json-1.0"))
                        .withBody(body),
                null);
        assertThat(response.getStatusCode())
                .as(action + ": " + response.getBody())
                .isEqualTo(200);
        return response;
    }

    // ---------------------------------------------------------------- helpers

    private void assertGranted(DeployedFunction function) {
        assertThat(observed)
                .as("the DynamoDB actions %s calls, per table", function)
                .isEqualTo(TableAccess.of(function).entrySet().stream()
                        .collect(
                                () -> new EnumMap<Table, Set<String>>(Table.class),
                                (m, e) -> m.put(e.getKey(), new TreeSet<>(e.getValue())),
                                Map::putAll));
    }

    private void send(String body) {
        services(db.client()).queues.send("orders", MessageToSend.of(body));
    }

    private static APIGatewayProxyResponseEvent call(ApiHandler handler, String method, String path, String body) {
        APIGatewayProxyResponseEvent response = handler.handleRequest(
                new APIGatewayProxyRequestEvent()
                        .withHttpMethod(method)
                        .withPath(path)
                        .withBody(body),
                null);
        assertThat(response.getStatusCode())
                .as(method + " " + path + ": " + response.getBody())
                .isLessThan(300);
        return response;
    }

    private record Services(
            QueueService queues, DynamoDbTopicStore topicStore, TopicService topics, Consumers consumers) {}

    private Services services(DynamoDbClient client) {
        // one shard per queue: whether a lease stays in place or parks depends only on what the test leased before
        dev.mq.store.Services services = dev.mq.store.Services.over(client, tables)
                .receiptKey(KEY)
                .settings(new QueueService.Settings(1, Duration.ofSeconds(2)))
                .countsCaughtUp(feed::catchUp)
                .endpoints(new EndpointPolicy(true, false))
                .build();
        return new Services(
                services.queues(), new DynamoDbTopicStore(client, tables), services.topics(), services.consumers());
    }

    /** Services whose every DynamoDB call is recorded in {@link #observed}; fresh, so no cached settings. */
    private Services recording() {
        return services(LocalDynamoDb.client(
                db.endpoint(),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(new Recorder())
                        .build()));
    }

    private final class Recorder implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            SdkRequest request = context.request();
            if (request instanceof TransactWriteItemsRequest transaction) {
                for (TransactWriteItem item : transaction.transactItems()) {
                    if (item.put() != null) record("PutItem", item.put().tableName());
                    if (item.update() != null)
                        record("UpdateItem", item.update().tableName());
                    if (item.delete() != null)
                        record("DeleteItem", item.delete().tableName());
                    if (item.conditionCheck() != null)
                        record("ConditionCheckItem", item.conditionCheck().tableName());
                }
            } else if (request instanceof BatchWriteItemRequest batch) {
                batch.requestItems().keySet().forEach(table -> record(operation, table));
            } else {
                record(
                        operation,
                        request.getValueForField("TableName", String.class).orElseThrow());
            }
        }

        private void record(String operation, String table) {
            Table role = table.equals(tables.catalog())
                    ? Table.CATALOG
                    : table.equals(tables.messages())
                            ? Table.MESSAGES
                            : table.equals(tables.topicLog()) ? Table.TOPIC_LOG : null;
            assertThat(role).as("a table of this deployment: " + table).isNotNull();
            synchronized (observed) {
                observed.computeIfAbsent(role, r -> new TreeSet<>()).add("dynamodb:" + operation);
            }
        }
    }
}
