package dev.mq.core;

import dev.mq.model.QueueAttributes;
import java.time.Instant;
import java.util.Map;

/**
 * A queue as the catalog holds it. The incarnation is a random id given at creation and part of every
 * message, deduplication and receipt key, so a queue deleted and created again starts truly empty.
 * The shard count is fixed per incarnation, so it can change between releases without stranding messages.
 * The version counts the writes of the entry (attributes and tags), so two concurrent changes cannot
 * overwrite each other. {@code modifiedAt} is when the attributes last changed (tags do not count).
 * The tags live in the same entry, so the settings a send or receive reads carry them at no extra read.
 */
public record QueueConfig(
        String name,
        boolean fifo,
        Instant createdAt,
        String incarnation,
        int shards,
        QueueAttributes attributes,
        long version,
        Instant modifiedAt,
        Map<String, String> tags) {

    public QueueConfig {
        modifiedAt = modifiedAt != null ? modifiedAt : createdAt;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** The shard a message goes to: one group's order lives in one partition; others spread at random. */
    public int shardFor(String groupId) {
        return groupId != null ? Math.floorMod(groupId.hashCode(), shards) : MessageIds.randomIndex(shards);
    }

    /** The next version of this queue, with changed attributes, modified {@code at}. */
    public QueueConfig withAttributes(QueueAttributes changed, Instant at) {
        return new QueueConfig(name, fifo, createdAt, incarnation, shards, changed, version + 1, at, tags);
    }

    /** The next version of this queue, with other tags; its attributes, and when they changed, stay. */
    public QueueConfig withTags(Map<String, String> changed) {
        return new QueueConfig(
                name, fifo, createdAt, incarnation, shards, attributes, version + 1, modifiedAt, changed);
    }
}
