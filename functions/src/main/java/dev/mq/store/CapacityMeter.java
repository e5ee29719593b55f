package dev.mq.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Measures what DynamoDB charges: an SDK interceptor that asks every data-plane call for
 * {@code ReturnConsumedCapacity=TOTAL} and adds up the read and write units answered, per operation.
 * Attach it to a client with {@code overrideConfiguration(c -> c.addExecutionInterceptor(meter))}.
 * Asking costs nothing extra; calls that fail a condition still consume units but are not answered
 * with them, so a meter reads a little low under contention.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    private final Map<String, DoubleAdder> reads = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> writes = new ConcurrentHashMap<>();

    /** Units by operation name, e.g. {@code PutItem}. */
    public record Units(double read, double write) {}

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (r instanceof PutItemRequest put) {
            return put.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof UpdateItemRequest update) {
            return update.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof DeleteItemRequest delete) {
            return delete.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof GetItemRequest get) {
            return get.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof QueryRequest query) {
            return query.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof ScanRequest scan) {
            return scan.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof BatchWriteItemRequest batch) {
            return batch.toBuilder().returnConsumedCapacity(total).build();
        } else if (r instanceof TransactWriteItemsRequest transact) {
            return transact.toBuilder().returnConsumedCapacity(total).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse r = context.response();
        String operation = r.getClass().getSimpleName().replace("Response", "");
        if (r instanceof PutItemResponse put) {
            add(operation, put.consumedCapacity());
        } else if (r instanceof UpdateItemResponse update) {
            add(operation, update.consumedCapacity());
        } else if (r instanceof DeleteItemResponse delete) {
            add(operation, delete.consumedCapacity());
        } else if (r instanceof GetItemResponse get) {
            add(operation, get.consumedCapacity());
        } else if (r instanceof QueryResponse query) {
            add(operation, query.consumedCapacity());
        } else if (r instanceof ScanResponse scan) {
            add(operation, scan.consumedCapacity());
        } else if (r instanceof BatchWriteItemResponse batch && batch.hasConsumedCapacity()) {
            batch.consumedCapacity().forEach(c -> add(operation, c));
        } else if (r instanceof TransactWriteItemsResponse transact && transact.hasConsumedCapacity()) {
            List<ConsumedCapacity> all = transact.consumedCapacity();
            all.forEach(c -> add(operation, c));
        }
    }

    private void add(String operation, ConsumedCapacity capacity) {
        if (capacity == null) {
            return;
        }
        double read = value(capacity.readCapacityUnits());
        double write = value(capacity.writeCapacityUnits());
        // Some answers give only the total; it is reads for reading calls and writes for the rest.
        if (read == 0 && write == 0 && capacity.capacityUnits() != null) {
            boolean reading = operation.equals("Query") || operation.equals("Scan") || operation.equals("GetItem");
            if (reading) {
                read = capacity.capacityUnits();
            } else {
                write = capacity.capacityUnits();
            }
        }
        reads.computeIfAbsent(operation, k -> new DoubleAdder()).add(read);
        writes.computeIfAbsent(operation, k -> new DoubleAdder()).add(write);
    }

    private static double value(Double d) {
        return d == null ? 0 : d;
    }

    public Map<String, Units> byOperation() {
        Map<String, Units> result = new java.util.TreeMap<>();
        for (String op : reads.keySet()) {
            result.put(op, new Units(reads.get(op).sum(), writes.get(op).sum()));
        }
        return result;
    }

    public double readUnits() {
        return reads.values().stream().mapToDouble(DoubleAdder::sum).sum();
    }

    public double writeUnits() {
        return writes.values().stream().mapToDouble(DoubleAdder::sum).sum();
    }

    public void reset() {
        reads.clear();
        writes.clear();
    }
}
