package dev.mq.core;

import dev.mq.model.QueueAttributes;
import java.time.Instant;

/**
 * A queue as the catalog holds it. The incarnation is a random id given at creation and part of every
 * message, deduplication and receipt key, so a queue deleted and created again starts truly empty.
 * The shard count is fixed per incarnation, so it can change between releases without stranding messages.
 * The version counts changes of the attributes, so two concurrent changes cannot overwrite each other.
 */
public record QueueConfig(
        String name,
        boolean fifo,
        Instant createdAt,
        String incarnation,
        int shards,
        QueueAttributes attributes,
        long version) {

    /** The shard a message goes to: one group's order lives in one partition; others spread at random. */
    public int shardFor(String groupId) {
        return groupId != null ? Math.floorMod(groupId.hashCode(), shards) : MessageIds.randomIndex(shards);
    }

    /** The next version of this queue, with changed attributes. */
    public QueueConfig withAttributes(QueueAttributes changed) {
        return new QueueConfig(name, fifo, createdAt, incarnation, shards, changed, version + 1);
    }
}
