package dev.mq.sqs.compat;

import dev.mq.local.LocalServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.function.Function;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * Where the SQS suite sends its requests. The system property {@code sqs.target} chooses:
 * <ul>
 *   <li>{@code local} (the default): one embedded mq local server for the whole run;</li>
 *   <li>{@code url}: any running mq, at {@code sqs.endpoint} (e.g. {@code http://127.0.0.1:8080}), whose
 *       {@code /v1} API is served at the same base URL;</li>
 *   <li>{@code elasticmq}: ElasticMQ started in-process, another implementation of SQS, to check that
 *       the suite's expectations are SQS's and not only mq's. It has no {@code /v1} API, so the tests that
 *       share a queue between both APIs are skipped.</li>
 * </ul>
 * Requests are signed with the fixed key {@code test}/{@code test} in region {@code sqs.region}
 * ({@code us-east-1} unless set); neither the local server nor ElasticMQ checks signatures.
 */
record SqsTarget(String name, URI endpoint, URI mqBaseUrl, String region) {
    static final String TARGET_PROPERTY = "sqs.target";
    static final String ENDPOINT_PROPERTY = "sqs.endpoint";
    static final String REGION_PROPERTY = "sqs.region";

    private static SqsTarget current;

    /** The target of this run, started on first use. */
    static synchronized SqsTarget get() {
        if (current == null) {
            current = resolve(System::getProperty);
        }
        return current;
    }

    /** True when this target also serves mq's own {@code /v1} API. */
    boolean servesMqApi() {
        return mqBaseUrl != null;
    }

    boolean elasticMq() {
        return name.equals("elasticmq");
    }

    static SqsTarget resolve(Function<String, String> property) {
        String region = blankToNull(property.apply(REGION_PROPERTY));
        String chosenRegion = region == null ? "us-east-1" : region;
        String kind = blankToNull(property.apply(TARGET_PROPERTY));
        String endpoint = blankToNull(property.apply(ENDPOINT_PROPERTY));
        if (kind == null) {
            kind = endpoint == null ? "local" : "url";
        }
        return switch (kind) {
            case "local" -> startLocal(chosenRegion);
            case "elasticmq" -> startElasticMq(chosenRegion);
            case "url" -> {
                if (endpoint == null) {
                    throw new IllegalArgumentException(TARGET_PROPERTY + "=url needs " + ENDPOINT_PROPERTY);
                }
                URI uri = URI.create(endpoint.replaceAll("/+$", ""));
                yield new SqsTarget("url", uri, uri, chosenRegion);
            }
            default ->
                throw new IllegalArgumentException(TARGET_PROPERTY + " must be local, url or elasticmq, not " + kind);
        };
    }

    private static SqsTarget startLocal(String region) {
        LocalServer server;
        try {
            server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        } catch (Exception e) {
            throw new IllegalStateException("the local server did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sqs-suite-local-server-stop"));
        URI base = URI.create(server.baseUrl().toString().replaceAll("/+$", ""));
        return new SqsTarget("local", base, base, region);
    }

    private static SqsTarget startElasticMq(String region) {
        // ElasticMQ writes its own port into queue URLs, so it must know the port before it binds
        int port = freePort();
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .withAWSRegion(region)
                .withAWSAccountId("000000000000")
                .start();
        server.waitUntilStarted();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndWait, "sqs-suite-elasticmq-stop"));
        return new SqsTarget("elasticmq", URI.create("http://127.0.0.1:" + port), null, region);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for ElasticMQ", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
