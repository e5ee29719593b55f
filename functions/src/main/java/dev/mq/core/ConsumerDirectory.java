package dev.mq.core;

import java.util.List;

/**
 * Where push delivery learns which consumers exist: the consumers of one queue (for a stream record that
 * says a message arrived there) and every consumer (for the sweep that finds delayed messages coming due
 * and leases that ran out). Answers may be a few seconds old (cached), as queue settings are.
 */
public interface ConsumerDirectory {
    /** The consumers of the queue's current incarnation; empty when it has none or does not exist. */
    List<Consumer> consumersOf(String queue);

    /** Every consumer of every queue. */
    List<Consumer> all();
}
