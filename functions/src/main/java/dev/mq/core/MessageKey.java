package dev.mq.core;

/** Where a message lives: queue incarnation, shard and its time-ordered message id. */
public record MessageKey(String incarnation, int shard, String messageId) {}
