package dev.mq.core;

import static dev.mq.core.ServiceFixture.withDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.handlers.FunctionRuntime;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class MoveTasksTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();

    /** Each pass of a task moves one chunk and answers: so a test sees a task part way, with no timing. */
    final ServiceFixture f = new ServiceFixture(
            db.client(),
            db.freshTables(),
            2,
            wiring -> wiring.settings(new QueueService.Settings(
                    2, Duration.ofSeconds(2), FunctionRuntime.MAX_ANSWER_BYTES, Duration.ZERO)));

    final QueueService service = f.service;

    @Test
    void start_movesEveryMessageBackToTheQueueItCameFrom_andRecordsTheTaskCompleted() {
        f.queue("dlq");
        f.queue("orders", withDeadLetters("dlq", 1));
        f.queue("payments", withDeadLetters("dlq", 1));
        deadLetter("orders", 3);
        deadLetter("payments", 2);

        MoveTask task = service.startMoveTask("dlq", null, null);

        assertThat(task.status()).isEqualTo(MoveTask.Status.COMPLETED);
        assertThat(task.moved()).isEqualTo(5);
        assertThat(task.toMove()).isEqualTo(5);
        assertThat(task.source()).isEqualTo("dlq");
        assertThat(task.destination()).isNull();
        assertThat(task.startedAt()).isEqualTo(f.clock.instant());
        assertThat(service.browse("orders", 10, null).items()).hasSize(3);
        assertThat(service.browse("payments", 10, null).items()).hasSize(2);
        assertThat(service.browse("dlq", 10, null).items()).isEmpty();
        assertThat(service.moveTasks("dlq", 10)).containsExactly(task);
    }

    @Test
    void start_toAnExplicitDestination_movesEveryMessageThere() {
        f.queue("dlq");
        f.queue("other");
        f.queue("orders", withDeadLetters("dlq", 1));
        deadLetter("orders", 3);

        MoveTask task = service.startMoveTask("dlq", "other", null);

        assertThat(task.status()).isEqualTo(MoveTask.Status.COMPLETED);
        assertThat(task.destination()).isEqualTo("other");
        assertThat(task.moved()).isEqualTo(3);
        assertThat(service.browse("other", 10, null).items()).hasSize(3);
        assertThat(service.browse("orders", 10, null).items()).isEmpty();
        assertThat(service.browse("dlq", 10, null).items()).isEmpty();
    }

    @Test
    void taskWithMessagesLeft_staysRunning_refusesASecondTask_andGoesOnWhenListedUntilCompleted() {
        f.queue("dlq");
        f.queue("orders", withDeadLetters("dlq", 1));
        deadLetter("orders", 5);

        // a rate of 2 a second: each pass (budget zero) moves one second's worth
        MoveTask started = service.startMoveTask("dlq", null, 2);
        assertThat(started.status()).isEqualTo(MoveTask.Status.RUNNING);
        assertThat(started.moved()).isEqualTo(2);
        assertThat(started.maxPerSecond()).isEqualTo(2);
        assertThat(service.browse("dlq", 10, null).items()).hasSize(3);

        // the start of another gives the running one its pass, then refuses: it still runs
        assertRefused(() -> service.startMoveTask("dlq", null, null))
                .satisfies(e ->
                        assertThat(e.getMessage()).contains("already has a running move task", started.taskHandle()));
        assertThat(service.browse("orders", 10, null).items()).hasSize(4);

        List<MoveTask> listed = service.moveTasks("dlq", 10);
        assertThat(listed).singleElement().satisfies(t -> {
            assertThat(t.taskHandle()).isEqualTo(started.taskHandle());
            assertThat(t.status()).isEqualTo(MoveTask.Status.COMPLETED);
            assertThat(t.moved()).isEqualTo(5);
            assertThat(t.toMove()).isEqualTo(5);
        });
        assertThat(service.browse("orders", 10, null).items()).hasSize(5);
        assertThat(service.browse("dlq", 10, null).items()).isEmpty();

        // ended, it leaves room for the next
        assertThat(service.startMoveTask("dlq", null, null).status()).isEqualTo(MoveTask.Status.COMPLETED);
    }

    @Test
    void continueMoveTasks_movesOnEveryRunningTask_thatNobodyWatches() {
        f.queue("dlq");
        f.queue("orders", withDeadLetters("dlq", 1));
        deadLetter("orders", 3);
        MoveTask started = service.startMoveTask("dlq", null, 2);
        assertThat(started.status()).isEqualTo(MoveTask.Status.RUNNING);

        assertThat(service.continueMoveTasks()).isZero();

        assertThat(service.browse("orders", 10, null).items()).hasSize(3);
        assertThat(service.continueMoveTasks()).isZero();
        MoveTask after = service.moveTasks("dlq", 1).get(0);
        assertThat(after.status()).isEqualTo(MoveTask.Status.COMPLETED);
        assertThat(after.moved()).isEqualTo(3);
    }

    @Test
    void taskOfADeletedDestination_endsFailed_sayingWhy() {
        f.queue("dlq");
        f.queue("other");
        f.queue("orders", withDeadLetters("dlq", 1));
        deadLetter("orders", 3);
        MoveTask started = service.startMoveTask("dlq", "other", 2);
        service.deleteQueue("other");

        MoveTask after = service.moveTasks("dlq", 1).get(0);

        assertThat(after.taskHandle()).isEqualTo(started.taskHandle());
        assertThat(after.status()).isEqualTo(MoveTask.Status.FAILED);
        assertThat(after.moved()).isEqualTo(2);
        assertThat(after.failureReason()).contains("other");
        assertThat(service.browse("dlq", 10, null).items()).hasSize(1);
    }

    @Test
    void start_isRefused_forAQueueThatIsNoDeadLetterQueue_aDestinationOfTheOtherKind_andABadRate() {
        f.queue("dlq");
        f.queue("plain");
        f.queue("other.fifo");
        f.queue("orders", withDeadLetters("dlq", 1));

        assertRefused(() -> service.startMoveTask("plain", null, null))
                .satisfies(e -> assertThat(e.getMessage()).contains("dead-letter queue of no queue"));
        assertRefused(() -> service.startMoveTask("dlq", "other.fifo", null))
                .satisfies(e -> assertThat(e.getMessage()).contains("same kind"));
        assertRefused(() -> service.startMoveTask("dlq", "dlq", null));
        assertRefused(() -> service.startMoveTask("dlq", null, 0));
        assertRefused(() -> service.startMoveTask("dlq", null, 501));
        assertThatThrownBy(() -> service.startMoveTask("missing", null, null))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND));
        assertThatThrownBy(() -> service.startMoveTask("dlq", "missing", null))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND));
        assertThat(service.moveTasks("dlq", 10)).isEmpty();
    }

    @Test
    void moveTasks_listsNewestFirst_atMostAsAsked_andOnlyOfTheQueueAsItIsNow() {
        f.queue("dlq");
        f.queue("orders", withDeadLetters("dlq", 1));
        MoveTask first = service.startMoveTask("dlq", null, null);
        f.clock.advance(Duration.ofSeconds(1));
        MoveTask second = service.startMoveTask("dlq", null, null);
        f.clock.advance(Duration.ofSeconds(1));
        MoveTask third = service.startMoveTask("dlq", null, 10);

        assertThat(service.moveTasks("dlq", 10)).containsExactly(third, second, first);
        assertThat(service.moveTasks("dlq", 2)).containsExactly(third, second);
        assertRefused(() -> service.moveTasks("dlq", 0));
        assertRefused(() -> service.moveTasks("dlq", 11));

        // a queue created again under the name is another queue: the old one's tasks are not its own
        service.updateQueue("orders", a -> ServiceFixture.attributes());
        service.deleteQueue("dlq");
        f.queue("dlq");
        assertThat(service.moveTasks("dlq", 10)).isEmpty();

        // and their records go after 14 days
        f.queue("orders2", withDeadLetters("dlq", 1));
        service.startMoveTask("dlq", null, null);
        f.clock.advance(Duration.ofDays(14).plusSeconds(1));
        assertThat(service.moveTasks("dlq", 10)).isEmpty();
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            ThrowingCallable call) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    /** Sends {@code n} messages to {@code queue} (maxReceiveCount 1) and has each moved to its dead-letter queue. */
    private void deadLetter(String queue, int n) {
        for (int i = 0; i < n; i++) {
            f.send(queue, queue + "-" + i);
        }
        int received = 0;
        while (received < n) {
            List<ReceivedMessage> got = f.receive(queue, 10, 5);
            assertThat(got).isNotEmpty();
            received += got.size();
        }
        f.clock.advance(Duration.ofSeconds(6));
        while (!f.receive(queue, 10).isEmpty()) {
            // nothing: each receive moves what it reads past its receive count
        }
        assertThat(service.browse(queue, 10, null).items()).isEmpty();
    }
}
