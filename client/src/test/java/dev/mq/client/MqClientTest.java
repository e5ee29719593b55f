package dev.mq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.mq.client.MqClient.Consumer;
import dev.mq.client.MqClient.Subscription;
import dev.mq.model.ErrorCode;
import dev.mq.model.Responses.AckResult;
import dev.mq.model.Responses.BrowsedMessage;
import dev.mq.model.Responses.ConsumerDescription;
import dev.mq.model.Responses.QueueDescription;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.model.Responses.SendResult;
import dev.mq.model.Responses.SubscriptionDescription;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Every operation of the API through the client, against the local server over HTTP. */
class MqClientTest {
    final MqClient mq = TestServer.client();

    @Test
    void queueLifecycle_createGetUpdateListPurgeDelete() {
        String name = TestServer.unique("orders");

        MqClient.Created<QueueDescription> created = mq.createQueue(name, Map.of("visibilityTimeoutSeconds", 45));
        MqClient.Created<QueueDescription> again = mq.createQueue(name, Map.of("visibilityTimeoutSeconds", 45));
        assertThat(created.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(created.value().attributes().visibilityTimeoutSeconds()).isEqualTo(45);

        assertThat(mq.updateQueue(name, Map.of("delaySeconds", 2)).attributes().delaySeconds())
                .isEqualTo(2);
        assertThat(mq.getQueue(name).stats()).isNotNull();
        assertThat(mq.listAllQueues(name)).extracting(q -> q.name()).containsExactly(name);
        assertThat(mq.listQueues(name, 1, null).queues()).hasSize(1);

        mq.send(name, "x");
        mq.purgeQueue(name);
        assertThat(mq.browse(name, 10, null).messages()).isEmpty();

        mq.deleteQueue(name);
        assertThatThrownBy(() -> mq.getQueue(name))
                .isInstanceOf(MqException.QueueNotFound.class)
                .satisfies(e -> {
                    MqException error = (MqException) e;
                    assertThat(error.status()).isEqualTo(404);
                    assertThat(error.code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND);
                    assertThat(error.requestId()).isNotBlank();
                });
    }

    /**
     * The client reads its answers on the HTTP client's selector thread and hands nothing to a pool: with
     * the JDK's default pool, every request woke a worker thread, which cost more CPU than the request.
     */
    @Test
    void requests_startNoWorkerThreads() {
        Set<String> before = httpClientWorkers();
        MqClient client = TestServer.client();
        String name = TestServer.unique("workers");
        client.createQueue(name);
        for (int i = 0; i < 20; i++) {
            client.send(name, "m" + i);
            client.receive(name, 1, 0).forEach(m -> client.ack(name, m.receiptHandle()));
        }

        assertThat(httpClientWorkers()).isSubsetOf(before);
    }

    private static Set<String> httpClientWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.matches("HttpClient-\\d+-Worker-\\d+"))
                .collect(Collectors.toSet());
    }

    @Test
    void send_withAttributeTypes_readsThemBack() {
        String name = queue();
        mq.send(
                name,
                Message.of("typed")
                        .withAttribute("price", "12.50", "Number")
                        .withAttribute("photo", "AAE=", "Binary.png")
                        .withAttribute("note", "plain"));

        ReceivedMessage received = mq.receive(name, 1, 1).get(0);
        assertThat(received.attributes()).containsEntry("price", "12.50").containsEntry("note", "plain");
        assertThat(received.attributeTypes()).isEqualTo(java.util.Map.of("price", "Number", "photo", "Binary.png"));
    }

    @Test
    void sendReceiveAck_withAttributesAndABatch() {
        String name = queue();
        SendResult one = mq.send(name, Message.of("order 1").withAttribute("type", "order"));
        List<SendResult> batch = mq.sendBatch(name, List.of(Message.of("order 2"), Message.of("order 3")));
        assertThat(one.messageId()).isNotBlank();
        assertThat(batch).hasSize(2).allSatisfy(r -> assertThat(r.error()).isNull());

        List<ReceivedMessage> received = mq.receive(name, 10, 1);
        assertThat(received)
                .extracting(ReceivedMessage::body)
                .containsExactlyInAnyOrder("order 1", "order 2", "order 3");
        ReceivedMessage first = received.stream()
                .filter(m -> m.body().equals("order 1"))
                .findFirst()
                .orElseThrow();
        assertThat(first.attributes()).containsEntry("type", "order");

        mq.ack(name, received.get(0).receiptHandle());
        List<AckResult> acks = mq.ackBatch(name, List.of(received.get(1).receiptHandle(), "forged"));
        assertThat(acks.get(0).ok()).isTrue();
        assertThat(acks.get(1).error().code()).isEqualTo("InvalidReceiptHandle");
        mq.changeVisibility(name, received.get(2).receiptHandle(), 0);

        assertThat(mq.receive(name, 10, 1))
                .extracting(ReceivedMessage::body)
                .containsExactly(received.get(2).body());
    }

    @Test
    void anExplicitDeduplicationId_deduplicates() {
        String name = queue();
        SendResult first = mq.send(name, Message.of("b").withDeduplicationId("order-7"));
        SendResult second = mq.send(name, Message.of("b").withDeduplicationId("order-7"));

        assertThat(second.duplicate()).isTrue();
        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(mq.browse(name, 10, null).messages())
                .singleElement()
                .satisfies(m -> assertThat(m.deduplicationId()).isEqualTo("order-7"));
    }

    @Test
    void fifo_groupsDelaysAndDeliverAt() {
        String fifo = TestServer.unique("jobs") + ".fifo";
        mq.createQueue(fifo);
        mq.send(fifo, Message.of("g1-a").withGroupId("g1"));
        mq.send(fifo, Message.of("g1-b").withGroupId("g1"));
        assertThat(mq.receive(fifo, 10, 0)).extracting(ReceivedMessage::body).containsExactly("g1-a", "g1-b");

        String name = queue();
        mq.send(name, Message.of("later").withDelaySeconds(60));
        mq.send(name, Message.of("much later").withDeliverAt(Instant.now().plus(Duration.ofHours(1))));
        assertThat(mq.receive(name, 10, 0)).isEmpty();
        assertThat(mq.browse(name, 10, null).messages())
                .extracting(BrowsedMessage::state)
                .containsOnly("delayed");
    }

    @Test
    void deadLetters_andRedrive() {
        String dlq = queue();
        String name = TestServer.unique("work");
        mq.createQueue(name, Map.of("deadLetterQueue", dlq, "maxReceiveCount", 1));
        mq.send(name, "poison");
        mq.receive(name, 1, 0, 0);
        assertThat(mq.receive(name, 1, 0)).isEmpty();
        assertThat(mq.browse(dlq, 10, null).messages())
                .extracting(BrowsedMessage::body)
                .containsExactly("poison");

        assertThat(mq.redrive(dlq, null, 10)).isEqualTo(1);
        assertThat(mq.receive(name, 1, 1)).extracting(ReceivedMessage::body).containsExactly("poison");
    }

    @Test
    void topics_andSubscriptions_deliverCopiesToMatchingQueues() {
        String topic = TestServer.unique("news");
        String all = queue();
        String orders = queue();
        assertThat(mq.createTopic(topic).created()).isTrue();
        assertThat(mq.getTopic(topic).name()).isEqualTo(topic);
        assertThat(mq.listTopics(1000, null).topics()).extracting(t -> t.name()).contains(topic);
        assertThat(mq.listAllTopics()).extracting(t -> t.name()).contains(topic);

        mq.subscribe(topic, "all", Subscription.toQueue(all));
        MqClient.Created<SubscriptionDescription> filtered = mq.subscribe(
                topic, "orders", Subscription.toQueue(orders).withFilter(Map.of("type", List.of("order"))));
        assertThat(filtered.created()).isTrue();
        assertThat(mq.getSubscription(topic, "orders").filter().toString()).contains("order");
        assertThat(mq.listSubscriptions(topic, null, null).subscriptions()).hasSize(2);
        assertThat(mq.listAllSubscriptions(topic))
                .extracting(SubscriptionDescription::name)
                .containsExactly("all", "orders");

        mq.publish(topic, Message.of("an order").withAttribute("type", "order"));
        mq.publishBatch(topic, List.of(Message.of("a refund").withAttribute("type", "refund")));

        assertThat(receiveAll(all, 2)).containsExactlyInAnyOrder("an order", "a refund");
        assertThat(receiveAll(orders, 1)).containsExactly("an order");

        mq.unsubscribe(topic, "orders");
        assertThatThrownBy(() -> mq.getSubscription(topic, "orders"))
                .isInstanceOf(MqException.SubscriptionNotFound.class);
        mq.deleteTopic(topic);
        assertThatThrownBy(() -> mq.getTopic(topic)).isInstanceOf(MqException.TopicNotFound.class);
    }

    @Test
    void consumers_putGetListDelete_withTheirOwnErrors() {
        String queue = queue();
        Consumer hook = Consumer.toEndpoint("http://127.0.0.1:9/hook", "s3cret")
                .withBatchSize(4)
                .withBatchWindowSeconds(2)
                .withMaxConcurrency(3);

        MqClient.Created<ConsumerDescription> created = mq.putConsumer(queue, "hook", hook);
        MqClient.Created<ConsumerDescription> again = mq.putConsumer(queue, "hook", hook);

        assertThat(created.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(created.value())
                .extracting(
                        ConsumerDescription::queue,
                        ConsumerDescription::endpoint,
                        ConsumerDescription::batchSize,
                        ConsumerDescription::batchWindowSeconds,
                        ConsumerDescription::maxConcurrency)
                .containsExactly(queue, "http://127.0.0.1:9/hook", 4, 2, 3);
        assertThat(mq.getConsumer(queue, "hook")).isEqualTo(created.value());
        assertThatThrownBy(() -> mq.putConsumer(queue, "hook", hook.withBatchSize(5)))
                .isInstanceOf(MqException.ConsumerAlreadyExists.class);
        assertThatThrownBy(() -> mq.putConsumer(
                        queue, "fn", Consumer.toFunction("arn:aws:lambda:eu-west-1:123456789012:function:f")))
                .as("the local server invokes no functions")
                .isInstanceOf(MqException.InvalidRequest.class)
                .hasMessageContaining("endpoint");

        mq.putConsumer(queue, "another", Consumer.toEndpoint("http://127.0.0.1:9/other", "k"));
        assertThat(mq.listConsumers(queue, 1, null).consumers())
                .extracting(ConsumerDescription::name)
                .containsExactly("another");
        assertThat(mq.listAllConsumers(queue))
                .extracting(ConsumerDescription::name)
                .containsExactly("another", "hook");

        mq.deleteConsumer(queue, "hook");
        assertThatThrownBy(() -> mq.getConsumer(queue, "hook")).isInstanceOf(MqException.ConsumerNotFound.class);
        assertThatThrownBy(() -> mq.deleteConsumer(queue, "hook")).isInstanceOf(MqException.ConsumerNotFound.class);
    }

    @Test
    void subscription_withFilterScopeBody_filtersOnTheJsonBody_andIsDescribedWithItsScope() {
        String topic = TestServer.unique("orders");
        String big = queue();
        mq.createTopic(topic);
        mq.subscribe(
                topic,
                "big",
                Subscription.toQueue(big)
                        .withFilter(Map.of("order", Map.of("total", List.of(Map.of("numeric", List.of(">=", 100))))))
                        .withFilterScope(MqClient.FilterScope.BODY));

        mq.publish(topic, "{\"order\": {\"total\": 50}}");
        mq.publish(topic, "{\"order\": {\"total\": 250}}");

        assertThat(receiveAll(big, 1)).containsExactly("{\"order\": {\"total\": 250}}");
        assertThat(mq.getSubscription(topic, "big").filterScope()).isEqualTo("body");
        assertThatThrownBy(() -> mq.subscribe(
                        topic,
                        "bad",
                        Subscription.toQueue(big).withFilter(Map.of("type", List.of(Map.of("sufix", "x"))))))
                .isInstanceOf(MqException.InvalidRequest.class)
                .hasMessageContaining("unknown condition 'sufix'");
        mq.deleteTopic(topic);
    }

    @Test
    void errors_areTheirOwnTypes() {
        String name = queue();
        assertThatThrownBy(() -> mq.createQueue(name, Map.of("visibilityTimeoutSeconds", 99)))
                .isInstanceOf(MqException.QueueAlreadyExists.class);
        assertThatThrownBy(() -> mq.createQueue("bad name!")).isInstanceOf(MqException.InvalidRequest.class);
        assertThatThrownBy(() -> mq.send(name, Message.of("x".repeat(262_145))))
                .isInstanceOf(MqException.PayloadTooLarge.class);
        assertThatThrownBy(() -> mq.sendBatch(name, List.of())).isInstanceOf(MqException.EmptyBatch.class);
        assertThatThrownBy(() -> mq.ack(name, "forged")).isInstanceOf(MqException.InvalidReceiptHandle.class);
        assertThatThrownBy(() -> mq.publish(TestServer.unique("none"), "x"))
                .isInstanceOf(MqException.TopicNotFound.class);
        assertThat(mq.health()).isTrue();
    }

    @Test
    void health_isFalse_whenNothingListens() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        MqClient down = MqClient.builder()
                .endpoint("http://127.0.0.1:" + closedPort)
                .retryPolicy(RetryPolicy.none())
                .build();

        assertThat(down.health()).isFalse();
    }

    @Test
    void leaseLost_whenAnotherReceiveTookTheMessage() throws Exception {
        String name = queue();
        mq.send(name, "x");
        String stale = mq.receive(name, 1, 0, 1).get(0).receiptHandle();
        Thread.sleep(1_200);
        mq.receive(name, 1, 1);
        assertThatThrownBy(() -> mq.ack(name, stale)).isInstanceOf(MqException.LeaseLost.class);
    }

    @Test
    void anEndpointThatIsNoHttpUrl_isRefused_withAnExample() {
        assertThatThrownBy(() -> MqClient.builder().endpoint("localhost:8080"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'localhost:8080'")
                .hasMessageContaining("http://localhost:8080");
        assertThatThrownBy(() -> MqClient.builder()
                        .endpoint(java.net.URI.create("ftp://example.com"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http:// or https://");
    }

    @Test
    void aProxysErrorPage_keepsTheCodeOfItsStatus_andSaysItIsNotTheApis() throws Exception {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            byte[] page = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(502, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        proxy.start();
        try {
            MqClient behindProxy = MqClient.builder()
                    .endpoint("http://127.0.0.1:" + proxy.getAddress().getPort())
                    .retryPolicy(RetryPolicy.none())
                    .build();

            assertThatThrownBy(() -> behindProxy.getQueue("q"))
                    .isInstanceOfSatisfying(MqException.Unavailable.class, e -> {
                        assertThat(e.answeredByApi()).isFalse();
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.getMessage()).contains("answered 502 with text/html, not the mq API's JSON");
                    });
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void anHttpApisOwnRefusal_keepsTheCodeOfItsStatus_andItsRequestId() throws Exception {
        // an HTTP API cannot shape its own answers: throttled is 429 {"message": ...}, its id in apigw-requestid
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", exchange -> {
            byte[] body = "{\"message\":\"Too Many Requests\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("apigw-requestid", "Vb4hTjzZDoEEJ7Q=");
            exchange.sendResponseHeaders(429, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        try {
            MqClient behindHttpApi = MqClient.builder()
                    .endpoint("http://127.0.0.1:" + gateway.getAddress().getPort())
                    .retryPolicy(RetryPolicy.none())
                    .build();

            assertThatThrownBy(() -> behindHttpApi.getQueue("q"))
                    .isInstanceOfSatisfying(MqException.Throttled.class, e -> {
                        assertThat(e.status()).isEqualTo(429);
                        assertThat(e.getMessage()).contains("API Gateway: Too Many Requests");
                        assertThat(e.requestId()).isEqualTo("Vb4hTjzZDoEEJ7Q=");
                    });
        } finally {
            gateway.stop(0);
        }
    }

    @Test
    void sigV4_withoutCredentials_isUnauthorized_beforeAnythingIsSent() {
        AwsCredentialsProvider none = () -> {
            throw new IllegalStateException("Unable to load credentials from any of the providers in the chain");
        };
        MqClient unsigned = MqClient.builder()
                .endpoint(TestServer.url())
                .auth(RequestAuth.sigV4(none, "eu-west-1"))
                .build();

        assertThatThrownBy(() -> unsigned.getQueue("q")).isInstanceOfSatisfying(MqException.Unauthorized.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.answeredByApi()).isFalse();
            assertThat(e.getMessage()).startsWith("no AWS credentials to sign with (SigV4)");
        });
    }

    private String queue() {
        String name = TestServer.unique("q");
        mq.createQueue(name);
        return name;
    }

    private List<String> receiveAll(String queue, int expected) {
        List<String> bodies = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (bodies.size() < expected && System.nanoTime() < deadline) {
            mq.receive(queue, 10, 1).forEach(m -> bodies.add(m.body()));
        }
        return bodies;
    }
}
