package dev.mq.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local started in-process, in memory, on a free port: real conditional writes, transactions
 * and queries, no Docker. One serves every test of a JVM ({@link #shared()}); each call of
 * {@link #freshTables()} gives new tables, so tests never see each other's data.
 */
public final class LocalDynamoDb implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final DynamoDbClient client;

    private LocalDynamoDb(DynamoDBProxyServer server, DynamoDbClient client) {
        this.server = server;
        this.client = client;
    }

    private static LocalDynamoDb shared;

    /** The JVM's DynamoDB Local, started on first use and stopped when the JVM ends. */
    public static synchronized LocalDynamoDb shared() {
        if (shared == null) {
            shared = start();
            LocalDynamoDb started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    public static LocalDynamoDb start() {
        try {
            int port = freePort();
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
            server.start();
            return new LocalDynamoDb(server, client(URI.create("http://127.0.0.1:" + port), null));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    /** A client of this DynamoDB Local, with extra SDK configuration (interceptors) when given. */
    public static DynamoDbClient client(URI endpoint, ClientOverrideConfiguration override) {
        var builder = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create());
        if (override != null) {
            builder.overrideConfiguration(override);
        }
        return builder.build();
    }

    public DynamoDbClient client() {
        return client;
    }

    /** A client of this DynamoDB Local's table streams. */
    public DynamoDbStreamsClient streams() {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public URI endpoint() {
        return client.serviceClientConfiguration().endpointOverride().orElseThrow();
    }

    /** New, empty tables with unique names, so tests in one class never see each other's data. */
    public Tables freshTables() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Tables tables = Tables.withPrefix("t" + suffix);
        TableSetup.createIfMissing(client, tables);
        return tables;
    }

    @Override
    public void close() {
        client.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
