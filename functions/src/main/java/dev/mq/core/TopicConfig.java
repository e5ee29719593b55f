package dev.mq.core;

import java.time.Instant;

/** A topic as the catalog holds it; the incarnation keeps a re-created topic apart from the old one. */
public record TopicConfig(String name, Instant createdAt, String incarnation) {}
