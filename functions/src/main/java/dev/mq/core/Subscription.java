package dev.mq.core;

import dev.mq.core.filters.FilterScope;
import java.time.Instant;

/**
 * A subscription of one topic incarnation: to a queue, or to an endpoint with its signing secret.
 * {@code filterJson} is the filter as written (null for none), matched against what {@code filterScope}
 * names (never null).
 */
public record Subscription(
        String topic,
        String name,
        String topicIncarnation,
        String queue,
        String endpoint,
        String secret,
        String filterJson,
        FilterScope filterScope,
        String deadLetterQueue,
        Instant createdAt) {

    /** Same target and settings; the creation time and secret rotation aside. */
    public boolean sameSettings(Subscription other) {
        return java.util.Objects.equals(queue, other.queue)
                && java.util.Objects.equals(endpoint, other.endpoint)
                && java.util.Objects.equals(secret, other.secret)
                && java.util.Objects.equals(filterJson, other.filterJson)
                && filterScope == other.filterScope
                && java.util.Objects.equals(deadLetterQueue, other.deadLetterQueue);
    }
}
