package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** DynamoDB Local in process and over HTTP keep one database format, and persisted transactions behave as DynamoDB's. */
class EmbeddedDynamoDbTest {
    private static final Tables TABLES = Tables.withPrefix("t");

    @TempDir
    Path dataDir;

    @Test
    void dataDirectory_writtenOverHttp_isReadInProcess_andTheOtherWayRound() throws Exception {
        try (EmbeddedDynamoDb overHttp = EmbeddedDynamoDb.start(dataDir, EmbeddedDynamoDb.Access.OVER_HTTP)) {
            TableSetup.createIfMissing(overHttp.client(), TABLES);
            put(overHttp.client(), "written over HTTP");
        }
        try (EmbeddedDynamoDb inProcess = EmbeddedDynamoDb.start(dataDir, EmbeddedDynamoDb.Access.IN_PROCESS)) {
            assertThat(get(inProcess.client(), "written over HTTP")).isTrue();
            put(inProcess.client(), "written in process");
        }
        try (EmbeddedDynamoDb overHttp = EmbeddedDynamoDb.start(dataDir, EmbeddedDynamoDb.Access.OVER_HTTP)) {
            assertThat(get(overHttp.client(), "written in process")).isTrue();
        }
    }

    @Test
    void persistedTransaction_thatCannotCommit_throwsDynamoDbsOwnException() throws Exception {
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(dataDir, EmbeddedDynamoDb.Access.IN_PROCESS)) {
            TableSetup.createIfMissing(dynamo.client(), TABLES);
            put(dynamo.client(), "taken");
            TransactWriteItem claim = TransactWriteItem.builder()
                    .put(p -> p.tableName(TABLES.messages())
                            .item(key("taken"))
                            .conditionExpression("attribute_not_exists(pk)"))
                    .build();
            TransactWriteItem other = TransactWriteItem.builder()
                    .put(p -> p.tableName(TABLES.messages()).item(key("other")))
                    .build();

            assertThatThrownBy(() -> dynamo.client().transactWriteItems(r -> r.transactItems(claim, other)))
                    .isInstanceOf(TransactionCanceledException.class);
            assertThat(get(dynamo.client(), "other")).isFalse();
        }
    }

    @Test
    void inProcessCall_thatDynamoDbLocalFailsInternally_throwsAnSdkException() throws Exception {
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, EmbeddedDynamoDb.Access.IN_PROCESS)) {
            TableSetup.createIfMissing(dynamo.client(), TABLES);
            // An interrupted call is one DynamoDB Local fails with its own internal exception, unless its
            // job finished before it looked at the interrupt: tried until it fails that way.
            List<Throwable> failures = new ArrayList<>();
            for (int attempt = 0; attempt < 1_000 && failures.isEmpty(); attempt++) {
                Thread.currentThread().interrupt();
                try {
                    get(dynamo.client(), "any");
                } catch (RuntimeException e) {
                    failures.add(e);
                } finally {
                    Thread.interrupted();
                }
            }
            assertThat(failures)
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e)
                            .isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class)
                            .hasMessageContaining("DynamoDB Local failed"));
        }
    }

    @Test
    void inProcess_hasNoEndpoint_andSaysSo() throws Exception {
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, EmbeddedDynamoDb.Access.IN_PROCESS)) {
            assertThatThrownBy(dynamo::endpoint)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in process");
        }
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("s"));
    }

    private static void put(DynamoDbClient client, String pk) {
        client.putItem(p -> p.tableName(TABLES.messages()).item(key(pk)));
    }

    private static boolean get(DynamoDbClient client, String pk) {
        return client.getItem(g -> g.tableName(TABLES.messages()).key(key(pk)).consistentRead(true))
                .hasItem();
    }
}
