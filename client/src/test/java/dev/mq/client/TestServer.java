package dev.mq.client;

import dev.mq.local.LocalServer;
import java.net.URI;
import java.security.SecureRandom;

/** One in-memory local server for every test of the JVM: real HTTP, the real handlers, DynamoDB Local. */
public final class TestServer {
    private static LocalServer server;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestServer() {}

    public static synchronized URI url() {
        if (server == null) {
            try {
                server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
            } catch (Exception e) {
                throw new IllegalStateException("the local server did not start", e);
            }
            LocalServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server.baseUrl();
    }

    public static MqClient client() {
        return MqClient.builder().endpoint(url()).build();
    }

    /** A name no other test uses. */
    public static String unique(String hint) {
        return hint + "-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    }
}
