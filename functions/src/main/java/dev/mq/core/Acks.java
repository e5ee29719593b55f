package dev.mq.core;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Acknowledging and changing visibility: only the current lease's receipt handle acts. */
final class Acks {
    private final QueueStore store;
    private final QueueCatalog catalog;
    private final ReceiptHandles receipts;
    private final MessageSignal signal;
    private final SideBySide sideBySide;
    private final LeaseClaims claims;
    private final ParkedSchedule parkedSchedule;

    Acks(
            QueueStore store,
            QueueCatalog catalog,
            ReceiptHandles receipts,
            MessageSignal signal,
            SideBySide sideBySide,
            LeaseClaims claims,
            ParkedSchedule parkedSchedule) {
        this.store = store;
        this.catalog = catalog;
        this.receipts = receipts;
        this.signal = signal;
        this.sideBySide = sideBySide;
        this.claims = claims;
        this.parkedSchedule = parkedSchedule;
    }

    /** Acks one handle: deleted or already gone is success; a superseded lease is {@code LeaseLost}. */
    void ack(String queue, String receiptHandle) {
        QueueConfig config = catalog.requireQueue(queue);
        ReceiptHandles.Receipt receipt = openReceipt(config, receiptHandle);
        claims.forget(receipt.key());
        if (store.delete(receipt.key(), receipt.leaseToken()) == QueueStore.LeaseOutcome.LEASE_LOST) {
            throw leaseLost();
        }
    }

    /**
     * Acks each handle, side by side. A handle's own problem is its entry's error; a store failure is
     * thrown (the others may have been acked: acking again is harmless).
     */
    List<AckOutcome> ackAll(String queue, List<String> receiptHandles) {
        catalog.requireQueue(queue);
        List<Supplier<AckOutcome>> acks = receiptHandles.stream()
                .<Supplier<AckOutcome>>map(handle -> () -> {
                    try {
                        ack(queue, handle);
                        return AckOutcome.acked(handle);
                    } catch (QueueException e) {
                        if (e.code() != ErrorCode.INVALID_RECEIPT_HANDLE && e.code() != ErrorCode.LEASE_LOST) {
                            throw e;
                        }
                        return AckOutcome.refused(handle, e);
                    }
                })
                .toList();
        List<AckOutcome> results = new ArrayList<>();
        for (SideBySide.Outcome<AckOutcome> outcome : sideBySide.run(acks)) {
            if (outcome.error() != null) {
                throw outcome.error();
            }
            results.add(outcome.value());
        }
        return results;
    }

    /**
     * Hides the message for {@code seconds} from now (0 releases it at once). A message already gone
     * is left alone, as for an ack.
     */
    void changeVisibility(String queue, String receiptHandle, int seconds) {
        QueueConfig config = catalog.requireQueue(queue);
        ReceiptHandles.Receipt receipt = openReceipt(config, receiptHandle);
        Instant visibleAt = catalog.now().plusSeconds(seconds);
        QueueStore.LeaseOutcome outcome = store.changeVisibility(receipt.key(), receipt.leaseToken(), visibleAt);
        parkedSchedule.parked(config.incarnation(), receipt.key().shard(), visibleAt);
        claims.forget(receipt.key()); // given back: for any receive at its new visibility time
        if (outcome == QueueStore.LeaseOutcome.LEASE_LOST) {
            throw leaseLost();
        }
        if (seconds == 0) {
            signal.wake(config.incarnation(), 1);
        }
    }

    private ReceiptHandles.Receipt openReceipt(QueueConfig cached, String handle) {
        ReceiptHandles.Receipt receipt = receipts.open(cached.name(), handle);
        QueueConfig config = receipt.key().incarnation().equals(cached.incarnation())
                ? cached
                : catalog.requireQueueFresh(cached.name()); // the cache may predate a re-creation
        if (!receipt.key().incarnation().equals(config.incarnation())
                || receipt.key().shard() < 0
                || receipt.key().shard() >= config.shards()) {
            // Issued by an earlier queue of the same name: it cannot reach this queue's messages.
            throw ReceiptHandles.invalid();
        }
        return receipt;
    }

    private static QueueException leaseLost() {
        return new QueueException(
                ErrorCode.LEASE_LOST,
                "the lease of this receipt handle expired and the message was received again; it was not changed");
    }
}
