package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.testing.LocalDynamoDb;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB capacity one message costs from send to ack, as DynamoDB reports it
 * ({@code ReturnConsumedCapacity}). Prints the figures: 3 write units (send 1, a lease in place 1, ack 1)
 * and at most 1 read unit for a 1 KB message on a standard queue with nothing else in flight.
 */
class CapacityTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    static final CapacityMeter METER = new CapacityMeter();
    static DynamoDbClient metered;

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

    @Test
    void oneKilobyteMessage_costsThreeWritesAndAtMostOneRead_fromSendToAck() {
        ServiceFixture f = new ServiceFixture(metered, db.freshTables());
        f.queue("orders");
        // 824 bytes of body: with its keys and bookkeeping attributes the item is just under 1 KB
        String body = "x".repeat(824);
        f.send("orders", "warm-up"); // the queue's settings are cached after the first read
        f.service.ack("orders", f.receive("orders", 1).get(0).receiptHandle());
        METER.reset();

        f.send("orders", body);
        double sendWrites = METER.writeUnits();
        List<ReceivedMessage> got = f.receive("orders", 1);
        f.service.ack("orders", got.get(0).receiptHandle());

        print("standard queue, 1 KB message, send -> receive -> ack", sendWrites);
        assertThat(got).hasSize(1);
        // send 1, lease in place 1, ack 1: nothing else in flight, so the lease does not park
        assertThat(METER.writeUnits()).isEqualTo(3.0);
        assertThat(METER.readUnits()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void kilobyteBody_costsTheItemSizeFloor_twoUnitsPerWrite() {
        ServiceFixture f = new ServiceFixture(metered, db.freshTables());
        f.queue("orders");
        f.send("orders", "warm-up");
        f.service.ack("orders", f.receive("orders", 1).get(0).receiptHandle());
        METER.reset();

        f.send("orders", "x".repeat(1024));
        double sendWrites = METER.writeUnits();
        f.service.ack("orders", f.receive("orders", 1).get(0).receiptHandle());

        print("standard queue, 1,024-byte body (a ~1.2 KB item), send -> receive -> ack", sendWrites);
        assertThat(METER.writeUnits()).isEqualTo(6.0);
        assertThat(METER.readUnits()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void deduplicatedSend_paysForItsTransaction() {
        ServiceFixture f = new ServiceFixture(metered, db.freshTables());
        f.queue("orders", QueueAttributes.defaults());
        f.send("orders", "warm-up");
        METER.reset();

        f.send("orders", new MessageToSend("x".repeat(824), Map.of(), null, null, "order-42", null));
        double sendWrites = METER.writeUnits();
        f.service.ack("orders", f.receive("orders", 1).get(0).receiptHandle());

        print("standard queue, 1 KB message with deduplicationId, send -> receive -> ack", sendWrites);
        // a transaction of message + dedup record costs twice the two item writes
        assertThat(sendWrites).isEqualTo(4.0);
    }

    private static void print(String what, double sendWrites) {
        System.out.printf(
                "%nCAPACITY %s: %.1f write units (send %.1f), %.1f read units%n",
                what, METER.writeUnits(), sendWrites, METER.readUnits());
        METER.byOperation()
                .forEach((op, u) ->
                        System.out.printf("CAPACITY   %-20s read %.1f  write %.1f%n", op, u.read(), u.write()));
    }
}
