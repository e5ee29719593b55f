package dev.mq.local;

import dev.mq.handlers.Routes;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * The request log a user turns on with {@code --log-requests}: one line per answered request, at INFO on
 * the logger {@value #LOGGER}, e.g. {@code POST /v1/queues/orders/receive 200 12 ms 6f1c...}: method, path,
 * status, time taken, request id (the {@code X-Request-Id} the client got).
 *
 * <p>Never bodies, headers or query strings: they carry messages, the bearer token and page tokens. A
 * receipt handle in a path, which would let anyone who reads the line ack that message, is replaced by a
 * digest of it, e.g. {@code [handle:3f9a1c2e]}: lines about one handle still show as such.
 */
final class RequestLog {
    static final String LOGGER = "dev.mq.local.requests";
    /** Longest path logged: the longest route (a subscription's) is under 200 characters. */
    private static final int MAX_PATH = 300;

    private static final Logger LOG = Logger.getLogger(LOGGER);

    private RequestLog() {}

    /** {@code status} -1 means no answer went out (the client went away first). */
    static void record(String method, String rawPath, int status, long startedNanos, String requestId) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.info(() -> printable(method, 10) + " " + loggablePath(rawPath) + " "
                + (status < 0 ? "-" : Integer.toString(status)) + " " + millis + " ms " + requestId);
    }

    static String loggablePath(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        try {
            // matched as the DELETE that acks, whatever the method: a handle sent with a wrong one is cut too
            Routes.Match match = Routes.match("DELETE", path);
            String handle = match.child();
            if (match.operation() == Routes.Operation.ACK_ONE) {
                // the last segment, as sent: it may be percent-encoded, so it need not spell the handle
                path = path.substring(0, path.lastIndexOf('/') + 1) + "[handle:" + digest(handle) + "]";
            }
        } catch (QueueException unknownRoute) {
            // logged as it came, within the length limit: it names nothing the server knows
        }
        return printable(path, MAX_PATH);
    }

    /** 32 bits of SHA-256: tells a log's handles apart, and tells nothing of the handle. */
    static String digest(String handle) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(handle.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One line, whatever a client sent: control characters (a newline would forge a line) become '?'. */
    private static String printable(String text, int max) {
        String cut = text.length() > max ? text.substring(0, max) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
