package dev.mq.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.client.MqClient;
import dev.mq.local.LocalServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS JMS application against the local server's SQS endpoint, the client pointed at it by its
 * endpoint alone.
 */
class JmsOrdersTest {
    static LocalServer server;
    static SqsClient sqs;

    @BeforeAll
    static void start() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        sqs = SqsClient.builder()
                .endpointOverride(server.baseUrl())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        server.close();
    }

    @Test
    void aJmsListener_takesEveryOrderAJmsProducerSent_once_withItsTypedProperty() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        JmsOrders.Result result =
                new JmsOrders(sqs, "t9-", new PrintStream(printed, true, StandardCharsets.UTF_8)).run(20);

        assertThat(result.amounts())
                .isEqualTo(
                        IntStream.rangeClosed(1, 20).boxed().collect(Collectors.toMap(i -> "order-" + i, i -> 10 * i)));
        // acknowledged as the listener returned: none came back
        assertThat(result.deliveries()).isEqualTo(20);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("all 20 orders taken by a JMS MessageListener");
        // the same queues as /v1: the example's queue is gone there too
        assertThat(MqClient.builder().endpoint(server.baseUrl()).build().listAllQueues("t9-"))
                .isEmpty();
    }
}
