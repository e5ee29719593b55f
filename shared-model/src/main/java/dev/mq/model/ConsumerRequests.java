package dev.mq.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses the body of a consumer's PUT: its target, and its batch and concurrency settings with their defaults. */
public final class ConsumerRequests {
    public static final int DEFAULT_BATCH_SIZE = 10;
    public static final int MAX_BATCH_SIZE = 10;
    public static final int DEFAULT_BATCH_WINDOW_SECONDS = 0;
    public static final int MAX_BATCH_WINDOW_SECONDS = 20;
    public static final int DEFAULT_MAX_CONCURRENCY = 5;
    public static final int MAX_CONCURRENCY = 100;
    public static final int MAX_SECRET_CHARS = 256;

    /**
     * A Lambda function's ARN, unqualified or with an alias or version: partition, region, 12-digit
     * account, name (1-64 of A-Z a-z 0-9 _ -), optional qualifier ({@code $LATEST}, a version or an alias).
     */
    static final Pattern FUNCTION_ARN =
            Pattern.compile("arn:aws(-cn|-us-gov)?:lambda:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:function:[A-Za-z0-9_-]{1,64}"
                    + "(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?");

    private static final Set<String> FIELDS =
            Set.of("function", "endpoint", "secret", "batchSize", "batchWindowSeconds", "maxConcurrency");

    private ConsumerRequests() {}

    /**
     * A consumer: a Lambda function, or an endpoint with the secret its deliveries are signed with
     * (exactly one of the two), and its settings with the defaults filled in.
     */
    public record ConsumerRequest(
            String function,
            String endpoint,
            String secret,
            int batchSize,
            int batchWindowSeconds,
            int maxConcurrency) {}

    public static ConsumerRequest parse(String body) {
        ObjectNode node = Json.parseObject(body);
        Fields.onlyKnown(node, FIELDS);
        String function = Fields.optString(node, "function");
        String endpoint = Fields.optString(node, "endpoint");
        String secret = Fields.optString(node, "secret");
        if ((function == null) == (endpoint == null)) {
            throw QueueException.invalid("give either function (a Lambda function ARN) or endpoint (with secret)");
        }
        if (function != null) {
            if (!FUNCTION_ARN.matcher(function).matches()) {
                throw QueueException.invalid("function must be a Lambda function ARN,"
                        + " arn:aws:lambda:<region>:<account>:function:<name>[:<alias>], not '"
                        + Names.printable(function) + "'");
            }
            if (secret != null) {
                throw QueueException.invalid("secret belongs to endpoint consumers only");
            }
        } else if (secret == null || secret.isEmpty() || secret.length() > MAX_SECRET_CHARS) {
            throw QueueException.invalid(
                    "an endpoint consumer needs a secret of 1-" + MAX_SECRET_CHARS + " characters");
        }
        return new ConsumerRequest(
                function,
                endpoint,
                secret,
                orDefault(Fields.optInt(node, "batchSize", 1, MAX_BATCH_SIZE), DEFAULT_BATCH_SIZE),
                orDefault(
                        Fields.optInt(node, "batchWindowSeconds", 0, MAX_BATCH_WINDOW_SECONDS),
                        DEFAULT_BATCH_WINDOW_SECONDS),
                orDefault(Fields.optInt(node, "maxConcurrency", 1, MAX_CONCURRENCY), DEFAULT_MAX_CONCURRENCY));
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
