package dev.mq.delivery;

import dev.mq.core.AckOutcome;
import dev.mq.core.Consumer;
import dev.mq.core.QueueConfig;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * One push delivery round for one consumer: lease a batch exactly as a receive does (the consumer's
 * batch size, the queue's visibility timeout, so receive counts and dead-letter moves at
 * {@code maxReceiveCount} are those of a pull), hand it over as a {@link PushEvent}, and settle by the
 * answer:
 * <ul>
 *   <li>records the answer's {@code batchItemFailures} name stay leased and come back when their
 *       visibility timeout ends; every other record is acknowledged;</li>
 *   <li>a failed invocation (error, timeout, non-2xx, an answer that is not a batch response) leaves the
 *       whole batch leased;</li>
 *   <li>FIFO: each event holds one message group's messages in order (a receive may lease several groups:
 *       they are handed over one group after the other), and the first failed record keeps the group's
 *       later records leased too, so the group's order holds; so does the first ack that fails (its
 *       records are acked one after the other).</li>
 * </ul>
 * A FIFO receive's groups share one lease, so the queue's visibility timeout should cover handing over
 * a batch's groups one after the other, as it should cover the consumer's own run time (an SQS event
 * source mapping asks the same of its queue). Acknowledgement follows the answer, so a consumer may see
 * a message twice (at least once). Logs name
 * queues, consumers and message ids, never bodies, endpoints or secrets.
 */
public final class PushDelivery {
    private static final Logger LOG = Logger.getLogger(PushDelivery.class.getName());

    /**
     * Where events say they come from: {@code eventSourceARN} is {@code arn:aws:sqs:<region>:<account>:<queue>},
     * as the SQS-compatible endpoint names queues.
     */
    public record EventSource(String region, String account) {
        /** The local server's: region us-east-1, account 000000000000. */
        public static EventSource local() {
            return new EventSource("us-east-1", "000000000000");
        }

        String arnOf(String queue) {
            return "arn:aws:sqs:" + region + ":" + account + ":" + queue;
        }
    }

    private final QueueService queues;
    private final PushInvoker endpoints;
    private final PushInvoker functions;
    private final EventSource source;
    private final Clock clock;

    /**
     * @param endpoints invokes endpoint consumers
     * @param functions invokes function consumers
     * @param clock     times the batch window
     */
    public PushDelivery(
            QueueService queues, PushInvoker endpoints, PushInvoker functions, EventSource source, Clock clock) {
        this.queues = queues;
        this.endpoints = endpoints;
        this.functions = functions;
        this.source = source;
        this.clock = clock;
    }

    /**
     * Leases one batch for {@code consumer}, invokes it and settles the batch. Answers how many messages it
     * leased: 0 when nothing was due (or the consumer's queue incarnation is gone). Store failures are
     * thrown; messages already leased then come back after their visibility timeout.
     */
    public int deliverOnce(Consumer consumer) {
        QueueConfig queue;
        try {
            queue = queues.queueConfig(consumer.queue());
        } catch (QueueException e) {
            if (e.code() == ErrorCode.QUEUE_NOT_FOUND) {
                return 0;
            }
            throw e;
        }
        if (!queue.incarnation().equals(consumer.queueIncarnation())) {
            return 0; // the queue was deleted and made again: this consumer was of the old one
        }
        List<ReceivedMessage> batch = lease(consumer);
        if (batch.isEmpty()) {
            return 0;
        }
        if (queue.fifo()) {
            for (List<ReceivedMessage> group : byGroup(batch)) {
                handOver(consumer, group, true);
            }
        } else {
            handOver(consumer, batch, false);
        }
        return batch.size();
    }

    /**
     * Up to {@code batchSize} messages; when fewer were due and the consumer has a batch window, waits up
     * to that long (long polls) for more, and stops as soon as the batch is full.
     */
    private List<ReceivedMessage> lease(Consumer consumer) {
        List<ReceivedMessage> batch =
                new ArrayList<>(queues.receive(consumer.queue(), new ReceiveOptions(consumer.batchSize(), 0, null)));
        if (batch.isEmpty() || consumer.batchWindowSeconds() == 0) {
            return batch;
        }
        Instant windowEnds = clock.instant().plusSeconds(consumer.batchWindowSeconds());
        while (batch.size() < consumer.batchSize()) {
            Duration left = Duration.between(clock.instant(), windowEnds);
            if (left.isNegative() || left.isZero()) {
                break;
            }
            int waitSeconds = (int) Math.min(consumer.batchWindowSeconds(), Math.max(1, left.toSeconds()));
            List<ReceivedMessage> more;
            try {
                more = queues.receive(
                        consumer.queue(), new ReceiveOptions(consumer.batchSize() - batch.size(), waitSeconds, null));
            } catch (QueueException e) {
                break; // hand over what is leased: it would otherwise stay hidden for its whole timeout
            }
            batch.addAll(more);
        }
        return latestLeaseOfEach(batch);
    }

