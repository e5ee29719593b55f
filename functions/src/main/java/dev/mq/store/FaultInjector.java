package dev.mq.store;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Makes a share of DynamoDB calls fail the way a real deployment sees them fail, for reliability tests
 * and soak runs: throttled, a 5xx, a timeout before the call reached the table, or (the hard one) a
 * call that succeeded on the table whose answer never came back. Attach it to a client with
 * {@code overrideConfiguration(c -> c.addExecutionInterceptor(injector))}. Seeded, so a failing run can
 * be repeated.
 */
public final class FaultInjector implements ExecutionInterceptor {
    /** How a call fails. */
    public enum Fault {
        THROTTLED,
        SERVER_ERROR,
        TIMEOUT,
        LOST_RESPONSE
    }

    private final double rate;
    private final List<Fault> faults;
    private final Random random;
    private final AtomicLong injected = new AtomicLong();

    /** Fails {@code rate} (0..1) of calls, each with one of {@code faults} chosen at random. */
    public FaultInjector(double rate, List<Fault> faults, long seed) {
        if (rate < 0 || rate > 1 || faults.isEmpty()) {
            throw new IllegalArgumentException("rate must be 0..1 and at least one fault given");
        }
        this.rate = rate;
        this.faults = List.copyOf(faults);
        this.random = new Random(seed);
    }

    /** Every kind of fault, at {@code rate}. */
    public static FaultInjector all(double rate, long seed) {
        return new FaultInjector(rate, List.of(Fault.values()), seed);
    }

    /** Calls failed so far. */
    public long injected() {
        return injected.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Fault fault = draw();
        if (fault == null || fault == Fault.LOST_RESPONSE) {
            if (fault == Fault.LOST_RESPONSE) {
                attributes.putAttribute(LOSE_RESPONSE, Boolean.TRUE);
            }
            return;
        }
        injected.incrementAndGet();
        throw switch (fault) {
            case THROTTLED ->
                ProvisionedThroughputExceededException.builder()
                        .statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException")
                                .serviceName("DynamoDb")
                                .build())
                        .message("injected: throughput exceeded")
                        .build();
            case SERVER_ERROR ->
                DynamoDbException.builder()
                        .statusCode(500)
                        .message("injected: internal server error")
                        .build();
            default -> SdkClientException.create("injected: timed out before reaching the table");
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(LOSE_RESPONSE))) {
            injected.incrementAndGet();
            SdkResponse ignored = context.response(); // the table has applied the call
            throw SdkClientException.create("injected: the answer was lost after the call succeeded");
        }
    }

    private synchronized Fault draw() {
        return random.nextDouble() < rate ? faults.get(random.nextInt(faults.size())) : null;
    }

    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Boolean> LOSE_RESPONSE =
            new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("mq.loseResponse");
}
