package dev.mq.core;

/**
 * Where a message lives: queue incarnation, shard and its position, a time-ordered id given when it
 * arrived in this queue, so a shard's items read in arrival order. A sent message's first position is
 * its messageId; a message moved to a dead-letter queue or redriven gets a new position there and keeps
 * its messageId (see {@link StoredMessage#messageId()}).
 */
public record MessageKey(String incarnation, int shard, String position) {}
