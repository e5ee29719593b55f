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
        create(client, tables.catalog(), false);
        create(client, tables.messages(), false);
        create(client, tables.topicLog(), true);
        enableTtl(client, tables.messages());
        enableTtl(client, tables.topicLog());
    }

    private static void enableTtl(DynamoDbClient client, String table) {
        TimeToLiveStatus ttl = client.describeTimeToLive(r -> r.tableName(table))
                .timeToLiveDescription().timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            client.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(t -> t.attributeName(DynamoDbQueueStore.EXPIRES_AT).enabled(true)));
        }
    }

    /** {@code stream}: the table's new images feed a stream (the topic log's drives fan-out). */
    private static void create(DynamoDbClient client, String table, boolean stream) {
        try {
            client.createTable(r -> r.tableName(table)
                    .streamSpecification(s -> {
                        s.streamEnabled(stream);
                        if (stream) {
                            s.streamViewType(StreamViewType.NEW_IMAGE);
                        }
                    })
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
            client.waiter().waitUntilTableExists(r -> r.tableName(table));
        } catch (ResourceInUseException exists) {
            // created before: a restart of the local server
        }
    }
}
