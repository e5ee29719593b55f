package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two readers of one stream (the queue counter and push delivery) keep their checkpoints apart. */
class StreamCheckpointsTest {
    static final String ARN = "arn:aws:dynamodb:ddblocal:000000000000:table/messages/stream/2030-01-01T00:00:00.000";
    private static EmbeddedDynamoDb dynamoDb;

    @BeforeAll
    static void startDynamoDb() throws Exception {
        dynamoDb = EmbeddedDynamoDb.start(null);
    }

    @AfterAll
    static void stopDynamoDb() {
        dynamoDb.close();
    }

    @Test
    void aFurtherReader_neitherSeesNorMovesTheFirstReadersCheckpoints() {
        Tables tables = Tables.withPrefix("t" + UUID.randomUUID().toString().substring(0, 8));
        TableSetup.createIfMissing(dynamoDb.client(), tables);
        StreamCheckpoints counter = new StreamCheckpoints(dynamoDb.client(), tables.catalog());
        StreamCheckpoints push = new StreamCheckpoints(dynamoDb.client(), tables.catalog(), "mq-push");

        counter.save(ARN, "shard-1", new StreamCheckpoints.Checkpoint("100", false));
        push.save(ARN, "shard-1", new StreamCheckpoints.Checkpoint("200", false));
        push.save(ARN, "shard-2", new StreamCheckpoints.Checkpoint("300", true));

        assertThat(counter.load(ARN)).containsOnlyKeys("shard-1");
        assertThat(counter.load(ARN).get("shard-1").sequenceNumber()).isEqualTo("100");
        assertThat(push.load(ARN)).containsOnlyKeys("shard-1", "shard-2");
        assertThat(push.load(ARN).get("shard-1").sequenceNumber()).isEqualTo("200");

        push.delete(ARN, "shard-1");
        assertThat(counter.load(ARN)).containsOnlyKeys("shard-1");
        assertThat(push.load(ARN)).containsOnlyKeys("shard-2");
    }
}
