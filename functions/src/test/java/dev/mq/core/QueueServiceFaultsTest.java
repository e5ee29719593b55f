package dev.mq.core;

import static dev.mq.core.ServiceFixture.fifoMessage;
import static dev.mq.core.ServiceFixture.withDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.store.Tables;
import dev.mq.testing.FailingCalls;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Rules that matter when the store fails midway, instances hold stale settings, or clients send odd input. */
class QueueServiceFaultsTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    // a standard lease is a transaction that parks the message
    static final FailingCalls LEASES = new FailingCalls("UpdateItemRequest");
    static DynamoDbClient faulty;

    @BeforeAll
    static void start() {
        faulty = LocalDynamoDb.client(
                db.endpoint(),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(LEASES)
                        .build());
    }

    @AfterAll
    static void stop() {
        faulty.close();
    }

    @Test
    void receive_thatFailsMidway_stillHandsOutWhatItLeased() {
        ServiceFixture f = new ServiceFixture(faulty, db.freshTables());
        f.queue("q");
        for (int i = 0; i < 3; i++) {
            f.send("q", "m" + i);
        }
        LEASES.failFromCall(2);
        List<ReceivedMessage> got;
        try {
            got = f.receive("q", 3);
        } finally {
            LEASES.heal();
        }

        assertThat(got).hasSize(1);
        assertThat(f.receive("q", 10)).as("the others were never leased").hasSize(2);
    }

    @Test
    void receive_thatFailsBeforeAnyLease_isUnavailable() {
        ServiceFixture f = new ServiceFixture(faulty, db.freshTables());
        f.queue("q");
        f.send("q", "m");
        LEASES.failFromCall(1);
        try {
            assertThatThrownBy(() -> f.receive("q", 1))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.UNAVAILABLE);
        } finally {
            LEASES.heal();
        }
        assertThat(f.receive("q", 1)).hasSize(1);
    }

    @Test
    void fifoRedrive_putsTheMessageBehindItsGroup_soTheGroupStaysBlocked() {
        ServiceFixture f = new ServiceFixture(db);
        f.queue("dlq.fifo");
        f.queue("q.fifo", withDeadLetters("dlq.fifo", 1));
        f.send("q.fifo", fifoMessage("A", "G"));
        f.send("q.fifo", fifoMessage("B", "G"));
        f.receive("q.fifo", 1, 5);
        f.clock.advance(Duration.ofSeconds(6));
        assertThat(f.receive("q.fifo", 1, 30)).extracting(ReceivedMessage::body).containsExactly("B");

        assertThat(f.service.redrive("dlq.fifo", null, 10)).isEqualTo(1);
        assertThat(f.receive("q.fifo", 10))
                .as("B is in flight, so its group waits")
                .isEmpty();
        assertThat(f.service.browse("q.fifo", 10, null).items())
                .extracting(BrowsedMessage::body)
                .containsExactly("B", "A");
    }

    @Test
    void handleOfARecreatedQueue_isAccepted_byAnInstanceThatCachedTheOldOne() {
        Tables tables = db.freshTables();
        ServiceFixture stale = new ServiceFixture(db.client(), tables);
        ServiceFixture fresh = new ServiceFixture(db.client(), tables);
        stale.queue("q");
        stale.send("q", "old"); // caches the first incarnation
        fresh.service.deleteQueue("q");
        fresh.queue("q");
        fresh.send("q", "new");
        String handle = fresh.receive("q", 1).get(0).receiptHandle();

        stale.service.ack("q", handle);
        assertThat(fresh.service.browse("q", 10, null).items()).isEmpty();
    }

    @Test
    void concurrentChanges_ofDifferentAttributes_bothLand() {
        Tables tables = db.freshTables();
        ServiceFixture one = new ServiceFixture(db.client(), tables);
        ServiceFixture other = new ServiceFixture(db.client(), tables);
        one.queue("q");
        AtomicBoolean firstTry = new AtomicBoolean(true);

        one.service.updateQueue("q", current -> {
            if (firstTry.getAndSet(false)) {
                // another change lands between this one's read and its write
                other.service.updateQueue(
                        "q", c -> QueueAttributes.parse(Json.parseObject("{\"delaySeconds\": 5}"), c));
            }
            return QueueAttributes.parse(Json.parseObject("{\"visibilityTimeoutSeconds\": 60}"), current);
        });

        QueueAttributes result = other.service.getQueue("q").attributes();
        assertThat(result.delaySeconds()).isEqualTo(5);
        assertThat(result.visibilityTimeoutSeconds()).isEqualTo(60);
    }

    @Test
    void listingTokens_thatTheApiNeverIssued_areInvalidRequests() {
        ServiceFixture f = new ServiceFixture(db);
        f.queue("a-1");
        f.queue("a-2");
        f.queue("b-1");
        String next = f.service.listQueues("a-", 1, null).next();

        assertThat(f.service.listQueues("a-", 1, "").items())
                .as("empty next is the first page")
                .hasSize(1);
        for (String bad : List.of("!!!", "Zm9v_YmFy", "x".repeat(3000))) {
            assertThatThrownBy(() -> f.service.listQueues("a-", 1, bad))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThatThrownBy(() -> f.service.listQueues("b-", 1, next)).hasMessageContaining("another prefix");
        assertThatThrownBy(() -> f.service.listQueues("p".repeat(81), 1, null))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThatThrownBy(() -> f.service.browse("a-1", 10, "bm90LWFuLWlk"))
                .extracting(e -> ((QueueException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void browse_ofLargeMessages_pagesWithinWhatALambdaMayAnswer() {
        ServiceFixture f = new ServiceFixture(db);
        f.queue("big");
        String body = "x".repeat(250_000);
        for (int i = 0; i < 25; i++) {
            f.send("big", body);
        }
        Page<BrowsedMessage> first = f.service.browse("big", 100, null);
        assertThat(first.items().size()).isBetween(1, 20);
        assertThat(first.next()).isNotNull();

        List<BrowsedMessage> all = new ArrayList<>(first.items());
        for (String next = first.next(); next != null; ) {
            Page<BrowsedMessage> page = f.service.browse("big", 100, next);
            all.addAll(page.items());
            next = page.next();
        }
        assertThat(all).hasSize(25);
    }
}
