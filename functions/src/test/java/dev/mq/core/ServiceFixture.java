package dev.mq.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.DynamoDbQueueStore;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.CountsFeed;
import dev.mq.testing.LocalDynamoDb;
import dev.mq.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A QueueService over fresh tables in DynamoDB Local, with a hand-moved clock, and short-hands for tests. */
final class ServiceFixture {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final Tables tables;
    /** Counts what was written before stats are read, as the local server's counter does. */
    final CountsFeed counts;

    final DynamoDbQueueStore store;
    final QueueService service;
    /** Topics delivering into {@link #service}. */
    final TopicService topics;

    ServiceFixture(LocalDynamoDb db) {
        this(db.client(), db.freshTables());
    }

    ServiceFixture(DynamoDbClient client, Tables tables) {
        this(client, tables, QueueService.Settings.defaults().shardsPerQueue());
    }

    ServiceFixture(DynamoDbClient client, Tables tables, int shardsPerQueue) {
        this(client, tables, shardsPerQueue, UnaryOperator.identity());
    }

    /** With {@code wiring} applied to the services' wiring (a topic store that records, say). */
    ServiceFixture(DynamoDbClient client, Tables tables, int shardsPerQueue, UnaryOperator<Services.Builder> wiring) {
        this.tables = tables;
        // the tables are in the JVM's DynamoDB Local, whatever client the test goes through
        this.counts = new CountsFeed(LocalDynamoDb.shared(), tables);
        // the same tables as the service's store, for tests that write or read items directly
        this.store = new DynamoDbQueueStore(client, tables, counts::catchUp);
        Services services = wiring.apply(Services.over(client, tables)
                        .clock(clock)
                        .receiptKey(KEY)
                        .countsCaughtUp(counts::catchUp)
                        .settings(new QueueService.Settings(
                                shardsPerQueue,
                                QueueService.Settings.defaults().configCacheTtl(),
                                FunctionRuntime.MAX_ANSWER_BYTES)))
                .build();
        this.service = services.queues();
        this.topics = services.topics();
    }

    QueueConfig queue(String name) {
        return queue(name, QueueAttributes.defaults());
    }

    QueueConfig queue(String name, QueueAttributes attributes) {
        service.createQueue(name, attributes);
        return service.queueConfig(name);
    }

    /** Queue attributes as a client would PUT them, e.g. {@code attributes("delaySeconds", 5)}. */
    static QueueAttributes attributes(Object... namesAndValues) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.set((String) namesAndValues[i], Json.MAPPER.valueToTree(namesAndValues[i + 1]));
        }
        return QueueAttributes.parse(body, QueueAttributes.defaults());
    }

    static QueueAttributes withDeadLetters(String dlq, int maxReceives) {
        return attributes("deadLetterQueue", dlq, "maxReceiveCount", maxReceives);
    }

    static MessageToSend message(String body) {
        return new MessageToSend(body, Map.of(), null, null, null, null);
    }

    static MessageToSend fifoMessage(String body, String group) {
        return new MessageToSend(body, Map.of(), null, null, null, group);
    }

    String send(String queue, MessageToSend message) {
        return service.send(queue, message).messageId();
    }

    String send(String queue, String body) {
        return send(queue, message(body));
    }

    List<ReceivedMessage> receive(String queue, int max) {
        return service.receive(queue, new ReceiveOptions(max, 0, null));
    }

    List<ReceivedMessage> receive(String queue, int max, int visibilityTimeout) {
        return service.receive(queue, new ReceiveOptions(max, 0, visibilityTimeout));
    }
}
