package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import com.almworks.sqlite4java.SQLiteStatement;
import dev.mq.local.EmbeddedDynamoDb.Access;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DynamoDB Local's lookups of stream records search an index, in every way it runs here, instead of reading
 * past the records of every other stream (a cost that grew with each record written).
 */
class StreamRecordIndexesTest {
    /** The lookups of DynamoDB Local 2.6.1's stream table, as it runs them, and the index each should search. */
    private static final Map<String, String> LOOKUPS = Map.of(
            // every write to a table with a stream (getStreamDescription)
            "SELECT MIN(SequenceNumber) FROM us WHERE StreamID=?",
            "us*StreamID",
            // every GetRecords: its shard's last record, and its first one not expired
            "SELECT SequenceNumber FROM us WHERE ShardID=? ORDER BY SequenceNumber DESC LIMIT 1",
            "us*ShardID",
            "SELECT SequenceNumber, CreationDateTime FROM us WHERE ShardID = ? AND CreationDateTime >= ?"
                    + " ORDER BY SequenceNumber ASC LIMIT 1",
            "us*ShardID",
            // the records GetRecords answers
            "SELECT SequenceNumber, StreamRecord, OperationType, CreationDateTime FROM us WHERE StreamID = ?"
                    + " AND ShardID = ? AND SequenceNumber >= ? AND CreationDateTime > ? ORDER BY SequenceNumber ASC"
                    + " LIMIT ?",
            "INDEX us*");

    @TempDir
    Path dataDir;

    static Stream<Arguments> everyWayItRuns() {
        return Stream.of(Access.values())
                .flatMap(access -> Stream.of(Arguments.of(access, false), Arguments.of(access, true)));
    }

    @ParameterizedTest(name = "{0}, persisted: {1}")
    @MethodSource("everyWayItRuns")
    void streamRecordLookups_searchAnIndex_afterStart(Access access, boolean persisted) throws Exception {
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(persisted ? dataDir : null, access)) {
            assertThat(dynamo.database())
                    .as("DynamoDB Local's database, reached")
                    .isNotNull();
            for (Map.Entry<String, String> lookup : LOOKUPS.entrySet()) {
                assertThat(queryPlan(dynamo.database(), lookup.getKey()))
                        .as(lookup.getKey())
                        .contains(lookup.getValue());
            }
        }
    }

    @Test
    void indexes_areKeptInTheDataDirectorysDatabaseFile() throws Exception {
        EmbeddedDynamoDb.start(dataDir, Access.IN_PROCESS).close();

        SQLiteConnection file = new SQLiteConnection(
                dataDir.resolve(EmbeddedDynamoDb.DATABASE_FILE).toFile());
        List<String> indexes = new ArrayList<>();
        try {
            file.openReadonly();
            SQLiteStatement names = file.prepare("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='us'");
            while (names.step()) {
                indexes.add(names.columnString(0));
            }
            names.dispose();
        } finally {
            file.dispose();
        }
        assertThat(indexes).contains("us*StreamID", "us*ShardID");
    }

    /** SQLite's plan for {@code sql}, one line per step, on DynamoDB Local's own connection. */
    private static String queryPlan(SQLiteQueue database, String sql) throws Exception {
        return database.execute(new SQLiteJob<String>() {
                    @Override
                    protected String job(SQLiteConnection connection) throws Throwable {
                        SQLiteStatement plan = connection.prepare("EXPLAIN QUERY PLAN " + sql, false);
                        try {
                            StringBuilder steps = new StringBuilder();
                            while (plan.step()) {
                                steps.append(plan.columnString(plan.columnCount() - 1))
                                        .append('\n');
                            }
                            return steps.toString();
                        } finally {
                            plan.dispose();
                        }
                    }
                })
                .get();
    }
}
