package dev.mq.core;

import dev.mq.model.QueueAttributes;
import java.time.Instant;

/** A queue as its owner sees it; {@code stats} only where they were read (a get), else null. */
public record QueueDescription(
        String name, boolean fifo, Instant createdAt, QueueAttributes attributes, QueueStats stats) {}
