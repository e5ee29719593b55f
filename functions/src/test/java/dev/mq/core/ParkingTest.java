package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import dev.mq.store.CapacityMeter;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A standard queue parks leased and delayed messages apart from the waiting ones: a receive reads what
 * it can lease, however many messages are in flight or delayed, and a receipt handle still reaches its
 * message wherever its own visibility change moved it.
 */
class ParkingTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final CapacityMeter METER = new CapacityMeter();
    static DynamoDbClient metered;
    ServiceFixture f;

    @BeforeAll
    static void start() {
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

    @BeforeEach
    void fixture() {
        f = new ServiceFixture(metered, db.freshTables());
        f.queue("q");
    }

    @Test
    void receive_readsNoMoreWithHundredsInFlightAndDelayed_thanWithNone_onceWhatLingersPastItsBudgetIsParked() {
        f = new ServiceFixture(metered, db.freshTables(), 1); // one shard: no receive reads an empty one by chance
        f.queue("q");
        double alone = unitsOfOneReceive();

        for (int i = 0; i < 200; i++) {
            f.send("q", "in flight " + i);
        }
        for (int taken = 0; taken < 200; ) {
            taken += f.receive("q", 10, 600).size();
        }
        for (int i = 0; i < 200; i++) {
            f.send("q", new MessageToSend("later " + i, Map.of(), 600, null, null, null));
        }
        // the receives of ten left eleven leases in place; the receives of one park all but two
        for (int i = 0; i < 4; i++) {
            unitsOfOneReceive();
        }
        double beside400Hidden = unitsOfOneReceive();

        assertThat(beside400Hidden).isEqualTo(alone);
        assertThat(beside400Hidden).isLessThanOrEqualTo(1.0);
    }

    @Test
    void leases_stayInPlaceWhileWhatReceivesReadPastFitsTheirBudget_andParkBeyondIt() {
        ServiceFixture one = new ServiceFixture(metered, db.freshTables(), 1);
        one.queue("q");
        one.send("q", "warm-up"); // the queue's settings are cached after the first read
        one.service.ack("q", one.receive("q", 1).get(0).receiptHandle());

        // a consumer that acks before it receives again: 1 write unit each for send, lease and ack
        for (int i = 0; i < 3; i++) {
            METER.reset();
            one.send("q", "kept up " + i);
            one.service.ack("q", one.receive("q", 1).get(0).receiptHandle());
            assertThat(METER.writeUnits()).isEqualTo(3.0);
        }

        // one that holds them: a receive of one reads past at most two hidden messages, so the third parks
        for (int i = 0; i < 4; i++) {
            one.send("q", "held " + i);
        }
        List<Double> leaseWrites = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            METER.reset();
            assertThat(one.receive("q", 1, 600)).hasSize(1);
            leaseWrites.add(METER.writeUnits());
        }
        assertThat(leaseWrites)
                .as("in place, in place, parked (a transaction), parked")
                .containsExactly(1.0, 1.0, 4.0, 4.0);
    }

    /** The read units of one receive of one 1 KB message sent just before. */
    private double unitsOfOneReceive() {
        f.send("q", "x".repeat(900));
        METER.reset();
        List<ReceivedMessage> got = f.receive("q", 1, 600);
        assertThat(got).singleElement().satisfies(m -> assertThat(m.body()).hasSize(900));
        return METER.readUnits();
    }

    @Test
    void messagePastItsRetention_isRemovedByTheReceiveThatReadsIt_soNoLaterReceivePaysForIt() {
        f.queue("short", ServiceFixture.attributes("messageRetentionSeconds", 60));
        f.send("short", "stale");
        f.send("short", new MessageToSend("stale and delayed", Map.of(), 10, null, null, null));
        f.clock.advance(Duration.ofSeconds(71));

        assertThat(f.receive("short", 10)).isEmpty();
        f.clock.advance(Duration.ofSeconds(2)); // past the second after which parked messages are read again
        METER.reset();
        assertThat(f.receive("short", 10)).isEmpty();

        assertThat(METER.readUnits()).isZero();
        assertThat(f.service.getQueue("short").stats().visible()).isZero();
    }

    @Test
    void browse_pagesThroughWaitingAndParkedMessages_inSendOrder() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(f.send("q", new MessageToSend("m" + i, Map.of(), i % 3 == 1 ? 600 : null, null, null, null)));
            f.clock.advance(Duration.ofMillis(1));
        }
        f.receive("q", 2, 600); // two of the waiting ones are parked in flight

        List<String> browsed = new java.util.ArrayList<>();
        String next = null;
        do {
            Page<BrowsedMessage> page = f.service.browse("q", 2, next);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
            page.items().forEach(m -> browsed.add(m.messageId()));
            next = page.next();
        } while (next != null);

        assertThat(browsed).containsExactlyElementsOf(ids);
    }

    @Test
    void delayedMessage_isReceivedWhenDue_andNotBefore() {
        f.send("q", new MessageToSend("scheduled", Map.of(), 30, null, null, null));
        assertThat(f.receive("q", 10)).isEmpty();

        f.clock.advance(Duration.ofSeconds(30));
        assertThat(f.receive("q", 10)).extracting(ReceivedMessage::body).containsExactly("scheduled");
    }

    @Test
    void expiredLease_isReceivedAgain_andTheHandleItSupersededIsLeaseLost() {
        f.send("q", "retried");
        String first = f.receive("q", 1, 30).get(0).receiptHandle();
        f.clock.advance(Duration.ofSeconds(31));

        ReceivedMessage again = f.receive("q", 1, 30).get(0);

        assertThat(again.receiveCount()).isEqualTo(2);
        assertThatThrownBy(() -> f.service.ack("q", first))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.LEASE_LOST);
        f.service.ack("q", again.receiptHandle());
        f.clock.advance(Duration.ofSeconds(31));
        assertThat(f.receive("q", 1)).isEmpty();
    }

    @Test
    void handle_stillAcks_afterItsOwnVisibilityChangesMovedTheMessage() {
        f.send("q", "released");
        String handle = f.receive("q", 1, 300).get(0).receiptHandle();

        f.service.changeVisibility("q", handle, 60); // sooner than due: the message moves
        f.service.changeVisibility("q", handle, 5); // and moves again
        f.service.ack("q", handle);

        f.clock.advance(Duration.ofSeconds(301));
        assertThat(f.receive("q", 10)).isEmpty();
        assertThat(f.service.getQueue("q").stats().inFlight()).isZero();
    }

    @Test
    void hiddenMessagesPastTheBudgetOfAReceive_areParked_andTheirHandlesStillReachThem() {
        // as the first layout stored messages in flight: in their arrival positions, leased in place
        QueueConfig q = f.service.queueConfig("q");
        Instant now = f.clock.instant();
        List<String> handles = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = "0000000000000a-0000000" + i;
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(q.incarnation() + "#0"));
            item.put("sk", AttributeValue.fromS(id));
            item.put("v", AttributeValue.fromN("1"));
            item.put("body", AttributeValue.fromS("from before " + i));
            item.put("sentAt", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
            item.put(
                    "visibleAt",
                    AttributeValue.fromN(Long.toString(now.plusSeconds(120).toEpochMilli())));
            item.put("lease", AttributeValue.fromS("old-token-" + i));
            item.put("rc", AttributeValue.fromN("1"));
            item.put(
                    "expiresAt",
                    AttributeValue.fromN(Long.toString(now.plusSeconds(3_600).getEpochSecond())));
            db.client().putItem(r -> r.tableName(f.tables.messages()).item(item));
            handles.add(new ReceiptHandles(ServiceFixture.KEY)
                    .issue("q", new MessageKey(q.incarnation(), 0, id), "old-token-" + i));
        }

        // a receive of one may read past two hidden messages: it parks the third until its lease ends
        assertThat(f.receive("q", 1)).isEmpty();
        assertThat(db.client()
                        .query(r -> r.tableName(f.tables.messages())
                                .keyConditionExpression("pk = :pk")
                                .expressionAttributeValues(
                                        Map.of(":pk", AttributeValue.fromS(q.incarnation() + "#0#p"))))
                        .items())
                .singleElement()
                .satisfies(i -> assertThat(i.get("body").s()).isEqualTo("from before 3"));

        handles.forEach(h -> f.service.ack("q", h));
        f.clock.advance(Duration.ofSeconds(121));
        assertThat(f.receive("q", 10)).isEmpty();
    }
}
