package dev.mq.contract;

import dev.mq.local.LocalServer;

/**
 * Where the contract suite sends its requests. With the system property {@code mq.baseUrl} (a host,
 * or an API Gateway stage URL such as {@code https://abc.execute-api.eu-west-1.amazonaws.com/prod})
 * the suite runs against that deployment, sending {@code mq.token} as a bearer token when given.
 * Without it, one local server is started for the whole run, shared by every contract test class,
 * and stopped when the JVM exits.
 */
final class Target {
    static final String BASE_URL_PROPERTY = "mq.baseUrl";
    static final String TOKEN_PROPERTY = "mq.token";

    private static Target current;

    private final String baseUrl;
    private final String token;
    private final boolean local;

    private Target(String baseUrl, String token, boolean local) {
        this.baseUrl = stripTrailingSlash(baseUrl);
        this.token = token;
        this.local = local;
    }

    /** The target of this run, starting the local server on first use when no base URL is set. */
    static synchronized Target get() {
        if (current == null) {
            current = resolve();
        }
        return current;
    }

    /** The base URL without a trailing slash; API paths such as {@code /v1/queues} are appended to it. */
    String baseUrl() {
        return baseUrl;
    }

    /** The bearer token to send, or null. */
    String token() {
        return token;
    }

    /** True when the suite started the embedded local server itself. */
    boolean local() {
        return local;
    }

    private static Target resolve() {
        String configured = System.getProperty(BASE_URL_PROPERTY);
        String token = blankToNull(System.getProperty(TOKEN_PROPERTY));
        if (configured != null && !configured.isBlank()) {
            return new Target(configured.trim(), token, false);
        }
        LocalServer server;
        try {
            server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        } catch (Exception e) {
            throw new IllegalStateException("the local server did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mq-contract-local-server-stop"));
        return new Target(server.baseUrl().toString(), token, true);
    }

    static String stripTrailingSlash(String url) {
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
