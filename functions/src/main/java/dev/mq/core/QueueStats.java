package dev.mq.core;

/** A queue's messages by state, and the age of its oldest visible one (0: none). */
public record QueueStats(long visible, long inFlight, long delayed, long oldestMessageAgeSeconds) {}
