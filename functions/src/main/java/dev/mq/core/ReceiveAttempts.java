package dev.mq.core;

import dev.mq.model.QueueException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * SQS's ReceiveRequestAttemptId on FIFO queues: a receive that names an attempt records the leases it
 * took for {@link #WINDOW}; a retry with the same id within it, while every one of those messages is
 * still hidden under the lease it was given (none deleted, none made visible, none received by another
 * since), answers the same messages under the same receipt handles and starts their visibility timeout
 * again. Otherwise the retry is a new receive, recorded under the id in place of the first.
 *
 * <p>Costs only for receives that name an attempt: one put of ~100 bytes a message (a receive of 10:
 * 2 write units); a retry reads the record (1 read unit), each message (1 read unit per 4 KB) and extends
 * each lease (1 write unit per KB).
 */
final class ReceiveAttempts {
    private static final Logger LOG = Logger.getLogger(ReceiveAttempts.class.getName());
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** SQS's rule: up to 128 of the letters, digits and punctuation of ASCII. */
    private static final Pattern ATTEMPT_ID = Pattern.compile("[\\p{Alnum}\\p{Punct}]{1,128}");

    private final QueueStore store;
    private final QueueCatalog catalog;
    private final ReceiptHandles receipts;

    ReceiveAttempts(QueueStore store, QueueCatalog catalog, ReceiptHandles receipts) {
        this.store = store;
        this.catalog = catalog;
        this.receipts = receipts;
    }

    static void check(String attemptId) {
        if (!ATTEMPT_ID.matcher(attemptId).matches()) {
            throw QueueException.invalid(
                    "attemptId must be 1 to 128 letters, digits and punctuation characters of ASCII");
        }
    }

    /** The attempt's messages again, when a receive recorded them and each is still held by its lease. */
    Optional<List<ReceivedMessage>> retry(QueueConfig config, String attemptId, int timeoutSeconds) {
        Instant now = catalog.now();
        Optional<List<QueueStore.Lease>> recorded = store.receiveAttempt(config.incarnation(), attemptId, now);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        List<StoredMessage> held = new ArrayList<>();
        for (QueueStore.Lease lease : recorded.get()) {
            Optional<StoredMessage> message = store.get(lease.key());
            if (message.isEmpty()
                    || !lease.token().equals(message.get().leaseToken())
                    || message.get().visibleAt(now)) {
                return Optional.empty(); // deleted, given back, or its lease ran out: this retry is a new receive
            }
            held.add(message.get());
        }
        List<ReceivedMessage> again = new ArrayList<>();
        for (int i = 0; i < held.size(); i++) {
            QueueStore.Lease lease = recorded.get().get(i);
            StoredMessage m = held.get(i);
            if (store.changeVisibility(lease.key(), lease.token(), now.plusSeconds(timeoutSeconds))
                    != QueueStore.LeaseOutcome.DONE) {
                return Optional.empty();
            }
            again.add(Receiving.received(
                    m,
                    receipts.issue(config.name(), lease.key(), lease.token()),
                    m.receiveCount(),
                    m.firstReceivedAt()));
        }
        return Optional.of(again);
    }

    /** Records what a receive named {@code attemptId} leased; a receive that leased nothing leaves no record. */
    void record(QueueConfig config, String attemptId, List<ReceivedMessage> received) {
        if (received.isEmpty()) {
            return;
        }
        List<QueueStore.Lease> leases = received.stream()
                .map(r -> receipts.open(config.name(), r.receiptHandle()))
                .map(receipt -> new QueueStore.Lease(receipt.key(), receipt.leaseToken()))
                .toList();
        try {
            store.putReceiveAttempt(
                    config.incarnation(), attemptId, leases, catalog.now().plus(WINDOW));
        } catch (QueueException e) {
            // the messages are leased and must reach the caller; a retry of this attempt is then a new receive
            LOG.warning(() -> "receive attempt " + attemptId + " on " + config.name() + " not recorded ("
                    + e.code().code() + ")");
        }
    }
}
