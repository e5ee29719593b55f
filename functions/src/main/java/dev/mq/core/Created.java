package dev.mq.core;

/**
 * What a create-or-confirm answers: the resource as it now is, and whether this call created it
 * ({@code false}: it existed already, as asked for, and is left as it was).
 */
public record Created<T>(T value, boolean created) {}
