package dev.mq.bench;

import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.core.SendOutcome;
import dev.mq.core.TopicMessage;
import dev.mq.core.TopicService;
import dev.mq.handlers.Wire;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.store.DynamoDbTopicStore;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB capacity units per message, as DynamoDB reports them ({@code ReturnConsumedCapacity}) to a
 * {@link CapacityMeter} on the client, for each path a message can take. Settings reads are cached, so
 * each path is warmed once before it is measured; the figures are per message, averaged over a run.
 */
final class Capacity {
    private Capacity() {}

    /** One path's units per message, in all and per DynamoDB operation. */
    record Units(String path, double writeUnits, double readUnits, Map<String, double[]> byOperation) {}

    /** An 824-byte body makes an item just under 1 KB with its keys and bookkeeping. */
    static final String ONE_KB_ITEM_BODY = "x".repeat(824);

    static List<Units> measure(DynamoDbClient metered, CapacityMeter meter, Tables tables, int messages)
            throws InterruptedException {
        Services services = Benchmarks.services(metered, tables);
        QueueService service = services.queues();
        TopicService topics = services.topics();
        // reads the topic's incarnation, which the fan-out's stream records carry
        DynamoDbTopicStore topicStore = new DynamoDbTopicStore(metered, tables);
        List<Units> all = new ArrayList<>();

        all.add(lifecycle(
                "standard queue, 1 KB item, send -> receive -> ack",
                service,
                meter,
                "cap-std",
                QueueAttributes.defaults(),
                ONE_KB_ITEM_BODY,
                null,
                false,
                messages));
        all.add(lifecycle(
                "standard queue, 1,024-byte body (1.2 KB item)",
                service,
                meter,
                "cap-big",
                QueueAttributes.defaults(),
                "x".repeat(1024),
                null,
                false,
                messages));
        all.add(lifecycle(
                "standard queue, 1 KB item, with deduplicationId",
                service,
                meter,
                "cap-dedup",
                QueueAttributes.defaults(),
                ONE_KB_ITEM_BODY,
                "dedup",
                false,
                messages));
        all.add(lifecycle(
                "standard queue, 1 KB items in batches of 10",
                service,
                meter,
                "cap-batch",
                QueueAttributes.defaults(),
                ONE_KB_ITEM_BODY,
                null,
                true,
                messages));
        all.add(lifecycle(
                "FIFO queue, 1 KB item",
                service,
                meter,
                "cap-fifo.fifo",
                QueueAttributes.defaults(),
                ONE_KB_ITEM_BODY,
                null,
                false,
                messages));
        all.add(fanOut(service, topics, topicStore, meter, messages));
        return all;
    }

    private static Units lifecycle(
            String path,
            QueueService service,
            CapacityMeter meter,
            String queue,
            QueueAttributes attributes,
            String body,
            String dedupPrefix,
            boolean batched,
            int messages) {
        service.createQueue(queue, attributes);
        boolean fifo = queue.endsWith(".fifo");
        oneMessage(service, queue, body, fifo ? "warm" : null, "warm-up"); // caches the queue's settings
        meter.reset();
        if (batched) {
            for (int sent = 0; sent < messages; sent += 10) {
                service.sendBatch(queue, Collections.nCopies(10, MessageToSend.of(body)));
                List<ReceivedMessage> got = new ArrayList<>();
                while (got.size() < 10) {
                    got.addAll(service.receive(queue, new ReceiveOptions(10, 0, null)));
                }
                service.ackAll(
                        queue, got.stream().map(ReceivedMessage::receiptHandle).toList());
            }
            messages = (messages + 9) / 10 * 10;
        } else {
            for (int i = 0; i < messages; i++) {
                oneMessage(service, queue, body, fifo ? "g" + i : null, dedupPrefix == null ? null : dedupPrefix + i);
            }
        }
        return units(path, meter, messages);
    }

    private static void oneMessage(QueueService service, String queue, String body, String group, String dedupId) {
        service.send(queue, new MessageToSend(body, Map.of(), null, null, dedupId, group));
        List<ReceivedMessage> got = List.of();
        while (got.isEmpty()) {
            got = service.receive(queue, new ReceiveOptions(1, 0, null));
        }
        service.ack(queue, got.get(0).receiptHandle());
    }

    /**
     * A topic with three queue subscriptions: publish, the fan-out the stream function does, then each
     * copy received and acked. Reading the stream itself is free for Lambda and is not counted.
     */
    private static Units fanOut(
            QueueService service, TopicService topics, DynamoDbTopicStore topicStore, CapacityMeter meter, int messages)
            throws InterruptedException {
        String topic = "cap-topic";
        topics.createTopic(topic);
        List<String> queues = List.of("cap-sub-a", "cap-sub-b", "cap-sub-c");
        for (String q : queues) {
            service.createQueue(q, QueueAttributes.defaults());
            topics.subscribe(topic, q, Wire.subscriptionSpec(Json.write(Map.of("queue", q))));
        }
        Thread.sleep(5);
        String incarnation = topicStore.getTopic(topic).orElseThrow().incarnation();
        publishAndDeliver(topics, service, topic, incarnation, queues); // warm-up
        meter.reset();
        for (int i = 0; i < messages; i++) {
            publishAndDeliver(topics, service, topic, incarnation, queues);
        }
        return units("topic, 3 queue subscriptions: publish, fan-out, 3 x (receive, ack)", meter, messages);
    }

    private static void publishAndDeliver(
            TopicService topics, QueueService service, String topic, String incarnation, List<String> queues) {
        SendOutcome published = topics.publish(topic, MessageToSend.of(ONE_KB_ITEM_BODY));
        topics.fanOut(List.of(new TopicMessage(
                topic, incarnation, published.messageId(), ONE_KB_ITEM_BODY, Map.of(), Instant.now())));
        for (String q : queues) {
            List<ReceivedMessage> got = List.of();
            while (got.isEmpty()) {
                got = service.receive(q, new ReceiveOptions(1, 0, null));
            }
            service.ack(q, got.get(0).receiptHandle());
        }
    }

    private static Units units(String path, CapacityMeter meter, int messages) {
        Map<String, double[]> byOperation = new TreeMap<>();
        meter.byOperation()
                .forEach((op, u) -> byOperation.put(op, new double[] {u.write() / messages, u.read() / messages}));
        return new Units(path, meter.writeUnits() / messages, meter.readUnits() / messages, byOperation);
    }

    /** For the report: operation -> "w / r". */
    static Map<String, String> describe(Units units) {
        Map<String, String> out = new LinkedHashMap<>();
        units.byOperation().forEach((op, wr) -> out.put(op, String.format("%.2f W / %.2f R", wr[0], wr[1])));
        return out;
    }
}
