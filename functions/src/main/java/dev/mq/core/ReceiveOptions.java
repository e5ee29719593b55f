package dev.mq.core;

/**
 * How one receive asks: at most {@code maxMessages}; {@code waitSeconds} and
 * {@code visibilityTimeoutSeconds} null take the queue's own.
 */
public record ReceiveOptions(int maxMessages, Integer waitSeconds, Integer visibilityTimeoutSeconds) {}
