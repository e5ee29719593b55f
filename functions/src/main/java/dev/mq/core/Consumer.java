package dev.mq.core;

import java.time.Instant;

/**
 * A push consumer of one queue incarnation: the queue hands it batches of leased messages, as an
 * SQS-shaped event, by invoking a Lambda function ({@code functionArn}) or by a signed POST to an
 * endpoint ({@code endpoint}, signed with {@code secret}); exactly one of the two is set.
 *
 * @param batchSize          1-10 messages a batch
 * @param batchWindowSeconds 0-20: how long a partly filled batch may wait for more messages
 * @param maxConcurrency     1-100 batches in flight at once
 */
public record Consumer(
        String queue,
        String name,
        String queueIncarnation,
        String functionArn,
        String endpoint,
        String secret,
        int batchSize,
        int batchWindowSeconds,
        int maxConcurrency,
        Instant createdAt) {

    public boolean isFunction() {
        return functionArn != null;
    }
}
