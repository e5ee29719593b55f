package dev.mq.bench;

import dev.mq.store.CapacityMeter;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Counts read requests, to bill reads as DynamoDB does: DynamoDB Local answers a read that finds nothing
 * with 0 units, where DynamoDB charges at least half a unit for an eventually consistent one.
 */
final class BilledReads implements ExecutionInterceptor {
    private final AtomicInteger requests = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof QueryRequest || request instanceof GetItemRequest || request instanceof ScanRequest) {
            requests.incrementAndGet();
        }
    }

    /** The read units DynamoDB would bill for what {@code meter} measured since both were last reset. */
    double units(CapacityMeter meter) {
        return Math.max(meter.readUnits(), requests.get() * 0.5);
    }

    void reset() {
        requests.set(0);
    }
}
