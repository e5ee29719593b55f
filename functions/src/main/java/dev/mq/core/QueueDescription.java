package dev.mq.core;

import dev.mq.model.QueueAttributes;
import java.time.Instant;
import java.util.Map;

/**
 * A queue as its owner sees it; {@code stats} only where they were read (a get), else null.
 * {@code modifiedAt} is when its attributes last changed (its creation, if they never did); {@code tags}
 * never null.
 */
public record QueueDescription(
        String name,
        boolean fifo,
        Instant createdAt,
        Instant modifiedAt,
        QueueAttributes attributes,
        Map<String, String> tags,
        QueueStats stats) {}
