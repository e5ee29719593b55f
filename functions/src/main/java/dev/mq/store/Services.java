package dev.mq.store;

import dev.mq.core.ConsumerDirectory;
import dev.mq.core.Consumers;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.FunctionNameRule;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.core.TopicStore;
import java.time.Clock;
import java.util.Objects;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The one place that wires the services to their DynamoDB stores: the Lambda runtime, the local server,
 * the benchmarks and the tests all build them here, so a new collaborator is added once. A caller that
 * needs a special store (fault injection, a metered client) passes its client.
 *
 * @param queues the queue service, over a {@link DynamoDbQueueStore}
 * @param topics the topic service, over a {@link DynamoDbTopicStore}, delivering into {@code queues}
 * @param consumers the queues' push consumers, over a {@link DynamoDbConsumerStore}
 */
public record Services(QueueService queues, TopicService topics, Consumers consumers) {

    /** Where push delivery finds the consumers (cached; changes made through {@link #consumers} show at once). */
    public ConsumerDirectory consumerDirectory() {
        return consumers.directory();
    }

    /** Services over {@code client} and {@code tables}; every other part has a default but the receipt key. */
    public static Builder over(DynamoDbClient client, Tables tables) {
        return new Builder(client, tables);
    }

    public static final class Builder {
        private final DynamoDbClient client;
        private final Tables tables;
        private Clock clock = Clock.systemUTC();
        private byte[] receiptKey;
        private QueueService.Settings settings = QueueService.Settings.defaults();
        private Runnable countsCaughtUp = () -> {};
        private EndpointPolicy endpoints = EndpointPolicy.deployed();
        private boolean functionConsumers = true;
        private FunctionNameRule functionNames = FunctionNameRule.ANY;
        private UnaryOperator<TopicStore> topicStoreWrapper = UnaryOperator.identity();

        private Builder(DynamoDbClient client, Tables tables) {
            this.client = Objects.requireNonNull(client, "client");
            this.tables = Objects.requireNonNull(tables, "tables");
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The key receipt handles are signed with (at least 16 bytes); required. */
        public Builder receiptKey(byte[] receiptKey) {
            this.receiptKey = receiptKey;
            return this;
        }

        public Builder settings(QueueService.Settings settings) {
            this.settings = settings;
            return this;
        }

        /**
         * Runs before counts are read: where the counter runs beside the store (the local server), it
         * lets the counter catch up with the stream, so counts are exact at once.
         */
        public Builder countsCaughtUp(Runnable countsCaughtUp) {
            this.countsCaughtUp = countsCaughtUp;
            return this;
        }

        /** Which endpoints subscriptions and consumers may target; {@link EndpointPolicy#deployed()} unless set. */
        public Builder endpoints(EndpointPolicy endpoints) {
            this.endpoints = endpoints;
            return this;
        }

        /**
         * Whether consumers may name Lambda functions: true (the default) where functions can be invoked,
         * false on the local server, which then refuses them and points at endpoint consumers.
         */
        public Builder functionConsumers(boolean allowed) {
            this.functionConsumers = allowed;
            return this;
        }

        /** Which functions consumers may name, where they may name functions; any unless set. */
        public Builder functionNames(FunctionNameRule rule) {
            this.functionNames = rule;
            return this;
        }

        /** Wraps the topic store the topic service uses (a test that watches what is published). */
        public Builder topicStore(UnaryOperator<TopicStore> wrapper) {
            this.topicStoreWrapper = wrapper;
            return this;
        }

        /** The queue service alone, for callers that use no topics. */
        public QueueService queues() {
            return new QueueService(
                    new DynamoDbQueueStore(client, tables, countsCaughtUp), clock, requireKey(), settings);
        }

        public Services build() {
            QueueService queues = queues();
            TopicService topics = new TopicService(
                    topicStoreWrapper.apply(new DynamoDbTopicStore(client, tables)), queues, clock, endpoints);
            Consumers consumers = functionConsumers
                    ? new Consumers(
                            new DynamoDbConsumerStore(client, tables),
                            queues,
                            clock,
                            endpoints,
                            functionNames,
                            settings.configCacheTtl())
                    : new Consumers(
                            new DynamoDbConsumerStore(client, tables),
                            queues,
                            clock,
                            endpoints,
                            false,
                            settings.configCacheTtl());
            return new Services(queues, topics, consumers);
        }

        private byte[] requireKey() {
            if (receiptKey == null) {
                throw new IllegalStateException("no receipt key: receipt handles cannot be signed");
            }
            return receiptKey;
        }
    }
}
