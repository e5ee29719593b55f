package dev.mq.local;

import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Indexes DynamoDB Local's (2.6.1) stream records by stream and by shard, so that what a write or a stream
 * read costs does not grow with the records other tables have written.
 *
 * <p>DynamoDB Local keeps the stream records of all its tables in one SQLite table, {@code us}, keyed by
 * sequence number alone, for 24 hours (older ones are deleted only when it starts). Each write to a table with
 * a stream looks up the stream's first record ({@code SELECT MIN(SequenceNumber) FROM us WHERE StreamID=?}),
 * and each GetRecords its shard's first and last ({@code ... WHERE ShardID=? ORDER BY SequenceNumber}). With
 * no index on those columns each lookup reads past the records of every other stream, and every table here
 * has a stream: a local server that ran all day under load wrote ever slower (a put to one table went from
 * 651 to 22 a second behind 100,000 records of another). With these indexes each is a B-tree search.
 *
 * <p>DynamoDB Local has no setting for this, and in memory its database is open to its own connection only,
 * so the indexes are created by a job on its own SQLite queue (the one thread that runs all its database
 * work), reached through private fields by reflection. In a data directory they are kept in the database
 * file, so {@code IF NOT EXISTS} makes a later start a no-op; the first start on a large file builds them
 * once. Should a later DynamoDB Local move those fields, it runs as before, without the indexes, and says so
 * once in the log.
 */
final class StreamRecordIndexes {
    private static final Logger LOG = Logger.getLogger(StreamRecordIndexes.class.getName());
    /**
     * By stream for the write path's MIN, by shard for GetRecords' first and last record of its shard. Named
     * {@code us*...}, DynamoDB Local's own naming of an index of a table, after a table name ({@code us}) no
     * DynamoDB table can take in DynamoDB Local's database.
     */
    static final List<String> CREATE = List.of(
            "CREATE INDEX IF NOT EXISTS \"us*StreamID\" ON us(StreamID, SequenceNumber)",
            "CREATE INDEX IF NOT EXISTS \"us*ShardID\" ON us(ShardID, SequenceNumber)");

    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private StreamRecordIndexes() {}

    /**
     * The database queue of DynamoDB Local called in process (what {@code DynamoDBEmbedded.create} returns:
     * its exception-mapping handler, whose client holds the database access), or null when it cannot be
     * reached.
     */
    static SQLiteQueue databaseOf(AmazonDynamoDBLocal local) {
        try {
            Object client = field(field(local, "val$handler"), "impl");
            return queueOf(client);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unreachable(e);
            return null;
        }
    }

    /**
     * The database queue of DynamoDB Local's HTTP server, or null when it cannot be reached. Its request
     * handler opens the database on the first request; asked here for the one database of {@code -sharedDb}
     * (whatever the key), it opens it now instead.
     */
    static SQLiteQueue databaseOf(DynamoDBProxyServer server) {
        try {
            Object requests = field(field(server, "serverHandler"), "primaryHandler");
            Method handler = requests.getClass().getDeclaredMethod("getHandler", String.class);
            handler.setAccessible(true);
            return queueOf(handler.invoke(requests, "shared"));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unreachable(e);
            return null;
        }
    }

    /** Creates the indexes in {@code database} unless they exist; null, or a failure, is logged and left. */
    static void addTo(SQLiteQueue database) {
        if (database == null) {
            return;
        }
        try {
            database.execute(new SQLiteJob<Void>() {
                        @Override
                        protected Void job(SQLiteConnection connection) throws Throwable {
                            for (String index : CREATE) {
                                connection.exec(index);
                            }
                            return null;
                        }
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tell("DynamoDB Local's stream records are not indexed: interrupted", e);
        } catch (Exception e) {
            tell("DynamoDB Local's stream records could not be indexed", e);
        }
    }

    private static SQLiteQueue queueOf(Object localDbClient) throws ReflectiveOperationException {
        return (SQLiteQueue) field(field(localDbClient, "dbAccess"), "queue");
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }

    private static void unreachable(Throwable e) {
        tell("DynamoDB Local's database is not reachable to index its stream records", e);
    }

    /** Once at INFO, so a DynamoDB Local that moved its fields is noticed without a line at every start. */
    private static void tell(String message, Throwable cause) {
        String full = message + "; writes slow down as stream records accumulate (" + cause + ")";
        if (TOLD.compareAndSet(false, true)) {
            LOG.info(full);
        } else {
            LOG.log(Level.FINE, full, cause);
        }
    }
}
