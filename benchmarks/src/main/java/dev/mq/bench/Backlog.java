package dev.mq.bench;

import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.local.EmbeddedDynamoDb;
import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a receive costs beside messages it cannot take: read units per message received (billed as
 * DynamoDB bills them, {@link BilledReads}) and the median receive time, with a number of other messages
 * of the same queue in flight or delayed. A queue whose receives read past those would pay in proportion
 * to them; the goal is that these figures stay flat.
 */
final class Backlog {
    private Backlog() {}

    /** One measurement: {@code count} messages {@code hidden} ("in flight" or "delayed") beside the receives. */
    record Point(String hidden, int count, double readUnitsPerMessage, double p50Ms) {}

    static final String IN_FLIGHT = "in flight";
    static final String DELAYED = "delayed";

    static List<Point> measure(URI dynamoEndpoint, Tables tables, List<Integer> counts, int samples) {
        CapacityMeter meter = new CapacityMeter();
        BilledReads reads = new BilledReads();
        DynamoDbClient plainClient = Benchmarks.EmbeddedDynamoDbClients.metered(dynamoEndpoint, new CapacityMeter());
        DynamoDbClient meteredClient = Benchmarks.EmbeddedDynamoDbClients.metered(dynamoEndpoint, meter, reads);
        QueueService plain = Benchmarks.service(plainClient, tables);
        QueueService metered = Benchmarks.service(meteredClient, tables);
        List<Point> points = new ArrayList<>();
        for (String hidden : List.of(IN_FLIGHT, DELAYED)) {
            for (int count : counts) {
                String queue = "backlog-" + hidden.replace(' ', '-') + "-" + count;
                plain.createQueue(queue, QueueAttributes.defaults());
                hide(plain, queue, hidden, count);
                metered.receive(queue, new ReceiveOptions(1, 0, null)); // caches the queue's settings
                double[] millis = new double[samples];
                double units = 0;
                for (int i = 0; i < samples; i++) {
                    send(plain, queue, List.of(Capacity.ONE_KB_ITEM_BODY), null);
                    meter.reset();
                    reads.reset();
                    long start = System.nanoTime();
                    List<ReceivedMessage> got = metered.receive(queue, new ReceiveOptions(1, 0, 600));
                    millis[i] = (System.nanoTime() - start) / 1e6;
                    units += reads.units(meter);
                    if (got.size() != 1) {
                        throw new IllegalStateException(queue + ": a receive beside the backlog found " + got.size()
                                + " messages, not the 1 just sent");
                    }
                    plain.ack(queue, got.get(0).receiptHandle());
                }
                Arrays.sort(millis);
                points.add(new Point(hidden, count, units / samples, millis[samples / 2]));
            }
        }
        return points;
    }

    /** Puts {@code count} messages out of reach: received with a long lease, or sent with the longest delay. */
    private static void hide(QueueService service, String queue, String hidden, int count) {
        for (int sent = 0; sent < count; sent += 10) {
            send(
                    service,
                    queue,
                    java.util.Collections.nCopies(Math.min(10, count - sent), Capacity.ONE_KB_ITEM_BODY),
                    hidden.equals(DELAYED) ? QueueAttributes.MAX_DELAY : null);
        }
        if (hidden.equals(IN_FLIGHT)) {
            for (int leased = 0; leased < count; ) {
                leased +=
                        service.receive(queue, new ReceiveOptions(10, 0, 3_600)).size();
            }
        }
    }

    private static void send(QueueService service, String queue, List<String> bodies, Integer delaySeconds) {
        List<MessageToSend> messages = bodies.stream()
                .map(b -> new MessageToSend(b, Map.of(), delaySeconds, null, null, null))
                .toList();
        if (messages.size() > 1) {
            service.sendBatch(queue, messages);
        } else {
            service.send(queue, messages.get(0));
        }
    }

    /** Whether each figure stays within {@code factor} of the same kind's figure with nothing hidden. */
    static boolean flat(List<Point> points, double factor) {
        for (Point p : points) {
            Point none = points.stream()
                    .filter(q -> q.hidden().equals(p.hidden()) && q.count() == 0)
                    .findFirst()
                    .orElseThrow();
            if (p.readUnitsPerMessage() > factor * none.readUnitsPerMessage() || p.p50Ms() > factor * none.p50Ms()) {
                return false;
            }
        }
        return true;
    }

    static String describe(Point p) {
        return String.format(
                Locale.ROOT,
                "%,6d %-9s %.2f R per message received, p50 %.1f ms",
                p.count(),
                p.hidden(),
                p.readUnitsPerMessage(),
                p.p50Ms());
    }

    /** On its own: {@code java -cp benchmarks.jar dev.mq.bench.Backlog [counts...]}. */
    public static void main(String[] args) throws Exception {
        List<Integer> counts = args.length == 0
                ? List.of(0, 1_000, 10_000)
                : Arrays.stream(args).map(Integer::parseInt).toList();
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, EmbeddedDynamoDb.Access.OVER_HTTP)) {
            Tables tables = Tables.withPrefix("backlog");
            TableSetup.createIfMissing(dynamo.client(), tables);
            for (Point p : measure(dynamo.endpoint(), tables, counts, 100)) {
                System.out.println(describe(p));
            }
        }
    }
}
