package dev.mq.core;

import dev.mq.model.QueueException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A snapshot of every queue's depth for monitoring: what the scheduled metrics function emits and the
 * stack's alarms watch. It costs one stats read per queue (a counts item and a few messages at the heads
 * of its partitions, whatever its backlog), once a minute.
 */
public final class QueueMetrics {
    private static final int PAGE = 1000;

    private final QueueService queues;

    public QueueMetrics(QueueService queues) {
        this.queues = queues;
    }

    /** One queue's depth; {@code deadLetter} when another queue names it as its dead-letter queue. */
    public record QueueDepth(String queue, boolean deadLetter, QueueStats stats) {}

    /**
     * The deployment's totals: messages waiting in dead-letter queues, and the age of the oldest visible
     * message in any other queue (a consumer that stopped shows here first; a message scheduled for
     * later, or in flight, is not late).
     */
    public record Snapshot(List<QueueDepth> queues, long deadLetterMessages, long oldestMessageAgeSeconds) {}

    public Snapshot snapshot() {
        List<QueueDescription> described = new ArrayList<>();
        String next = null;
        do {
            Page<QueueSummary> page = queues.listQueues(null, PAGE, next);
            for (QueueSummary summary : page.items()) {
                try {
                    described.add(queues.getQueue(summary.name()));
                } catch (QueueException e) {
                    if (e.code() != dev.mq.model.ErrorCode.QUEUE_NOT_FOUND) {
                        throw e;
                    }
                    // deleted since the listing: nothing to report
                }
            }
            next = page.next();
        } while (next != null);

        Set<String> deadLetterQueues = new HashSet<>();
        described.forEach(q -> {
            if (q.attributes().deadLetterQueue() != null) {
                deadLetterQueues.add(q.attributes().deadLetterQueue());
            }
        });
        List<QueueDepth> depths = new ArrayList<>();
        long deadLetterMessages = 0;
        long oldest = 0;
        for (QueueDescription q : described) {
            boolean deadLetter = deadLetterQueues.contains(q.name());
            QueueStats stats = q.stats();
            depths.add(new QueueDepth(q.name(), deadLetter, stats));
            if (deadLetter) {
                deadLetterMessages += stats.visible() + stats.inFlight() + stats.delayed();
            } else {
                oldest = Math.max(oldest, stats.oldestMessageAgeSeconds());
            }
        }
        return new Snapshot(depths, deadLetterMessages, oldest);
    }
}
