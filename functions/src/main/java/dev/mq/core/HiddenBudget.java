package dev.mq.core;

import java.util.Map;

/**
 * Where a lease puts a standard message, the choice between write units and read units. A lease in
 * place is one update (1 write unit for 1 KB: send 1 + lease 1 + ack 1 = 3 a message), but the message
 * stays hidden where receives read, and each one that reads past it pays for it. A lease that parks
 * the message is a transaction (4 write units: 6 a message), and no receive reads it again until it
 * is due. So a receive leases in place while the hidden messages it read past in that partition, and
 * the ones it leases in place, stay within a budget of about what it may return (one message and 1 KB
 * for each message asked for, plus one more); beyond that it parks. A consumer that acks before its
 * next receive (or a few consumers) leases in place; many messages in flight at once are parked, and
 * every receive reads at most about twice what it returns. A hidden message read past beyond the budget
 * (held in flight longer than the consumers that leased beside it, or written by the first layout) is
 * parked by that receive, a few at a time, unless it is due within moments. One budget serves one
 * partition read.
 */
final class HiddenBudget {
    static final long BYTES_PER_MESSAGE_ASKED = 1_024;
    /** The most hidden messages one partition read parks: a receive stays quick whatever it finds. */
    static final int MAX_PARKS = 10;
    /** Bytes and messages (each message read is part of a page, so many small ones cost queries too). */
    private long bytesLeft;

    private int messagesLeft;
    private int parksLeft = MAX_PARKS;

    HiddenBudget(int asked) {
        bytesLeft = (asked + 1L) * BYTES_PER_MESSAGE_ASKED;
        messagesLeft = asked + 1;
    }

    /** A hidden message read past: false once the budget is spent. */
    boolean readPast(long bytes) {
        bytesLeft -= bytes;
        messagesLeft--;
        return bytesLeft >= 0 && messagesLeft >= 0;
    }

    /** Whether a lease of this many bytes may stay in place, hidden where later receives read. */
    boolean leaseInPlace(long bytes) {
        if (bytes > bytesLeft || messagesLeft < 1) {
            return false;
        }
        bytesLeft -= bytes;
        messagesLeft--;
        return true;
    }

    boolean parkAnother() {
        return parksLeft-- > 0;
    }

    /**
     * About what DynamoDB counts for reading the message's item: its body and attributes, and some 200
     * bytes of keys, times and lease.
     */
    static long itemBytes(StoredMessage m) {
        long bytes = 200 + m.body().length();
        for (Map.Entry<String, String> a : m.attributes().entrySet()) {
            bytes += a.getKey().length() + a.getValue().length();
        }
        return bytes;
    }
}
