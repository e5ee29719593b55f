package dev.mq.examples;

import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.MqClient.Subscription;
import dev.mq.model.Responses.ReceivedMessage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Social-media notifications. The app publishes each event (a like, a comment, a follow) once to a topic;
 * three services subscribe with their own queue and filter: email wants comments and follows, push wants
 * only high-priority events, the activity feed wants everything. Each service reads its own queue at its
 * own pace, and a slow email sender never holds up push.
 */
public final class Notifications {
    /** The events each service received, by event id, in the order it read them. */
    public record Result(Map<String, List<String>> delivered) {}

    private final MqClient mq;
    private final String topic;
    private final Map<String, String> queues = new TreeMap<>();
    private final PrintStream out;

    public Notifications(MqClient mq, String prefix, PrintStream out) {
        this.mq = mq;
        this.topic = prefix + "post-events";
        for (String service : List.of("email", "push", "feed")) {
            queues.put(service, prefix + service);
        }
        this.out = out;
    }

    public Result run() throws InterruptedException {
        queues.values().forEach(mq::createQueue);
        mq.createTopic(topic);
        try {
            mq.subscribe(
                    topic,
                    "email",
                    Subscription.toQueue(queues.get("email")).withFilter(Map.of("type", List.of("comment", "follow"))));
            mq.subscribe(
                    topic,
                    "push",
                    Subscription.toQueue(queues.get("push")).withFilter(Map.of("priority", List.of("high"))));
            mq.subscribe(topic, "feed", Subscription.toQueue(queues.get("feed")));
            Thread.sleep(5); // events published from now on reach the new subscriptions
            return publishAndDeliver();
        } finally {
            mq.deleteTopic(topic);
            queues.values().forEach(mq::deleteQueue);
        }
    }

    private Result publishAndDeliver() throws InterruptedException {
        List<Message> events = List.of(
                event("e1", "like", "low", "ana liked your photo"),
                event("e2", "comment", "high", "ben commented: great shot!"),
                event("e3", "follow", "low", "cy started following you"),
                event("e4", "like", "high", "dee (a close friend) liked your post"),
                event("e5", "comment", "low", "eve commented: nice"));
        for (Message event : events) {
            mq.publish(topic, event);
        }
        out.printf("published %d events to topic %s%n", events.size(), topic);

        Map<String, Integer> expected = Map.of("email", 3, "push", 2, "feed", 5);
        Map<String, List<String>> delivered = new TreeMap<>();
        for (Map.Entry<String, String> service : queues.entrySet()) {
            List<String> ids = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ids.size() < expected.get(service.getKey()) && System.nanoTime() < deadline) {
                List<ReceivedMessage> batch = mq.receive(service.getValue(), 10, 2);
                for (ReceivedMessage m : batch) {
                    out.printf("  %-5s -> %s%n", service.getKey(), m.body());
                    ids.add(m.attributes().get("eventId"));
                }
                if (!batch.isEmpty()) {
                    mq.ackBatch(
                            service.getValue(),
                            batch.stream().map(ReceivedMessage::receiptHandle).toList());
                }
            }
            delivered.put(service.getKey(), ids);
        }
        delivered.forEach((service, ids) -> out.printf("%s received %d: %s%n", service, ids.size(), ids));
        return new Result(delivered);
    }

    private static Message event(String id, String type, String priority, String text) {
        return Message.of(text).withAttributes(Map.of("eventId", id, "type", type, "priority", priority));
    }
}
