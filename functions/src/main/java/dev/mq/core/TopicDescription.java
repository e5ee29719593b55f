package dev.mq.core;

import java.time.Instant;

/** A topic as its owner sees it. */
public record TopicDescription(String name, Instant createdAt) {}
