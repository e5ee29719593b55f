package dev.mq.core;

import dev.mq.model.Filter;
import java.time.Instant;

/**
 * A subscription of one topic incarnation: to a queue, or to an endpoint with its signing secret.
 * {@code filterJson} is the filter as written (null for none); {@link #filter()} is it parsed.
 */
public record Subscription(String topic, String name, String topicIncarnation, String queue, String endpoint,
                           String secret, String filterJson, String deadLetterQueue, Instant createdAt) {

    public Filter filter() {
        return filterJson == null ? null : Filter.parse(dev.mq.model.Json.parseObject(filterJson));
    }

    /** Same target and settings; the creation time and secret rotation aside. */
    public boolean sameSettings(Subscription other) {
        return java.util.Objects.equals(queue, other.queue) && java.util.Objects.equals(endpoint, other.endpoint)
                && java.util.Objects.equals(secret, other.secret) && java.util.Objects.equals(filterJson, other.filterJson)
                && java.util.Objects.equals(deadLetterQueue, other.deadLetterQueue);
    }
}
