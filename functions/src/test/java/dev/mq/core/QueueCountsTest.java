package dev.mq.core;

import static dev.mq.core.ServiceFixture.attributes;
import static dev.mq.core.ServiceFixture.fifoMessage;
import static dev.mq.core.ServiceFixture.withDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.store.CapacityMeter;
import dev.mq.store.MessageCounts;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Queue counts kept from the messages table's stream (DynamoDB Local's, read by {@code CountsFeed} as the
 * counter's event source would), and stats read from them: right after every kind of write, once time
 * has changed what was written, after a batch delivered twice, and at a read cost that does not grow
 * with the number of messages.
 */
class QueueCountsTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final CapacityMeter METER = new CapacityMeter();
    static DynamoDbClient metered;

    final ServiceFixture f = new ServiceFixture(db);

    @BeforeAll
    static void meter() {
        metered = LocalDynamoDb.client(
                db.endpoint(),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(METER)
                        .build());
    }

    @AfterAll
    static void stop() {
        metered.close();
    }

    @Test
    void counts_followSendsLeasesAcksAndDelays() {
        QueueConfig q = f.queue("q");
        f.send("q", "a");
        f.send("q", "b");
        f.send("q", "c");
        f.send("q", new MessageToSend("later", Map.of(), 60, null, null, null));
        List<ReceivedMessage> leased =
                f.receive("q", 2, 30); // each lease moves its message: a put and a delete, in one transaction
        f.service.ack("q", leased.get(0).receiptHandle());

        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(1, 1, 1, 0));
        assertThat(counted(q)).isEqualTo(new QueueCounts(1, 1, 1));
    }

    @Test
    void stats_seeLeasesRunOutAndDelaysEnd_withoutAWrite() {
        QueueConfig q = f.queue("q");
        f.send("q", "taken");
        f.send("q", new MessageToSend("later", Map.of(), 60, null, null, null));
        f.receive("q", 1, 30);
        f.clock.advance(Duration.ofSeconds(61));

        // counted as written: one in flight, one delayed; both are visible now
        assertThat(counted(q)).isEqualTo(new QueueCounts(0, 1, 1));
        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(2, 0, 0, 61));
    }

    @Test
    void oldestAge_isOfVisibleMessagesOnly() {
        f.queue("q");
        f.send(
                "q",
                new MessageToSend(
                        "in an hour", Map.of(), null, f.clock.instant().plusSeconds(3600), null, null));
        f.send("q", "taken");
        f.receive("q", 1, 600);
        f.clock.advance(Duration.ofSeconds(90));
        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(0, 1, 1, 0));

        f.send("q", "waits");
        f.clock.advance(Duration.ofSeconds(20));
        assertThat(f.service.getQueue("q").stats().oldestMessageAgeSeconds()).isEqualTo(20);
    }

    @Test
    void deadLetterMoves_andRedrives_moveTheCounts() {
        f.queue("dlq");
        f.queue("q", withDeadLetters("dlq", 1));
        f.send("q", "poison");
        f.receive("q", 1, 0);
        assertThat(f.receive("q", 1)).isEmpty(); // received once already: moved to dlq

        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
        assertThat(f.service.getQueue("dlq").stats()).isEqualTo(new QueueStats(1, 0, 0, 0));

        f.service.redrive("dlq", null, 10);
        assertThat(f.service.getQueue("dlq").stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(1, 0, 0, 0));
    }

    @Test
    void purge_andDeleteThenCreate_startFromNothing() {
        QueueConfig first = f.queue("q");
        for (int i = 0; i < 30; i++) {
            f.send("q", "m" + i);
        }
        f.send("q", new MessageToSend("later", Map.of(), 60, null, null, null));
        f.receive("q", 5, 30);
        f.service.purge("q");
        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(0, 0, 0, 0));

        f.send("q", "again");
        f.service.deleteQueue("q");
        QueueConfig second = f.queue("q");
        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
        assertThat(counted(first)).isEqualTo(new QueueCounts(0, 0, 0));
        assertThat(second.incarnation()).isNotEqualTo(first.incarnation());
    }

    @Test
    void fifo_leasesInPlace_countInFlight_untilTheyRunOut_andTheQueueDelayEnds() {
        QueueConfig q = f.queue("q.fifo", attributes("delaySeconds", 10));
        f.send("q.fifo", fifoMessage("a1", "a"));
        f.send("q.fifo", fifoMessage("b1", "b"));
        f.clock.advance(Duration.ofSeconds(5));
        f.send("q.fifo", fifoMessage("a2", "a"));
        assertThat(f.service.getQueue("q.fifo").stats()).isEqualTo(new QueueStats(0, 0, 3, 0));

        f.clock.advance(Duration.ofSeconds(6)); // the first two are due, the third not yet
        assertThat(f.service.getQueue("q.fifo").stats()).isEqualTo(new QueueStats(2, 0, 1, 11));
        assertThat(f.receive("q.fifo", 10, 30)).hasSize(2); // a1 and b1, each leased in place
        assertThat(f.service.getQueue("q.fifo").stats()).isEqualTo(new QueueStats(0, 2, 1, 0));

        f.clock.advance(Duration.ofSeconds(31)); // both leases ran out, a2 is due
        assertThat(counted(q)).isEqualTo(new QueueCounts(0, 2, 1));
        assertThat(f.service.getQueue("q.fifo").stats()).isEqualTo(new QueueStats(3, 0, 0, 42));
    }

    @Test
    void aBatchDeliveredAgain_isCountedOnce_wholeOrFromItsMiddle() {
        QueueConfig q = f.queue("q");
        f.counts.catchUp();
        for (int i = 0; i < 6; i++) {
            f.send("q", "m" + i);
        }
        f.receive("q", 2, 30);
        List<MessageCounts.Change> batch = f.counts.read();
        assertThat(batch).as("six sends and two leases in place").hasSize(8);

        // the first part was counted, then the handler failed; the retry starts inside what was counted
        f.counts.count(batch.subList(0, 4));
        f.counts.count(batch.subList(2, batch.size()));
        assertThat(counted(q)).isEqualTo(new QueueCounts(4, 2, 0));
        // and a whole batch delivered again changes nothing
        f.counts.count(batch);
        f.counts.count(new ArrayList<>(batch.subList(5, batch.size())));
        assertThat(counted(q)).isEqualTo(new QueueCounts(4, 2, 0));
        assertThat(f.service.getQueue("q").stats()).isEqualTo(new QueueStats(4, 2, 0, 0));
    }

    @Test
    void statsReadUnits_doNotGrowWithTenThousandStoredMessages() {
        ServiceFixture m = new ServiceFixture(metered, db.freshTables());
        QueueConfig q = m.queue("q");
        m.send("q", "one");
        m.send("q", new MessageToSend("later", Map.of(), 60, null, null, null));
        double few = unitsOfStats(m);

        Instant now = m.clock.instant();
        MessageIds ids = new MessageIds();
        List<StoredMessage> stored = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next(now);
            int shard = i % q.shards();
            // a tenth delayed for an hour, the rest visible; 1 KB bodies, as CapacityTest's
            MessageKey key = i % 10 == 0
                    ? MessageKey.parked(q.incarnation(), shard, now.plusSeconds(3600), id)
                    : new MessageKey(q.incarnation(), shard, id);
            stored.add(StoredMessage.sent(
                    key,
                    id,
                    "x".repeat(900),
                    Map.of(),
                    now,
                    i % 10 == 0 ? now.plusSeconds(3600) : now,
                    now.plusSeconds(86_400)));
        }
        for (int from = 0; from < stored.size(); from += 500) {
            assertThat(m.store.putAll(stored.subList(from, from + 500))).isEmpty();
        }
        double many = unitsOfStats(m);

        assertThat(m.service.getQueue("q").stats()).isEqualTo(new QueueStats(9_001, 0, 1_001, 0));
        System.out.printf("stats read units: %.1f with 2 messages, %.1f with 10,002%n", few, many);
        assertThat(many).isLessThanOrEqualTo(few + 1.0).isLessThan(10.0);
    }

    private double unitsOfStats(ServiceFixture m) {
        m.counts.catchUp(); // the counter's reads are not the stats call's
        METER.reset();
        m.service.getQueue("q");
        return METER.readUnits();
    }

    private QueueCounts counted(QueueConfig q) {
        f.counts.catchUp();
        return f.store.counts(q.incarnation());
    }
}
