package dev.mq.core;

import java.time.Instant;

/** A queue as a listing shows it. */
public record QueueSummary(String name, boolean fifo, Instant createdAt) {}
