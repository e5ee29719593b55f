package dev.mq.testing;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Fault injection at the SDK boundary: makes chosen calls to the real DynamoDB Local fail as a lost
 * connection would, before they are sent. Which calls is decided by operation name and count.
 */
public final class FailingCalls implements ExecutionInterceptor {
    private final String operation;
    private final AtomicInteger seen = new AtomicInteger();
    private volatile int failFrom = Integer.MAX_VALUE;

    /** @param operation the request class's simple name, e.g. {@code UpdateItemRequest} */
    public FailingCalls(String operation) {
        this.operation = operation;
    }

    /** From now on, the {@code n}-th matching call and every later one fail (n counts from 1). */
    public void failFromCall(int n) {
        seen.set(0);
        failFrom = n;
    }

    public void heal() {
        failFrom = Integer.MAX_VALUE;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request().getClass().getSimpleName().equals(operation) && seen.incrementAndGet() >= failFrom) {
            throw SdkClientException.create("injected: connection to the store lost");
        }
    }
}
