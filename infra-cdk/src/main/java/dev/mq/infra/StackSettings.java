package dev.mq.infra;

import java.nio.file.Path;
import software.constructs.Node;

/**
 * The stack's settings, read from CDK context ({@code cdk.json}, or {@code -c key=value} on the command
 * line). The defaults are the safe ones for production: tables are kept when the stack goes and cannot
 * be deleted by accident, and every request must be signed (SigV4).
 *
 * @param prefix                 names the stack and every table, function and log group ({@code mq:prefix})
 * @param retainData             keep tables and logs when the stack is deleted ({@code mq:removalPolicy}
 *                               {@code retain} or {@code destroy})
 * @param deletionProtection     DynamoDB deletion protection on the tables ({@code mq:deletionProtection})
 * @param httpApi                the HTTP API (API Gateway v2) in front instead of the REST API ({@code mq:apiKind}
 *                               {@code rest} or {@code http}): cheaper per request, without API keys, WAF or
 *                               API Gateway refusals in the API's error shape
 * @param apiKeys                also require an API key, with a usage plan that throttles it ({@code mq:apiKeys});
 *                               REST API only
 * @param throttleRate           requests per second, per stage or per key ({@code mq:throttleRate})
 * @param throttleBurst          burst size ({@code mq:throttleBurst})
 * @param accessLogs             API Gateway access logs; needs the account's API Gateway CloudWatch role
 *                               ({@code mq:accessLogs})
 * @param receiveConcurrency     reserved concurrency of the receive function, 0 for none, so long polls cannot
 *                               take every execution slot of the account ({@code mq:receiveConcurrency})
 * @param allowPrivateEndpoints  subscriptions may target private addresses ({@code mq:allowPrivateEndpoints})
 * @param deliveryMaxAttempts    endpoint delivery retry budget ({@code mq:deliveryMaxAttempts})
 * @param oldestMessageAlarmSeconds alarm when a message has waited this long ({@code mq:oldestMessageAlarmSeconds})
 * @param alarmTopicArn          an SNS topic the alarms notify, or null ({@code mq:alarmTopicArn})
 * @param functionsJar           the Lambda package built by the functions module ({@code mq:functionsJar})
 */
public record StackSettings(
        String prefix,
        boolean retainData,
        boolean deletionProtection,
        boolean httpApi,
        boolean apiKeys,
        int throttleRate,
        int throttleBurst,
        boolean accessLogs,
        int receiveConcurrency,
        boolean allowPrivateEndpoints,
        int deliveryMaxAttempts,
        int oldestMessageAlarmSeconds,
        String alarmTopicArn,
        Path functionsJar) {

    public static StackSettings from(Node node) {
        String prefix = text(node, "mq:prefix", "mq");
        if (!prefix.matches("[a-z][a-z0-9-]{0,19}")) {
            throw new IllegalArgumentException(
                    "mq:prefix must be 1-20 of a-z 0-9 - and start with a letter, not " + prefix);
        }
        String removal = text(node, "mq:removalPolicy", "retain");
        if (!removal.equals("retain") && !removal.equals("destroy")) {
            throw new IllegalArgumentException("mq:removalPolicy must be retain or destroy, not " + removal);
        }
        String apiKind = text(node, "mq:apiKind", "rest");
        if (!apiKind.equals("rest") && !apiKind.equals("http")) {
            throw new IllegalArgumentException("mq:apiKind must be rest or http, not " + apiKind);
        }
        boolean apiKeys = flag(node, "mq:apiKeys", false);
        if (apiKind.equals("http") && apiKeys) {
            throw new IllegalArgumentException("mq:apiKeys=true needs the REST API: an HTTP API (mq:apiKind=http)"
                    + " has no API keys or usage plans; drop mq:apiKeys or use mq:apiKind=rest");
        }
        String alarmTopic = text(node, "mq:alarmTopicArn", "");
        return new StackSettings(
                prefix,
                removal.equals("retain"),
                flag(node, "mq:deletionProtection", true),
                apiKind.equals("http"),
                apiKeys,
                number(node, "mq:throttleRate", 1000),
                number(node, "mq:throttleBurst", 2000),
                flag(node, "mq:accessLogs", true),
                number(node, "mq:receiveConcurrency", 20),
                flag(node, "mq:allowPrivateEndpoints", false),
                number(node, "mq:deliveryMaxAttempts", 8),
                number(node, "mq:oldestMessageAlarmSeconds", 3600),
                alarmTopic.isBlank() ? null : alarmTopic,
                Path.of(text(node, "mq:functionsJar", "../functions/target/mq-functions.jar")));
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
