package dev.mq.store;

/**
 * The conditions of the queue store's writes, one per invariant, kept together: each decides who wins
 * a race, and a failed one is a domain outcome (taken, lost, changed), never an error.
 */
final class Conditions {
    /** A lease is taken only from a visible, unexpired message whose lease is still the one read. */
    static final String LEASE_FROM_READ = "visibleAt <= :now AND expiresAt > :nowSec AND ";

    static final String NEVER_LEASED = "attribute_not_exists(lease)";
    static final String SAME_LEASE_AS_READ = "lease = :read";
    /** Ack and visibility change act only for the current lease. */
    static final String CURRENT_LEASE = "lease = :token";

    static final String NEW_ITEM = "attribute_not_exists(pk)";
    /** A change applies to the incarnation and version it was made from. */
    static final String SAME_VERSION = "inc = :inc AND ver = :ver";

    /**
     * A consumer is created where none of its name exists for the queue's incarnation: one left by an
     * earlier incarnation is replaced, one of this incarnation wins and is answered.
     */
    static final String NO_CURRENT_CONSUMER = "attribute_not_exists(pk) OR qinc <> :inc";
    /** A consumer is deleted only for the incarnation it was read with. */
    static final String SAME_QUEUE_INCARNATION = "qinc = :inc";

    private Conditions() {}
}
