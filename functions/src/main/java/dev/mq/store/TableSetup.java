package dev.mq.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Creates the tables where no deployment tool does (the local server, tests). The CDK stack declares
 * the same keys and TTL attribute.
 */
public final class TableSetup {
    private TableSetup() {}

    public static void createIfMissing(DynamoDbClient client, Tables tables) {
        create(client, tables.catalog());
        create(client, tables.messages());
        TimeToLiveStatus ttl = client.describeTimeToLive(r -> r.tableName(tables.messages()))
                .timeToLiveDescription().timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            client.updateTimeToLive(r -> r.tableName(tables.messages())
                    .timeToLiveSpecification(t -> t.attributeName(DynamoDbQueueStore.EXPIRES_AT).enabled(true)));
        }
    }

    private static void create(DynamoDbClient client, String table) {
        try {
            client.createTable(r -> r.tableName(table)
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
