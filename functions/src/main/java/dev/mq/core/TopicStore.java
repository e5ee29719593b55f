package dev.mq.core;

import java.time.Instant;
import java.util.Optional;

/** The persistence port of {@link TopicService}: topics, subscriptions and the topic log. */
public interface TopicStore {

    Optional<TopicConfig> getTopic(String name);

    /** Creates the topic unless one of that name exists; answers the existing one in that case. */
    Optional<TopicConfig> createTopic(TopicConfig topic);

    /** Removes the topic and its subscriptions; answers the removed topic, if there was one. */
    Optional<TopicConfig> deleteTopic(String name);

    /** Topics sorted by name, after {@code afterName}; {@code next} is the last name when more follow. */
    Page<TopicConfig> listTopics(int limit, String afterName);

    Optional<Subscription> getSubscription(String topic, String name);

    /** Writes the subscription, replacing one of the same name. */
    void putSubscription(Subscription subscription);

    boolean deleteSubscription(String topic, String name);

    Page<Subscription> listSubscriptions(String topic, int limit, String afterName);

    /** Appends to the topic log, whose stream feeds the fan-out. */
    void publish(TopicMessage message, Instant keepUntil);

    /** As {@link #publish}, unless {@code dedupId} was used within its window: then the first id. */
    Optional<String> publishDeduplicated(
            TopicMessage message, Instant keepUntil, String dedupId, Instant dedupExpiresAt, Instant now);

    /** Removes log entries and deduplication records past their time (for stores without TTL). */
    long deleteExpired(Instant now);
}
