package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.sun.net.httpserver.HttpServer;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.QueueService;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicService;
import dev.mq.delivery.DeliveryWorker;
import dev.mq.delivery.EndpointDeliverer;
import dev.mq.store.DynamoDbTopicStore;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduled delivery function: delivers what is due, then returns, within its time. */
class DeliveryHandlerTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final Map<String, Object> SCHEDULED =
            Map.of("source", "aws.events", "detail-type", "Scheduled Event", "detail", Map.of());
    QueueService queues;
    DynamoDbTopicStore topicStore;
    TopicService topics;
    DeliveryHandler handler;
    HttpServer receiver;
    final AtomicInteger posts = new AtomicInteger();

    @BeforeEach
    void fresh() throws Exception {
        Tables tables = db.freshTables();
        Services services = Services.over(db.client(), tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .endpoints(new EndpointPolicy(true, false))
                .build();
        queues = services.queues();
        topicStore = new DynamoDbTopicStore(db.client(), tables);
        topics = services.topics();
        handler = new DeliveryHandler(
                new DeliveryWorker(topics, queues, new EndpointDeliverer(), DeliveryWorker.Settings.defaults()));
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            posts.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    /** A message fanned out to an endpoint subscription, as the stream handler would do it. */
    private void publishToAnEndpoint() throws InterruptedException {
        topics.createTopic("t");
        topics.subscribe(
                "t",
                "hook",
                Wire.subscriptionSpec("{\"endpoint\": \"http://127.0.0.1:"
                        + receiver.getAddress().getPort() + "/hook\", \"secret\": \"k\"}"));
        Thread.sleep(2); // published strictly after the subscription was created
        String incarnation = topicStore.getTopic("t").orElseThrow().incarnation();
        topics.fanOut(List.of(new TopicMessage("t", incarnation, "m-1", "hello", Map.of(), Instant.now())));
    }

    @Test
    void withNoDeliveryQueueYet_returnsAtOnce() {
        long start = System.nanoTime();
        handler.handleRequest(SCHEDULED, context(60_000));
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void deliversWhatIsDue_thenReturns() throws Exception {
        publishToAnEndpoint();

        handler.handleRequest(SCHEDULED, context(60_000));

        assertThat(posts.get()).isEqualTo(1);
        assertThat(queues.browse(TopicService.DELIVERY_QUEUE, 10, null).items()).isEmpty();
    }

    @Test
    void withTooLittleTimeLeft_leavesTheJobForTheNextRun() throws Exception {
        publishToAnEndpoint();

        handler.handleRequest(SCHEDULED, context(DeliveryHandler.RESERVE_MILLIS - 1));

        assertThat(posts.get()).isZero();
        assertThat(queues.browse(TopicService.DELIVERY_QUEUE, 10, null).items()).hasSize(1);
    }

    @Test
    void theBudgetComesFromTheEnvironment() {
        assertThat(DeliveryHandler.settings(null)).isEqualTo(DeliveryWorker.Settings.defaults());
        assertThat(DeliveryHandler.settings(" 3 ").maxAttempts()).isEqualTo(3);
        assertThatThrownBy(() -> DeliveryHandler.settings("0")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DeliveryHandler.settings("many")).isInstanceOf(IllegalStateException.class);
    }

    private static Context context(long remainingMillis) {
        return new Context() {
            public String getAwsRequestId() {
                return "req";
            }

            public String getLogGroupName() {
                return "group";
            }

            public String getLogStreamName() {
                return "stream";
            }

            public String getFunctionName() {
                return "delivery";
            }

            public String getFunctionVersion() {
                return "$LATEST";
            }

            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:us-east-1:000000000000:function:delivery";
            }

            public CognitoIdentity getIdentity() {
                return null;
            }

            public ClientContext getClientContext() {
                return null;
            }

            public int getRemainingTimeInMillis() {
                return (int) remainingMillis;
            }

            public int getMemoryLimitInMB() {
                return 512;
            }

            public LambdaLogger getLogger() {
                return null;
            }
        };
    }
}
