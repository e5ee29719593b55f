package dev.mq.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.RetryPolicy;
import dev.mq.local.LocalServer;
import dev.mq.store.FaultInjector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each use case against a local server, checked on its outcome, not only that it ran. */
class ExamplesTest {
    static LocalServer server;
    static MqClient mq;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws Exception {
        server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        mq = MqClient.builder().endpoint(server.baseUrl()).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void orders_everyOrderPaidOnce_thePoisonOneThroughTheDeadLetterQueue() throws Exception {
        OrderProcessing.Result result = new OrderProcessing(mq, "t1-", out).run(20);

        assertThat(result.charged()).isEqualTo(20);
        assertThat(result.gatewayFailures())
                .as("2 transient gateway failures + 3 tries of the poison order")
                .isEqualTo(5);
        assertThat(result.redriven()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("1 order is in t1-orders-dlq")
                .contains("all 20 orders paid once each");
        assertThat(mq.listAllQueues("t1-")).as("the example cleans up").isEmpty();
    }

    @Test
    void notifications_eachServiceGetsWhatItsFilterAsksFor() throws Exception {
        Notifications.Result result = new Notifications(mq, "t2-", out).run();

        assertThat(result.delivered().get("email")).containsExactlyInAnyOrder("e2", "e3", "e5");
        assertThat(result.delivered().get("push")).containsExactlyInAnyOrder("e2", "e4");
        assertThat(result.delivered().get("feed")).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5");
        assertThat(mq.listAllQueues("t2-")).isEmpty();
    }

    @Test
    void logs_theConsumersCountExactlyWhatTheShippersSent() throws Exception {
        LogProcessing.Result result = new LogProcessing(mq, "t3-", out).run(1_000);

        assertThat(result.counted()).isEqualTo(result.sent());
        assertThat(result.sent().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(1_000);
        assertThat(result.linesPerSecond()).isPositive();
    }

    @Test
    void logs_linesTheServerRefusedForAPassingReason_areSentAgain_andCountedOnce() throws Exception {
        // 5% of the store's calls are throttled: a batch send then answers Throttled for its entries
        FaultInjector throttled = new FaultInjector(0.05, List.of(FaultInjector.Fault.THROTTLED), 12);
        try (LocalServer busy = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null, throttled))) {
            // patient, as a batch ack of ten makes ten store calls, any of which may be throttled
            MqClient client = MqClient.builder()
                    .endpoint(busy.baseUrl())
                    .retryPolicy(new RetryPolicy(20, Duration.ofMillis(10), Duration.ofMillis(200)))
                    .build();

            LogProcessing.Result result = new LogProcessing(client, "t4-", out).run(1_000);

            assertThat(result.sent().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(1_000);
            assertThat(result.counted()).isEqualTo(result.sent());
            assertThat(throttled.injected()).as("the store really throttled").isPositive();
        }
    }

    @Test
    void logs_aLineTheQueueRefuses_isReported_andNotCountedAsShipped() throws Exception {
        LogProcessing logs = new LogProcessing(mq, "t5-", out);
        mq.createQueue("t5-logs");
        try {
            Message fine = Message.of("INFO checkout took 3 ms");
            List<Message> shipped = logs.ship(List.of(fine, Message.of("x".repeat(300_000))));

            assertThat(shipped).containsExactly(fine);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("line not shipped: PayloadTooLarge");
        } finally {
            mq.deleteQueue("t5-logs");
        }
    }

    @Test
    void push_everyOrderChargedOnce_theDeclinedOnesOnTheirRetry() throws Exception {
        PushPayments.Result result = new PushPayments(mq, "t6-", out).run(20);

        assertThat(result.charges())
                .hasSize(20)
                .allSatisfy((order, charges) -> assertThat(charges).as(order).isEqualTo(1));
        assertThat(result.declines()).as("orders 5, 10, 15 and 20, once each").isEqualTo(4);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("20 orders charged, 4 declines retried");
        assertThat(mq.listAllQueues("t6-")).as("the example cleans up").isEmpty();
    }

    @Test
    void theCommand_runsAnExampleByName_andRefusesAnUnknownOne() {
        int ok = new picocli.CommandLine(new Examples())
                .execute("notifications", "--endpoint", server.baseUrl().toString());
        int unknown = new picocli.CommandLine(new Examples())
                .execute("nope", "--endpoint", server.baseUrl().toString());
        assertThat(List.of(ok, unknown)).containsExactly(0, 2);
    }
}
