package dev.mq.core;

import java.time.Instant;

/**
 * Where a message lives: queue incarnation, shard and its position. A message waiting to be received
 * has its arrival id as position (time-ordered, so a shard's waiting messages read in arrival order). A
 * standard-queue message that is hidden, delayed or leased, is parked: its position is the time it is
 * due, then its arrival id ({@code <due millis, 13 digits>#<id>}), so a receive finds what is due without
 * reading what is not (see {@code DynamoDbQueueStore}). A sent message's first id is its messageId; a
 * message moved to a dead-letter queue or redriven gets a new id there and keeps its messageId (see
 * {@link StoredMessage#messageId()}).
 */
public record MessageKey(String incarnation, int shard, String position) {
    private static final char DUE_SEPARATOR = '#';

    /** The position of {@code id} parked until {@code due}. */
    public static MessageKey parked(String incarnation, int shard, Instant due, String id) {
        return new MessageKey(incarnation, shard, dueKey(due) + DUE_SEPARATOR + id);
    }

    /** The due part of a parked position: every parked position due at or before {@code due} sorts below it. */
    public static String dueKey(Instant due) {
        return String.format("%013d", due.toEpochMilli());
    }

    public boolean isParked() {
        return position.indexOf(DUE_SEPARATOR) >= 0;
    }

    /** The arrival id: arrival order within the queue, whether waiting or parked. */
    public String id() {
        int separator = position.indexOf(DUE_SEPARATOR);
        return separator < 0 ? position : position.substring(separator + 1);
    }
}
