package dev.mq.store;

import dev.mq.deploy.DeployedFunction;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The DynamoDB actions each function needs, per table: the least privilege the CDK stack grants. It sits
 * beside the item layout because the store's calls decide it; {@code TableAccessTest} runs every
 * function's operations against DynamoDB Local and fails when a call is missing here or a grant is unused.
 */
public final class TableAccess {
    private TableAccess() {}

    public enum Table {
        CATALOG,
        MESSAGES,
        TOPIC_LOG
    }

    private static final String GET = "dynamodb:GetItem";
    private static final String PUT = "dynamodb:PutItem";
    private static final String UPDATE = "dynamodb:UpdateItem";
    private static final String DELETE = "dynamodb:DeleteItem";
    private static final String QUERY = "dynamodb:Query";
    private static final String BATCH_WRITE = "dynamodb:BatchWriteItem";

    public static Map<Table, Set<String>> of(DeployedFunction function) {
        Map<Table, Set<String>> access = new EnumMap<>(Table.class);
        switch (function) {
            // a send reads its queue's settings; a dedup send is a transaction of two puts
            case PUBLISH -> {
                access.put(Table.CATALOG, Set.of(GET));
                access.put(Table.MESSAGES, Set.of(PUT, BATCH_WRITE));
                access.put(Table.TOPIC_LOG, Set.of(PUT));
            }
            // a receive parks what it leases (FIFO: leases in place), and moves a message past
            // maxReceiveCount to the dead-letter queue
            case RECEIVE -> {
                access.put(Table.CATALOG, Set.of(GET));
                access.put(Table.MESSAGES, Set.of(QUERY, UPDATE, PUT, DELETE));
            }
            // a visibility made sooner parks the message sooner; a handle whose position is empty reads
            // the lease note left there
            case ACK -> {
                access.put(Table.CATALOG, Set.of(GET));
                access.put(Table.MESSAGES, Set.of(GET, UPDATE, PUT, DELETE));
            }
            case ADMIN -> {
                access.put(Table.CATALOG, Set.of(GET, PUT, DELETE, QUERY));
                access.put(Table.MESSAGES, Set.of(QUERY, PUT, DELETE, BATCH_WRITE));
            }
            // copies go to subscriber queues once each (a dedup transaction); the delivery queue is
            // created on first need
            case FANOUT -> {
                access.put(Table.CATALOG, Set.of(GET, PUT, QUERY));
                access.put(Table.MESSAGES, Set.of(PUT));
            }
            // a retry sooner than the lease ends parks the job sooner; a later one changes it in place;
            // push delivery reads the consumers (a query of their partition) and their queues' settings
            case DELIVERY -> {
                access.put(Table.CATALOG, Set.of(GET, QUERY));
                access.put(Table.MESSAGES, Set.of(GET, QUERY, UPDATE, PUT, DELETE));
            }
            // push delivery reads the consumers (a query of their partition) and their queues' settings, and
            // leases, acknowledges, gives back and dead-letters as receive and ack do
            case PUSH -> {
                access.put(Table.CATALOG, Set.of(GET, QUERY));
                access.put(Table.MESSAGES, Set.of(QUERY, UPDATE, PUT, DELETE));
            }
            // one update of a queue's counts per batch; its SnapStart priming reads a counts item
            case COUNTS -> access.put(Table.CATALOG, Set.of(GET, UPDATE));
            case METRICS -> {
                access.put(Table.CATALOG, Set.of(GET, QUERY));
                access.put(Table.MESSAGES, Set.of(QUERY));
            }
            // the SQS actions: the queue operations of the four API functions (no topics), plus a message
            // move task's progress, an update of its record in the catalog
            case SQS -> {
                access.put(Table.CATALOG, Set.of(GET, PUT, UPDATE, DELETE, QUERY));
                access.put(Table.MESSAGES, Set.of(GET, QUERY, PUT, UPDATE, DELETE, BATCH_WRITE));
            }
        }
        return access;
    }
}
