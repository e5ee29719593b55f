package dev.mq.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.filters.FilterScope;

/**
 * What a subscription is asked to be: a copy of each matching message into a standard queue, or a signed
 * POST of it to an endpoint, with the secret that signs it. {@code filter} is as written (null: every
 * message), checked by {@link TopicService#subscribe} against SNS's filter-policy rules.
 */
public record SubscriptionSpec(
        String queue,
        String endpoint,
        String secret,
        JsonNode filter,
        FilterScope filterScope,
        String deadLetterQueue) {
    public SubscriptionSpec {
        filterScope = filterScope == null ? FilterScope.ATTRIBUTES : filterScope;
    }
}
