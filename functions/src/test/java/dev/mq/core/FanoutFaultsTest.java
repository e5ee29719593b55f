package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.handlers.Wire;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.store.DynamoDbTopicStore;
import dev.mq.store.FaultInjector;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Fan-out as the stream runs it under faults: a record whose fan-out fails is retried whole (Lambda
 * retries the record), while 20% of DynamoDB calls fail, some after the write was applied. Every
 * subscription must end with exactly one copy of every message: none lost, none doubled.
 */
class FanoutFaultsTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();

    @Test
    void failingAndRetriedFanOut_neverLosesNorDuplicatesACopy() throws Exception {
        Tables tables = db.freshTables();
        FaultInjector faults = FaultInjector.all(0.20, 11);
        DynamoDbClient faulty = LocalDynamoDb.client(
                db.endpoint(),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(faults)
                        .build());
        Services plain = services(db.client(), tables);
        QueueService plainQueues = plain.queues();
        TopicService plainTopics = plain.topics();
        List<String> queues = List.of("copies-a", "copies-b", "copies-c");
        plainTopics.createTopic("events");
        for (String q : queues) {
            plainQueues.createQueue(q, QueueAttributes.defaults());
            plainTopics.subscribe("events", q, Wire.subscriptionSpec(Json.write(Map.of("queue", q))));
        }
        Thread.sleep(5);
        String incarnation = new DynamoDbTopicStore(db.client(), tables)
                .getTopic("events")
                .orElseThrow()
                .incarnation();
        TopicService faultyTopics = services(faulty, tables).topics();

        int messages = 40;
        int failedAttempts = 0;
        for (int i = 0; i < messages; i++) {
            TopicMessage message =
                    new TopicMessage("events", incarnation, "m-" + i, "event " + i, Map.of(), Instant.now());
            while (true) {
                try {
                    faultyTopics.fanOut(List.of(message));
                    break;
                } catch (QueueException e) {
                    failedAttempts++; // the stream retries the record
                }
            }
        }

        assertThat(faults.injected()).isPositive();
        assertThat(failedAttempts).as("fan-outs that failed and were retried").isPositive();
        for (String q : queues) {
            Map<String, Integer> copies = new HashMap<>();
            for (BrowsedMessage m : all(plainQueues, q)) {
                copies.merge(m.body(), 1, Integer::sum);
            }
            assertThat(copies).as("copies in " + q).hasSize(messages);
            assertThat(copies.values()).as("one copy each in " + q).containsOnly(1);
        }
    }

    private static Services services(DynamoDbClient client, Tables tables) {
        return Services.over(client, tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .build();
    }

    private static List<BrowsedMessage> all(QueueService queues, String queue) {
        List<BrowsedMessage> all = new ArrayList<>();
        String next = null;
        do {
            Page<BrowsedMessage> page = queues.browse(queue, 100, next);
            all.addAll(page.items());
            next = page.next();
        } while (next != null);
        return all;
    }
}
