package dev.mq.infra;

import dev.mq.cdk.ApiKind;
import java.nio.file.Path;
import software.constructs.Node;

/**
 * The stack's settings, read from CDK context ({@code cdk.json}, or {@code -c key=value} on the command
 * line). The defaults deploy into a fresh account and keep the data: tables are kept when the stack goes
 * and cannot be deleted by accident, every request must be signed (SigV4), CloudFormation names every
 * resource, nothing needs an account-level setting.
 *
 * @param prefix                 names every table, function, log group and alarm, and the stack; null for
 *                               generated names ({@code mq:prefix})
 * @param retainData             keep tables, the stream-failures queue, the secret and logs when the stack is
 *                               deleted ({@code mq:removalPolicy} {@code retain} or {@code destroy})
 * @param deletionProtection     DynamoDB deletion protection on the tables ({@code mq:deletionProtection})
 * @param apiKeys                also require an API key, with a usage plan that throttles it ({@code mq:apiKeys})
 * @param apiKind                the front door ({@code mq:apiKind}): {@code rest} (the default) or {@code http}, the
 *                               HTTP API (API Gateway v2), cheaper per request, without API keys, WAF or
 *                               shaped gateway refusals
 * @param throttleRate           requests per second, per stage or per key ({@code mq:throttleRate})
 * @param throttleBurst          burst size ({@code mq:throttleBurst})
 * @param accessLogs             API Gateway access logs; needs the account's API Gateway CloudWatch role
 *                               ({@code mq:accessLogs})
 * @param tracing                X-Ray tracing of the API and the functions ({@code mq:tracing})
 * @param receiveConcurrency     reserved concurrency of the receive function, 0 for none
 *                               ({@code mq:receiveConcurrency})
 * @param allowPrivateEndpoints  subscriptions may target private addresses ({@code mq:allowPrivateEndpoints})
 * @param deliveryMaxAttempts    endpoint delivery retry budget ({@code mq:deliveryMaxAttempts})
 * @param oldestMessageAlarmSeconds alarm when a message has waited this long ({@code mq:oldestMessageAlarmSeconds})
 * @param consumerFunctionPrefix the start of every push consumer function's name, or null for
 *                               {@code <stack name>-consumer-} ({@code mq:consumerFunctionPrefix})
 * @param alarmEmail             an address the alarms notify, through a topic the stack makes, or null
 *                               ({@code mq:alarmEmail})
 * @param alarmTopicArn          an SNS topic the alarms notify, or null ({@code mq:alarmTopicArn})
 * @param kmsKeyArn              a customer-managed KMS key for tables, queue and logs, or null ({@code mq:kmsKeyArn})
 * @param domainName             a custom domain name for the API, or null ({@code mq:domainName})
 * @param certificateArn         its ACM certificate ({@code mq:certificateArn})
 * @param basePath               its base path, or empty ({@code mq:basePath})
 * @param functionsJar           the Lambda package built by the functions module ({@code mq:functionsJar})
 */
public record StackSettings(
        String prefix,
        boolean retainData,
        boolean deletionProtection,
        boolean apiKeys,
        ApiKind apiKind,
        int throttleRate,
        int throttleBurst,
        boolean accessLogs,
        boolean tracing,
        int receiveConcurrency,
        boolean allowPrivateEndpoints,
        int deliveryMaxAttempts,
        int oldestMessageAlarmSeconds,
        String consumerFunctionPrefix,
        String alarmEmail,
        String alarmTopicArn,
        String kmsKeyArn,
        String domainName,
        String certificateArn,
        String basePath,
        Path functionsJar) {

    /** The stack's name when no prefix is set. */
    public static final String DEFAULT_STACK_NAME = "mq";

    public static StackSettings from(Node node) {
        String removal = text(node, "mq:removalPolicy", "retain");
        if (!removal.equals("retain") && !removal.equals("destroy")) {
            throw new IllegalArgumentException("mq:removalPolicy must be retain or destroy, not " + removal);
        }
        String apiKind = text(node, "mq:apiKind", "rest");
        if (!apiKind.equals("rest") && !apiKind.equals("http")) {
            throw new IllegalArgumentException("mq:apiKind must be rest or http, not " + apiKind);
        }
        StackSettings settings = new StackSettings(
                optional(node, "mq:prefix"),
                removal.equals("retain"),
                flag(node, "mq:deletionProtection", true),
                flag(node, "mq:apiKeys", false),
                apiKind.equals("http") ? ApiKind.HTTP : ApiKind.REST,
                number(node, "mq:throttleRate", 1000),
                number(node, "mq:throttleBurst", 2000),
                flag(node, "mq:accessLogs", false),
                flag(node, "mq:tracing", false),
                number(node, "mq:receiveConcurrency", 0),
                flag(node, "mq:allowPrivateEndpoints", false),
                number(node, "mq:deliveryMaxAttempts", 8),
                number(node, "mq:oldestMessageAlarmSeconds", 3600),
                optional(node, "mq:consumerFunctionPrefix"),
                optional(node, "mq:alarmEmail"),
                optional(node, "mq:alarmTopicArn"),
                optional(node, "mq:kmsKeyArn"),
                optional(node, "mq:domainName"),
                optional(node, "mq:certificateArn"),
                text(node, "mq:basePath", ""),
                Path.of(text(node, "mq:functionsJar", "../functions/target/mq-functions.jar")));
        if (settings.apiKind() == ApiKind.HTTP && settings.apiKeys()) {
            throw new IllegalArgumentException("mq:apiKeys=true needs the REST API: an HTTP API (mq:apiKind=http)"
                    + " has no API keys or usage plans; drop mq:apiKeys or use mq:apiKind=rest");
        }
        if ((settings.domainName() == null) != (settings.certificateArn() == null)) {
            throw new IllegalArgumentException("mq:domainName and mq:certificateArn go together");
        }
        return settings;
    }

    /** The stack's name: the prefix, or {@value #DEFAULT_STACK_NAME}. */
    public String stackName() {
        return prefix != null ? prefix : DEFAULT_STACK_NAME;
    }

    private static String optional(Node node, String key) {
        String value = text(node, key, "");
        return value.isEmpty() ? null : value;
    }

    private static String text(Node node, String key, String fallback) {
        Object value = node.tryGetContext(key);
        return value == null ? fallback : value.toString().strip();
    }

    private static boolean flag(Node node, String key, boolean fallback) {
        String value = text(node, key, Boolean.toString(fallback));
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not " + value);
        }
        return Boolean.parseBoolean(value);
    }

    private static int number(Node node, String key, int fallback) {
        String value = text(node, key, Integer.toString(fallback));
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number >= 0, not " + value);
        }
    }
}
