package dev.mq.sqs;

import dev.mq.model.Names;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Queue URLs ({@code <base>/<account>/<queue>}) and ARNs ({@code arn:aws:sqs:<region>:<account>:<queue>})
 * as one request sees them: {@code base} is the URL the request came to, before the route's own part, so
 * a URL handed out works for the same client. A URL or ARN of another account names no queue of ours;
 * mq's internal queues are refused by name, as everywhere in the API.
 */
public record QueueUrls(String base, String account, String region) {
    /** The account the local server speaks for. */
    public static final String LOCAL_ACCOUNT = "000000000000";

    public static final String DEFAULT_REGION = "us-east-1";

    public QueueUrls {
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public String url(String queue) {
        return base + "/" + account + "/" + queue;
    }

    public String arn(String queue) {
        return "arn:aws:sqs:" + region + ":" + account + ":" + queue;
    }

    /** The queue a queue URL names (any host: SDKs may rewrite it). */
    public String queueOfUrl(String url) {
        String path;
        try {
            path = URI.create(url.strip()).getRawPath();
        } catch (IllegalArgumentException e) {
            throw SqsErrors.fail(
                    SqsErrors.invalidParameterValue("the queue URL '" + Names.printable(url) + "' is not a URL"));
        }
        if (path == null) {
            throw SqsErrors.fail(SqsErrors.queueDoesNotExist());
        }
        String[] parts = path.split("/");
        if (parts.length < 2) {
            throw SqsErrors.fail(SqsErrors.queueDoesNotExist());
        }
        return ours(decode(parts[parts.length - 2]), decode(parts[parts.length - 1]));
    }

    /** The queue an ARN names. */
    public String queueOfArn(String arn) {
        String[] parts = arn.split(":", -1);
        if (parts.length != 6 || !"arn".equals(parts[0]) || !"sqs".equals(parts[2])) {
            throw SqsErrors.fail(
                    SqsErrors.invalidParameterValue("'" + Names.printable(arn) + "' is not an SQS queue ARN"));
        }
        return ours(parts[4], parts[5]);
    }

    /** A queue name, checked as the account's own queue; the owner's account, when given, must be ours. */
    public String ours(String owner, String queue) {
        if (owner != null && !owner.equals(account)) {
            throw SqsErrors.fail(SqsErrors.queueDoesNotExist());
        }
        return Names.refuseInternal(queue);
    }

    private static String decode(String part) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SqsErrors.fail(SqsErrors.queueDoesNotExist());
        }
    }
}
