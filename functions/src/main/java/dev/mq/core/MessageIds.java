package dev.mq.core;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids that sort in send order: 14 hex digits of microseconds since the epoch, strictly
 * increasing within a process, then random hex so ids from different processes never collide.
 * Across processes the order is the clocks' order, which is what FIFO send order rests on: a producer
 * that waits for one send's answer before the next gets increasing ids as long as clocks agree to
 * within that round trip.
 */
public final class MessageIds {
    private static final int ID_TIME_DIGITS = 14;
    private final AtomicLong last = new AtomicLong();

    public String next(Instant now) {
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long id = last.updateAndGet(prev -> Math.max(prev + 1, micros));
        return String.format("%014x-%08x", id, (int) freshRandom());
    }

    /**
     * When the message with this id arrived in its queue (to the microsecond, rounded down to the
     * millisecond), or null for an id not made here.
     */
    public static Instant arrivalOf(String id) {
        if (id.length() < ID_TIME_DIGITS) {
            return null;
        }
        try {
            long micros = Long.parseLong(id.substring(0, ID_TIME_DIGITS), 16);
            return Instant.ofEpochMilli(Math.floorDiv(micros, 1_000L));
        } catch (NumberFormatException notOurs) {
            return null;
        }
    }

    /** The lowest id made at or after {@code at}: every id of a later arrival sorts at or above it. */
    public static String lowestAt(Instant at) {
        return String.format("%014x", at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000);
    }

    /** A random index below {@code bound}, fresh per call (see {@link #freshRandom()}). */
    static int randomIndex(int bound) {
        return (int) Math.floorMod(freshRandom(), (long) bound);
    }

    /**
     * Random bits from {@code UUID.randomUUID()}, whose generator is reseeded by the JVM rather than
     * kept in our state: execution environments restored from one SnapStart snapshot would otherwise
     * draw the same sequence and could give two messages the same key.
     */
    private static long freshRandom() {
        return UUID.randomUUID().getLeastSignificantBits();
    }
}
