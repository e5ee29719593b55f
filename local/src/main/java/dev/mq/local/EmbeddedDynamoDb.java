package dev.mq.local;

import com.almworks.sqlite4java.SQLiteQueue;
import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local running in this JVM, persisted to a directory or kept in memory, with clients for it
 * (tables, and their streams), with DynamoDB Local's differences from DynamoDB mended
 * ({@link DynamoDbLocalFixes}) and its stream records indexed, so writes do not slow down as they pile up
 * ({@link StreamRecordIndexes}).
 *
 * <p>{@link Access#IN_PROCESS} calls it as a library: no HTTP, no signing, no JSON, so a call costs about a
 * third of the CPU it costs over a socket (a put, query, update and delete: 1.4 ms of CPU against 3.9 ms
 * per message, measured in one JVM after warm-up). {@link Access#OVER_HTTP} starts its HTTP server too,
 * for what needs an endpoint: SDK clients with interceptors (fault injection, capacity metering), other
 * processes.
 *
 * <p>Listening, it does so on 127.0.0.1 only: DynamoDB Local has no authentication, so reachable from
 * elsewhere it would bypass the local server's token. {@code -sharedDb} keeps one database whatever
 * credentials and region a client uses, so a restart always sees the same data; in process there is only
 * that one database file. Its HTTP clients keep a pool of open connections (Apache HttpClient 5): a put
 * and a get take about a fifth of the time they take over the URL-connection client (0.7 ms against
 * 3.4 ms, median after warm-up), whose JDK keep-alive cache also keeps at most five idle connections
 * ({@code http.maxConnections}), far fewer than the server's concurrent calls. The Lambda package keeps
 * the URL-connection client, which starts fastest.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedDynamoDb.class.getName());
    private static final String LOOPBACK = "127.0.0.1";
    /** The one database file DynamoDB Local keeps in its directory under {@code -sharedDb}. */
    static final String DATABASE_FILE = "shared-local-instance.db";
    /**
     * Calls that may be under way at once: one per HTTP thread of the local server, plus the side-by-side
     * leases and deletes of batches and the background workers (stream poller, expiry sweeper, endpoint
     * deliveries). A caller beyond it would wait for a connection.
     */
    static final int MAX_CONNECTIONS = LocalServer.MAX_HTTP_THREADS + 64;
    /**
     * DynamoDB Local's Jetty closes a connection idle for 30 seconds; the pool drops it before, so a call
     * never starts on a connection the server has just closed.
     */
    private static final Duration MAX_IDLE = Duration.ofSeconds(20);
    // DynamoDB Local checks only that credentials are present; -sharedDb ignores which.
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    /** How this JVM's code reaches DynamoDB Local. */
    public enum Access {
        IN_PROCESS,
        OVER_HTTP
    }

    private final AutoCloseable engine;
    private final URI endpoint;
    private final boolean persisted;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;
    private final SQLiteQueue database;

    private EmbeddedDynamoDb(
            AutoCloseable engine,
            URI endpoint,
            boolean persisted,
            DynamoDbClient client,
            DynamoDbStreamsClient streams,
            SQLiteQueue database) {
        this.engine = engine;
        this.endpoint = endpoint;
        this.persisted = persisted;
        this.client = client;
        this.streams = streams;
        this.database = database;
    }

    /** Starts DynamoDB Local over HTTP; {@code dataDir} null means in memory, otherwise the directory is created. */
    public static EmbeddedDynamoDb start(Path dataDir) throws Exception {
        return start(dataDir, Access.OVER_HTTP);
    }

    /** Starts DynamoDB Local; {@code dataDir} null means in memory, otherwise the directory is created. */
    public static EmbeddedDynamoDb start(Path dataDir, Access access) throws Exception {
        if (dataDir != null) {
            Files.createDirectories(dataDir);
        }
        boolean persisted = dataDir != null;
        if (access == Access.IN_PROCESS) {
            // true: no telemetry, which would fail offline
            AmazonDynamoDBLocal local = DynamoDBEmbedded.create(
                    persisted ? dataDir.resolve(DATABASE_FILE).toFile() : null, true);
            SQLiteQueue database = StreamRecordIndexes.databaseOf(local);
            StreamRecordIndexes.addTo(database);
            return new EmbeddedDynamoDb(
                    local::shutdown,
                    null,
                    persisted,
                    DynamoDbLocalFixes.around(local.dynamoDbClient(), persisted, true),
                    local.dynamoDbStreamsClient(),
                    database);
        }
        int probedPort = freePort();
        List<String> args =
                new ArrayList<>(List.of("-sharedDb", "-disableTelemetry", "-port", Integer.toString(probedPort)));
        if (dataDir == null) {
            args.add("-inMemory");
        } else {
            args.addAll(List.of("-dbPath", dataDir.toString()));
        }
        DynamoDBProxyServer server = createQuietly(args.toArray(String[]::new));
        int port;
        SQLiteQueue database;
        try {
            database = StreamRecordIndexes.databaseOf(server);
            StreamRecordIndexes.addTo(database);
            port = startOnLoopback(server, probedPort);
        } catch (Exception e) {
            stopQuietly(server::stop);
            throw e;
        }
        URI endpoint = URI.create("http://" + LOOPBACK + ":" + port);
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(pooledHttp())
                .build();
        return new EmbeddedDynamoDb(
                server::stop,
                endpoint,
                persisted,
                DynamoDbLocalFixes.around(client(endpoint), persisted, false),
                streams,
                database);
    }

    public DynamoDbClient client() {
        return client;
    }

    /**
     * Another client of this DynamoDB Local, whose calls pass through {@code interceptor}.
     *
     * @throws IllegalStateException when it runs {@link Access#IN_PROCESS}: interceptors need an SDK client
     */
    public DynamoDbClient clientWith(ExecutionInterceptor interceptor) {
        return DynamoDbLocalFixes.around(client(endpoint(), interceptor), persisted, false);
    }

    /** A pooled client of the DynamoDB Local at {@code endpoint}, whose calls pass through {@code interceptors}. */
    public static DynamoDbClient client(URI endpoint, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(pooledHttp())
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .build();
    }

    /** Built by each SDK client, which then closes it with itself. */
    private static Apache5HttpClient.Builder pooledHttp() {
        return Apache5HttpClient.builder().maxConnections(MAX_CONNECTIONS).connectionMaxIdleTime(MAX_IDLE);
    }

    /**
     * Where DynamoDB Local listens, for clients of other configurations (interceptors, other processes).
     *
     * @throws IllegalStateException when it runs {@link Access#IN_PROCESS}
     */
    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("DynamoDB Local runs in process here and has no endpoint; start it "
                    + Access.OVER_HTTP + " for clients of other configurations");
        }
        return endpoint;
    }

    /** The client of DynamoDB Local's streams API (the topic log's stream drives fan-out). */
    DynamoDbStreamsClient streams() {
        return streams;
    }

    /**
     * DynamoDB Local's SQLite database, through the queue whose one thread runs all its database work, or
     * null when it could not be reached (see {@link StreamRecordIndexes}).
     */
    SQLiteQueue database() {
        return database;
    }

    /** Stops the clients and DynamoDB Local; the database files are closed, so a data directory stays consistent. */
    @Override
    public void close() {
        client.close();
        streams.close();
        stopQuietly(engine);
    }

    private static void stopQuietly(AutoCloseable engine) {
        try {
            engine.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "DynamoDB Local did not stop cleanly", e);
        }
    }

    /**
     * DynamoDB Local prints its configuration to standard output while it parses its arguments; the
     * local server prints its own one-line summary instead. The banner is kept for the log at FINE level.
     */
    private static DynamoDBProxyServer createQuietly(String[] args) throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        synchronized (EmbeddedDynamoDb.class) {
            System.setOut(new PrintStream(banner, true, StandardCharsets.UTF_8));
            try {
                return ServerRunner.createServerFromCommandLineArgs(args);
            } finally {
                System.setOut(console);
                LOG.fine(() -> banner.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * DynamoDB Local has no option to choose its listening address and binds every interface. Its Jetty
     * server is reachable only through a private field, so the connector is moved to the loopback
     * address (and to a port the system picks, which removes the race of probing for a free one) before
     * it starts. Should a later DynamoDB Local rename that field, it still starts, on the probed port of
     * every interface, with a warning.
     *
     * @return the port it listens on
     */
    private static int startOnLoopback(DynamoDBProxyServer server, int probedPort) throws Exception {
        ServerConnector connector = connector(server);
        if (connector == null) {
            LOG.warning("cannot restrict DynamoDB Local to " + LOOPBACK + "; it listens on every interface, port "
                    + probedPort);
        } else {
            connector.setHost(LOOPBACK);
            connector.setPort(0);
        }
        // start() reports a port it cannot bind on standard error and returns as if it had started.
        server.start();
        if (connector != null) {
            if (connector.getLocalPort() <= 0) {
                throw new IllegalStateException("DynamoDB Local did not start listening");
            }
            return connector.getLocalPort();
        }
        return probedPort;
    }

    private static ServerConnector connector(DynamoDBProxyServer server) {
        try {
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            Server jetty = (Server) field.get(server);
            for (Connector connector : jetty.getConnectors()) {
                if (connector instanceof ServerConnector network) {
                    return network;
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "DynamoDB Local's Jetty server is not reachable", e);
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
