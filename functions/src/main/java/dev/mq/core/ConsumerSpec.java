package dev.mq.core;

import java.util.Objects;

/**
 * What a consumer is asked to be: a Lambda function ({@code functionArn}) or an endpoint with the secret
 * that signs its deliveries (exactly one of the two), and its batch and concurrency settings, each
 * within its range (the request parser checks them; {@link Consumers#put} checks the target against
 * what this deployment may reach).
 */
public record ConsumerSpec(
        String functionArn, String endpoint, String secret, int batchSize, int batchWindowSeconds, int maxConcurrency) {

    /** True when {@code consumer} is what this asks for: same target, secret and settings. */
    public boolean sameAs(Consumer consumer) {
        return Objects.equals(functionArn, consumer.functionArn())
                && Objects.equals(endpoint, consumer.endpoint())
                && Objects.equals(secret, consumer.secret())
                && batchSize == consumer.batchSize()
                && batchWindowSeconds == consumer.batchWindowSeconds()
                && maxConcurrency == consumer.maxConcurrency();
    }
}
