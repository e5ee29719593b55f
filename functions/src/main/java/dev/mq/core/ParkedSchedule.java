package dev.mq.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each shard's parked messages are next worth a query, as far as this process knows. A receive reads
 * the parked messages of a shard (expired leases, delayed messages come due) only when one may be due:
 * when the last read said so, when this process parked one sooner, or a second after the last read, for
 * what other processes parked meanwhile. So a busy consumer pays one query a message, not two, and a
 * message another process parks to be due at once is seen within that second.
 */
final class ParkedSchedule {
    /** How long what other processes park can go unseen. */
    static final Duration RECHECK = Duration.ofSeconds(1);
    /** Past this many shards, the ones whose time has come are dropped on the next record. */
    private static final int SWEEP_AT = 4_096;

    /** The next time each shard (incarnation#shard) is worth a query, in epoch milliseconds. */
    private final ConcurrentHashMap<String, Long> next = new ConcurrentHashMap<>();

    boolean worthReading(String incarnation, int shard, Instant now) {
        Long at = next.get(key(incarnation, shard));
        return at == null || at <= now.toEpochMilli();
    }

    /**
     * After a read at {@code now} that went to the end of what was due: the next message is due at
     * {@code nextDue} (null: none was seen). A read that stopped early (its batch was full) records nothing.
     */
    void read(String incarnation, int shard, Instant now, Instant nextDue) {
        long recheck = now.plus(RECHECK).toEpochMilli();
        if (next.size() > SWEEP_AT) {
            long nowMillis = now.toEpochMilli();
            next.values().removeIf(at -> at <= nowMillis);
        }
        next.put(key(incarnation, shard), nextDue == null ? recheck : Math.min(recheck, nextDue.toEpochMilli()));
    }

    /** This process parked a message of the shard to be due at {@code due}. */
    void parked(String incarnation, int shard, Instant due) {
        next.computeIfPresent(key(incarnation, shard), (k, at) -> Math.min(at, due.toEpochMilli()));
    }

    private static String key(String incarnation, int shard) {
        return incarnation + "#" + shard;
    }
}
