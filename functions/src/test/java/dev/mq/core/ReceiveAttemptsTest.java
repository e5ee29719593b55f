package dev.mq.core;

import static dev.mq.core.ServiceFixture.fifoMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiveAttemptsTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    /** One shard, so a receive takes the groups in send order. */
    final ServiceFixture f = new ServiceFixture(db.client(), db.freshTables(), 1);

    final QueueService service = f.service;

    private List<ReceivedMessage> receive(String queue, int max, Integer visibility, String attemptId) {
        return service.receive(queue, new ReceiveOptions(max, 0, visibility, attemptId));
    }

    @Test
    void retryWithTheSameAttemptId_answersTheSameMessagesUnderTheSameHandles_andANewIdTakesOthers() {
        f.queue("q.fifo");
        f.send("q.fifo", fifoMessage("a", "G1"));
        f.send("q.fifo", fifoMessage("b", "G2"));
        f.send("q.fifo", fifoMessage("c", "G3"));

        List<ReceivedMessage> first = receive("q.fifo", 2, 60, "attempt-1");
        assertThat(first).extracting(ReceivedMessage::body).containsExactly("a", "b");
        f.clock.advance(Duration.ofSeconds(30));

        List<ReceivedMessage> retried = receive("q.fifo", 2, 60, "attempt-1");
        assertThat(retried).isEqualTo(first);

        // the retry started the visibility timeout again: still hidden 60 s after the first receive
        f.clock.advance(Duration.ofSeconds(40));
        assertThat(receive("q.fifo", 10, 60, "attempt-2"))
                .extracting(ReceivedMessage::body)
                .containsExactly("c");
        first.forEach(m -> service.ack("q.fifo", m.receiptHandle()));
    }

    @Test
    void retryAfterAMessageOfTheAttemptWasDeleted_isANewReceive() {
        f.queue("q.fifo");
        f.send("q.fifo", fifoMessage("a", "G1"));
        f.send("q.fifo", fifoMessage("b", "G1"));

        List<ReceivedMessage> first = receive("q.fifo", 1, 60, "attempt-1");
        service.ack("q.fifo", first.get(0).receiptHandle());

        assertThat(receive("q.fifo", 1, 60, "attempt-1"))
                .extracting(ReceivedMessage::body)
                .containsExactly("b");
    }

    @Test
    void attempt_isForgottenAfterFiveMinutes() {
        f.queue("q.fifo");
        f.send("q.fifo", fifoMessage("a", "G1"));
        List<ReceivedMessage> first = receive("q.fifo", 1, 900, "attempt-1");

        f.clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(receive("q.fifo", 1, 900, "attempt-1")).isEqualTo(first);

        f.clock.advance(Duration.ofSeconds(2));
        // a new receive: the message is still in flight, so there is nothing to take
        assertThat(receive("q.fifo", 1, 900, "attempt-1")).isEmpty();
    }

    @Test
    void standardQueue_ignoresTheAttemptId() {
        f.queue("q");
        f.send("q", "a");
        f.send("q", "b");

        List<ReceivedMessage> first = receive("q", 1, 60, "attempt-1");
        List<ReceivedMessage> second = receive("q", 1, 60, "attempt-1");

        assertThat(second).hasSize(1);
        assertThat(second.get(0).messageId()).isNotEqualTo(first.get(0).messageId());
        assertThat(receive("q", 1, 60, "not valid on FIFO queues")).isEmpty();
    }

    @Test
    void attemptIdOfOtherCharacters_isRefused() {
        f.queue("q.fifo");
        assertThatThrownBy(() -> receive("q.fifo", 1, 60, "has spaces"))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThatThrownBy(() -> receive("q.fifo", 1, 60, "x".repeat(129))).isInstanceOf(QueueException.class);
    }
}
