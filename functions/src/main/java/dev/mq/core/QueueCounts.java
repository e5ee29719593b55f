package dev.mq.core;

import dev.mq.core.StoredMessage.MessageState;
import java.time.Instant;

/**
 * A queue's messages as the counter kept them: how many stored messages were visible, in flight and
 * delayed when they were last written. Time changes a message's state without a write (a delay ends, a
 * lease runs out), so these are what a stats read starts from, not its answer: see
 * {@link #countedAs(MessageKey, Instant, int)} and {@code QueueService}'s stats.
 */
public record QueueCounts(long visible, long inFlight, long delayed) {
    public static final QueueCounts NONE = new QueueCounts(0, 0, 0);

    /**
     * The state a stored message is counted in, from what its item holds alone (never from the time it
     * is looked at), so the count a write of the item adds is exactly the count its later change or
     * removal takes away:
     * <ul>
     *   <li>parked (a standard queue's delayed and leased messages): delayed if never received, else in
     *       flight;</li>
     *   <li>waiting: visible if it was visible when it arrived ({@code visibleAt} not after the arrival
     *       time its id carries), else delayed if never received, else in flight (a FIFO queue's queue
     *       delay and its leases, which stay in place).</li>
     * </ul>
     */
    public static MessageState countedAs(MessageKey key, Instant visibleAt, int receiveCount) {
        if (!key.isParked()) {
            Instant arrived = MessageIds.arrivalOf(key.id());
            if (arrived == null || !visibleAt.isAfter(arrived)) {
                return MessageState.VISIBLE;
            }
        }
        return receiveCount == 0 ? MessageState.DELAYED : MessageState.IN_FLIGHT;
    }

    public static MessageState countedAs(StoredMessage m) {
        return countedAs(m.key(), m.visibleAt(), m.receiveCount());
    }
}
