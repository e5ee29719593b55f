package dev.mq.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Creates the tables where no deployment tool does (the local server, tests). The CDK stack declares
 * the same keys and TTL attribute.
 */
public final class TableSetup {
    private TableSetup() {}

    public static void createIfMissing(DynamoDbClient client, Tables tables) {
        create(client, tables.catalog(), null);
        // the counter needs what a removed message was, so the messages' stream carries old images too
        create(client, tables.messages(), StreamViewType.NEW_AND_OLD_IMAGES);
        enableStream(client, tables.messages(), StreamViewType.NEW_AND_OLD_IMAGES);
        create(client, tables.topicLog(), StreamViewType.NEW_IMAGE);
        enableTtl(client, tables.messages());
        enableTtl(client, tables.topicLog());
    }

    private static void enableTtl(DynamoDbClient client, String table) {
        TimeToLiveStatus ttl = client.describeTimeToLive(r -> r.tableName(table))
                .timeToLiveDescription()
                .timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            client.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(
                            t -> t.attributeName(DynamoDbQueueStore.EXPIRES_AT).enabled(true)));
        }
    }

    /**
     * A table created before its stream was needed (a data directory of an earlier version) gets it now;
     * its messages from before are not counted (see {@link MessageCounts}).
     */
    private static void enableStream(DynamoDbClient client, String table, StreamViewType view) {
        var spec = client.describeTable(r -> r.tableName(table)).table().streamSpecification();
        if (spec != null && Boolean.TRUE.equals(spec.streamEnabled()) && spec.streamViewType() == view) {
            return;
        }
        if (spec != null && Boolean.TRUE.equals(spec.streamEnabled())) {
            client.updateTable(r -> r.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
        }
        client.updateTable(r -> r.tableName(table)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(view)));
        client.waiter().waitUntilTableExists(r -> r.tableName(table));
    }

    /** {@code stream}: what the table's stream carries (the topic log's drives fan-out), or null for none. */
    private static void create(DynamoDbClient client, String table, StreamViewType stream) {
        try {
            client.createTable(r -> r.tableName(table)
                    .streamSpecification(s -> {
                        s.streamEnabled(stream != null);
                        if (stream != null) {
                            s.streamViewType(stream);
                        }
                    })
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName("pk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName("sk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName("pk")
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName("sk")
                                    .keyType(KeyType.RANGE)
                                    .build()));
            client.waiter().waitUntilTableExists(r -> r.tableName(table));
        } catch (ResourceInUseException exists) {
            // created before: a restart of the local server
        }
    }
}
