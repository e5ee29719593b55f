package dev.mq.core;

import java.time.Instant;

/**
 * A message move task: moves the messages of a dead-letter queue ({@code source}) to {@code destination},
 * or, when that is null, each back to the queue it came from.
 *
 * @param taskHandle names this task (opaque)
 * @param maxPerSecond the most messages moved a second, or null: as fast as they go
 * @param moved how many messages the task has moved so far
 * @param toMove how many messages the source held (visible) when the task started: an approximation,
 *     as SQS's ApproximateNumberOfMessagesToMove is
 * @param failureReason why a {@code FAILED} task stopped; null otherwise
 */
public record MoveTask(
        String taskHandle,
        Status status,
        String source,
        String destination,
        Integer maxPerSecond,
        long moved,
        long toMove,
        String failureReason,
        Instant startedAt) {

    public enum Status {
        RUNNING,
        COMPLETED,
        CANCELLING,
        CANCELLED,
        FAILED
    }

    MoveTask withStatus(Status status, String failureReason) {
        return new MoveTask(
                taskHandle, status, source, destination, maxPerSecond, moved, toMove, failureReason, startedAt);
    }
}
