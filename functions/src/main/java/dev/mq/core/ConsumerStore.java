package dev.mq.core;

import java.util.List;
import java.util.Optional;

/**
 * The persistence port of {@link Consumers}. It answers consumers of any incarnation of their queue; which
 * of them are current is the service's to decide.
 */
public interface ConsumerStore {

    Optional<Consumer> get(String queue, String name);

    /**
     * Writes the consumer unless one of that name exists for the same queue incarnation: then nothing is
     * written and that one is answered. One left from an earlier incarnation is replaced.
     */
    Optional<Consumer> create(Consumer consumer);

    /** Deletes the consumer if it belongs to {@code queueIncarnation}; false when there was none. */
    boolean delete(String queue, String name, String queueIncarnation);

    /** A queue's consumers sorted by name, after {@code afterName}; {@code next} is the last name when more follow. */
    Page<Consumer> list(String queue, int limit, String afterName);

    /** Every consumer of the queue, all pages. */
    List<Consumer> consumersOf(String queue);

    /** Every consumer of every queue, all pages. */
    List<Consumer> all();
}
