package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.handlers.Wire;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.store.DynamoDbConsumerStore;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Push consumers over DynamoDB Local: their lifecycle, the rules a PUT is held to, and the directory. */
class ConsumersTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final String FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:orders-handler:live";
    static final String ENDPOINT = "{\"endpoint\": \"http://127.0.0.1:9/hook\", \"secret\": \"s3cret\"}";

    ServiceFixture f;
    DynamoDbConsumerStore store;
    /** The directory's clock, moved by hand. */
    final AtomicLong nanos = new AtomicLong();

    Consumers consumers;

    @BeforeEach
    void fresh() {
        f = new ServiceFixture(db);
        store = new DynamoDbConsumerStore(db.client(), f.tables);
        consumers = consumers(true);
        f.queue("orders");
    }

    private Consumers consumers(boolean functionsAllowed) {
        return new Consumers(
                store,
                f.service,
                f.clock,
                new EndpointPolicy(true, false),
                functionsAllowed,
                FunctionNameRule.ANY,
                Duration.ofSeconds(2),
                nanos::get);
    }

    private Created<Consumer> put(String queue, String name, String json) {
        return consumers.put(queue, name, Wire.consumerSpec(json));
    }

    private static ErrorCode codeOf(Runnable call) {
        try {
            call.run();
        } catch (QueueException e) {
            return e.code();
        }
        throw new AssertionError("no refusal");
    }

    @Test
    void put_creates_thenTheSameIsNotCreatedAgain_andOtherSettingsConflict() {
        Created<Consumer> created = put("orders", "push", "{\"function\": \"" + FUNCTION + "\", \"batchSize\": 5}");
        f.clock.advance(Duration.ofSeconds(10));
        Created<Consumer> again = put("orders", "push", "{\"function\": \"" + FUNCTION + "\", \"batchSize\": 5}");

        assertThat(created.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.value()).as("left as it was, creation time too").isEqualTo(created.value());
        assertThat(created.value())
                .extracting(
                        Consumer::functionArn,
                        Consumer::batchSize,
                        Consumer::batchWindowSeconds,
                        Consumer::maxConcurrency)
                .containsExactly(FUNCTION, 5, 0, 5);
        assertThat(codeOf(() -> put("orders", "push", "{\"function\": \"" + FUNCTION + "\"}")))
                .isEqualTo(ErrorCode.CONSUMER_ALREADY_EXISTS);
        assertThat(codeOf(() -> put("orders", "push", ENDPOINT))).isEqualTo(ErrorCode.CONSUMER_ALREADY_EXISTS);
        assertThat(consumers.get("orders", "push").batchSize()).isEqualTo(5);
    }

    @Test
    void anEndpointConsumer_keepsItsSecret_andAnotherSecretIsOtherSettings() {
        put("orders", "hook", ENDPOINT);

        assertThat(consumers.get("orders", "hook").secret()).isEqualTo("s3cret");
        assertThat(codeOf(() -> put("orders", "hook", ENDPOINT.replace("s3cret", "other"))))
                .isEqualTo(ErrorCode.CONSUMER_ALREADY_EXISTS);
    }

    @Test
    void functions_areRefused_whereTheyCannotBeInvoked_withAMessageThatPointsAtEndpoints() {
        Consumers local = consumers(false);

        assertThatThrownBy(() -> local.put("orders", "fn", Wire.consumerSpec("{\"function\": \"" + FUNCTION + "\"}")))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("endpoint")
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(local.put("orders", "hook", Wire.consumerSpec(ENDPOINT)).created())
                .isTrue();
    }

    @Test
    void functions_mustFitTheDeploymentsNamingRule() {
        Consumers deployed = new Consumers(
                store,
                f.service,
                f.clock,
                EndpointPolicy.deployed(),
                new FunctionNameRule("mq-consumer-"),
                Duration.ofSeconds(2));

        assertThatThrownBy(() -> deployed.put(
                        "orders",
                        "other",
                        Wire.consumerSpec(
                                "{\"function\": \"arn:aws:lambda:eu-west-1:123456789012:function:billing\"}")))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("whose name starts with \"mq-consumer-\"");
        assertThat(deployed.put(
                                "orders",
                                "fits",
                                Wire.consumerSpec(
                                        "{\"function\":"
                                                + " \"arn:aws:lambda:eu-west-1:123456789012:function:mq-consumer-billing:live\"}"))
                        .created())
                .isTrue();
    }

    @Test
    void endpoints_followTheEndpointPolicy() {
        Consumers deployed = new Consumers(
                store,
                f.service,
                f.clock,
                EndpointPolicy.deployed(),
                true,
                FunctionNameRule.ANY,
                Duration.ofSeconds(2),
                nanos::get);

        assertThatThrownBy(() -> deployed.put("orders", "hook", Wire.consumerSpec(ENDPOINT)))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> deployed.put(
                        "orders",
                        "meta",
                        Wire.consumerSpec("{\"endpoint\": \"https://169.254.169.254/latest\", \"secret\": \"s\"}")))
                .hasMessageContaining("link-local");
        assertThat(codeOf(() -> consumers.get("orders", "hook"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);
    }

    @Test
    void aMissingQueueOrConsumer_isNotFound_andDeleteIsNotIdempotent() {
        assertThat(codeOf(() -> put("nobody", "c", ENDPOINT))).isEqualTo(ErrorCode.QUEUE_NOT_FOUND);
        assertThat(codeOf(() -> consumers.list("nobody", 10, null))).isEqualTo(ErrorCode.QUEUE_NOT_FOUND);
        assertThat(codeOf(() -> consumers.get("orders", "c"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);

        put("orders", "c", ENDPOINT);
        consumers.delete("orders", "c");

        assertThat(codeOf(() -> consumers.get("orders", "c"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);
        assertThat(codeOf(() -> consumers.delete("orders", "c"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);
        assertThat(codeOf(() -> put("orders", "bad.name", ENDPOINT))).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void list_pagesThroughOneQueuesConsumers_only() {
        f.queue("orders-eu"); // its sort keys share the prefix "orders" but not "orders#"
        for (String name : List.of("a", "b", "c")) {
            put("orders", name, ENDPOINT);
        }
        put("orders-eu", "x", ENDPOINT);

        Page<Consumer> first = consumers.list("orders", 2, null);
        Page<Consumer> second = consumers.list("orders", 2, first.next());

        assertThat(first.items()).extracting(Consumer::name).containsExactly("a", "b");
        assertThat(second.items()).extracting(Consumer::name).containsExactly("c");
        assertThat(second.next()).isNull();
        assertThat(consumers.list("orders-eu", 10, null).items())
                .extracting(Consumer::name)
                .containsExactly("x");
    }

    @Test
    void aQueueCreatedAgain_hasNoConsumers_andTheNameCanBeUsedAgain() {
        put("orders", "push", ENDPOINT);
        assertThat(consumers.directory().consumersOf("orders")).hasSize(1);

        f.service.deleteQueue("orders");
        f.queue("orders");

        assertThat(codeOf(() -> consumers.get("orders", "push"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);
        assertThat(consumers.list("orders", 10, null).items()).isEmpty();
        assertThat(store.all()).as("deleted with the queue").isEmpty();
        assertThat(put("orders", "push", "{\"function\": \"" + FUNCTION + "\"}").created())
                .isTrue();
    }

    @Test
    void aConsumerLeftByAnEarlierIncarnation_isNeverAnswered_andIsReplacedByTheNextPut() {
        QueueConfig before = f.service.queueConfig("orders");
        put("orders", "push", ENDPOINT);
        // as if the delete had failed to remove the consumer: the queue alone goes
        f.store.deleteQueue("orders"); // the store removes consumers too; write the leftover back
        store.create(new Consumer(
                "orders",
                "push",
                before.incarnation(),
                null,
                "http://127.0.0.1:9/x",
                "k",
                10,
                0,
                5,
                f.clock.instant()));
        f.queue("orders");
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());

        assertThat(store.all()).hasSize(1);
        assertThat(consumers.directory().consumersOf("orders")).isEmpty();
        assertThat(consumers.directory().all()).isEmpty();
        assertThat(consumers.list("orders", 10, null).items()).isEmpty();
        assertThat(codeOf(() -> consumers.get("orders", "push"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);
        assertThat(codeOf(() -> consumers.delete("orders", "push"))).isEqualTo(ErrorCode.CONSUMER_NOT_FOUND);

        Created<Consumer> replaced = put("orders", "push", ENDPOINT);

        assertThat(replaced.created()).isTrue();
        assertThat(replaced.value().endpoint()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(consumers.directory().consumersOf("orders")).containsExactly(replaced.value());
    }

    @Test
    void directory_answersEveryQueuesCurrentConsumers_andSeesChangesMadeHereAtOnce() {
        f.queue("payments", QueueAttributes.defaults());
        assertThat(consumers.directory().consumersOf("orders")).isEmpty();
        assertThat(consumers.directory().all()).isEmpty();

        Consumer push = put("orders", "push", ENDPOINT).value();
        Consumer pay =
                put("payments", "pay", "{\"function\": \"" + FUNCTION + "\"}").value();

        assertThat(consumers.directory().consumersOf("orders")).containsExactly(push);
        assertThat(consumers.directory().consumersOf("payments")).containsExactly(pay);
        assertThat(consumers.directory().consumersOf("nobody")).isEmpty();
        assertThat(consumers.directory().all()).containsExactlyInAnyOrder(push, pay);

        consumers.delete("orders", "push");

        assertThat(consumers.directory().consumersOf("orders")).isEmpty();
        assertThat(consumers.directory().all()).containsExactly(pay);
    }

    @Test
    void directory_reusesWhatItRead_forItsLifetime_thenReadsAgain() {
        assertThat(consumers.directory().consumersOf("orders")).isEmpty();
        // made by another process (its own service), so this one's cache is not told
        Consumers elsewhere = consumers(true);
        Consumer push =
                elsewhere.put("orders", "push", Wire.consumerSpec(ENDPOINT)).value();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(consumers.directory().consumersOf("orders"))
                .as("within its lifetime")
                .isEmpty();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(consumers.directory().consumersOf("orders")).containsExactly(push);
    }
}