    /**
     * A window as long as the visibility timeout lets the first messages' leases run out while it waits,
     * so a later receive of the same window may lease them again: keep each message once, with its newest
     * lease (the older receipt no longer acks it), where it first came.
     */
    static List<ReceivedMessage> latestLeaseOfEach(List<ReceivedMessage> batch) {
        Map<String, ReceivedMessage> byId = new LinkedHashMap<>();
        for (ReceivedMessage message : batch) {
            byId.put(message.messageId(), message);
        }
        return byId.size() == batch.size() ? batch : new ArrayList<>(byId.values());
    }

    /** A FIFO receive's messages by group, each group in the order received (its send order). */
    static List<List<ReceivedMessage>> byGroup(List<ReceivedMessage> messages) {
        Map<String, List<ReceivedMessage>> groups = new LinkedHashMap<>();
        for (ReceivedMessage message : messages) {
            groups.computeIfAbsent(message.groupId(), g -> new ArrayList<>()).add(message);
        }
        return new ArrayList<>(groups.values());
    }

    private void handOver(Consumer consumer, List<ReceivedMessage> batch, boolean ordered) {
        byte[] event = PushEvent.of(batch, source.arnOf(consumer.queue()), source.region());
        PushInvoker.Result result = (consumer.isFunction() ? functions : endpoints).invoke(consumer, event);
        String who = consumer.queue() + "/" + consumer.name();
        if (result instanceof PushInvoker.Result.Failed failed) {
            LOG.info(() -> "consumer " + who + " failed a batch of " + batch.size() + " (" + failed.detail()
                    + "); it comes back after its visibility timeout");
            return;
        }
        Set<String> ids = batch.stream().map(ReceivedMessage::messageId).collect(Collectors.toSet());
        Set<String> failedIds;
        try {
            failedIds = PushEvent.failedIds(((PushInvoker.Result.Answered) result).payload(), ids);
        } catch (IllegalArgumentException unreadable) {
            LOG.info(() -> "consumer " + who + " answered a batch of " + batch.size() + " unreadably ("
                    + unreadable.getMessage() + "); it comes back after its visibility timeout");
            return;
        }
        List<String> handles = new ArrayList<>();
        for (ReceivedMessage message : batch) {
            if (failedIds.contains(message.messageId())) {
                if (ordered) {
                    break; // the group's later messages wait behind the failed one
                }
                continue;
            }
            handles.add(message.receiptHandle());
        }
        if (!failedIds.isEmpty()) {
            LOG.fine(() -> "consumer " + who + " failed " + failedIds + "; they come back after their timeout");
        }
        if (handles.isEmpty()) {
            return;
        }
        if (ordered) {
            acknowledgeInOrder(consumer, who, handles);
            return;
        }
        for (AckOutcome outcome : queues.ackAll(consumer.queue(), handles)) {
            if (!outcome.ok()) {
                // the lease ran out before the answer came: another receive holds the message now
                LOG.info(() -> "consumer " + who + ": a delivered message could not be acknowledged ("
                        + outcome.error().code().code() + ")");
            }
        }
    }

    /**
     * A FIFO group's acks one after the other, stopping at the first that fails: were a later message
     * acked while an earlier one stays (its ack failed), the earlier one would be handed over again after
     * its group had moved on. What is left unacked comes back, in order, after its visibility timeout.
     */
    private void acknowledgeInOrder(Consumer consumer, String who, List<String> handles) {
        for (int i = 0; i < handles.size(); i++) {
            try {
                queues.ack(consumer.queue(), handles.get(i));
            } catch (QueueException e) {
                int left = handles.size() - i;
                LOG.info(
                        () -> "consumer " + who + ": an ack failed (" + e.code().code() + "); the group's " + left
                                + " message(s) from there come back after their timeout");
                return;
            }
        }
    }
}
