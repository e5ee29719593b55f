package dev.mq.bench;

import dev.mq.core.MessageToSend;
import dev.mq.core.QueueService;
import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.store.Tables;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a queue's stats cost to read, the read the metrics function makes for every queue each minute
 * ({@code GET /v1/queues/{q}} too), beside a number of stored messages: read units per stats call,
 * billed as DynamoDB bills them ({@link BilledReads}). The goal is that it does not grow with them.
 */
final class StatsCost {
    private StatsCost() {}

    record Point(int stored, double readUnits) {}

    static List<Point> measure(URI dynamoEndpoint, Tables tables, List<Integer> storedCounts) {
        CapacityMeter meter = new CapacityMeter();
        BilledReads reads = new BilledReads();
        QueueService plain = Benchmarks.service(
                Benchmarks.EmbeddedDynamoDbClients.metered(dynamoEndpoint, new CapacityMeter()), tables);
        QueueService metered =
                Benchmarks.service(Benchmarks.EmbeddedDynamoDbClients.metered(dynamoEndpoint, meter, reads), tables);
        List<Point> points = new ArrayList<>();
        for (int stored : storedCounts) {
            String queue = "stats-" + stored;
            plain.createQueue(queue, QueueAttributes.defaults());
            for (int sent = 0; sent < stored; sent += 10) {
                plain.sendBatch(
                        queue,
                        Collections.nCopies(Math.min(10, stored - sent), MessageToSend.of(Capacity.ONE_KB_ITEM_BODY)));
            }
            meter.reset();
            reads.reset();
            metered.getQueue(queue);
            points.add(new Point(stored, reads.units(meter)));
        }
        return points;
    }

    static String describe(Point p) {
        return String.format(
                Locale.ROOT, "%,7d messages stored: %.2f read units per stats read", p.stored(), p.readUnits());
    }
}
