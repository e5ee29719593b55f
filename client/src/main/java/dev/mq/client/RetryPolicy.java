package dev.mq.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the client tries a request again: after a connection that never opened, and, for requests that
 * are safe to repeat, after {@code 429 Throttled}, {@code 503 Unavailable}, {@code 504}, a timeout or a
 * broken connection. The pause grows exponentially from {@code baseDelay} to {@code maxDelay} with full jitter
 * (a random pause up to the bound), so clients that failed together do not retry together; a
 * {@code Retry-After} answer is a floor. A request that is not safe to repeat (a send without a
 * {@code deduplicationId}, a redrive) is not retried once the server may have acted on it: the client
 * throws {@link MqException.OutcomeUnknown} instead.
 *
 * @param maxAttempts attempts in all, the first included; 1 turns retries off
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
    }

    /** 5 attempts, pauses up to 100 ms, 200 ms, 400 ms, 800 ms (capped at 5 s). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The pause before attempt {@code attempt + 1}, after {@code attempt} failed (1 for the first). */
    Duration pauseAfter(int attempt, Duration retryAfter) {
        long bound = baseDelay.toMillis();
        for (int i = 1; i < attempt && bound < maxDelay.toMillis(); i++) {
            bound *= 2;
        }
        bound = Math.min(bound, maxDelay.toMillis());
        long millis = bound == 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
        if (retryAfter != null) {
            millis = Math.max(millis, retryAfter.toMillis());
        }
        return Duration.ofMillis(millis);
    }
}
