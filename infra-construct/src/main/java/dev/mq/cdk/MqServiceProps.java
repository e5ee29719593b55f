package dev.mq.cdk;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * The settings of one {@link MqService}. Only {@code functionsJar} is required; every default deploys
 * into a fresh account: no physical names (CloudFormation generates them), no reserved concurrency, no
 * access logs (they need the account's API Gateway CloudWatch role), data kept when the stack goes.
 *
 * @param functionsJar        the Lambda package, {@code functions/target/mq-functions.jar} of a build
 * @param prefix              names every table, function, log group, alarm and the dashboard
 *                            ({@code <prefix>-messages}, ...), or null to let CloudFormation name them
 * @param apiKind             the API Gateway front door: REST (the default) or HTTP (cheaper; no API keys,
 *                            no custom domain from this construct)
 * @param removalPolicy       of the tables, the stream-failures queue, the receipt-key secret and the logs
 * @param deletionProtection  DynamoDB deletion protection on the tables
 * @param receiveConcurrency  reserved concurrency of the receive function, or null for none
 * @param alarmTopic          the SNS topic the alarms notify, or null
 * @param alarmEmail          an address to notify through a topic this service creates, or null
 * @param kmsKey              a customer-managed key for the tables, the stream-failures queue, the log groups
 *                            (and the alarm topic it creates), or null for AWS-owned encryption
 * @param customDomain        a custom domain name (and base path) for the API, or null
 * @param tracing             X-Ray tracing of the API stage and the functions
 * @param accessLogs          API Gateway access logs; the account needs its API Gateway CloudWatch role
 * @param apiKeys             also require an API key, with a usage plan that throttles it
 * @param throttleRate        requests per second, for the stage (and the usage plan)
 * @param throttleBurst       burst size
 * @param allowPrivateEndpoints subscriptions may target private addresses
 * @param deliveryMaxAttempts endpoint delivery retry budget
 * @param oldestMessageAlarmSeconds alarm when a message has waited this long
 * @param consumerFunctionPrefix the start of the name of every Lambda function a push consumer may name:
 *                            the push function may invoke only those, and the consumers API refuses others;
 *                            null for {@code <deployment>-consumer-} (the prefix, else the stack's name)
 * @param tags                tags on every resource of the service
 */
public record MqServiceProps(
        Path functionsJar,
        String prefix,
        ApiKind apiKind,
        RemovalPolicy removalPolicy,
        boolean deletionProtection,
        Integer receiveConcurrency,
        ITopic alarmTopic,
        String alarmEmail,
        IKey kmsKey,
        CustomDomain customDomain,
        boolean tracing,
        boolean accessLogs,
        boolean apiKeys,
        int throttleRate,
        int throttleBurst,
        boolean allowPrivateEndpoints,
        int deliveryMaxAttempts,
        int oldestMessageAlarmSeconds,
        String consumerFunctionPrefix,
        Map<String, String> tags) {

    public MqServiceProps {
        Objects.requireNonNull(functionsJar, "functionsJar: the Lambda package (functions/target/mq-functions.jar)");
        if (prefix != null && !prefix.matches("[a-z][a-z0-9-]{0,19}")) {
            throw new IllegalArgumentException(
                    "prefix must be 1-20 of a-z 0-9 - and start with a letter, not " + prefix);
        }
        if (apiKind == ApiKind.HTTP && apiKeys) {
            throw new IllegalArgumentException("apiKeys needs the REST API: an HTTP API has no API keys or usage"
                    + " plans; drop apiKeys or use ApiKind.REST (mq:apiKind=rest)");
        }
        if (apiKind == ApiKind.HTTP && customDomain != null) {
            throw new IllegalArgumentException("customDomain is made for the REST API only; with ApiKind.HTTP map"
                    + " your own API Gateway v2 domain to the HTTP API, or use ApiKind.REST");
        }
        if (removalPolicy != RemovalPolicy.RETAIN && removalPolicy != RemovalPolicy.DESTROY) {
            throw new IllegalArgumentException("removalPolicy must be RETAIN or DESTROY, not " + removalPolicy);
        }
        if (receiveConcurrency != null && receiveConcurrency < 1) {
            throw new IllegalArgumentException(
                    "receiveConcurrency must be at least 1, or null for none, not " + receiveConcurrency);
        }
        if (alarmTopic != null && alarmEmail != null) {
            throw new IllegalArgumentException("give an alarm topic or an alarm e-mail address, not both");
        }
        if (alarmEmail != null && !alarmEmail.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new IllegalArgumentException("alarmEmail is not an e-mail address: " + alarmEmail);
        }
        for (int n : new int[] {throttleRate, throttleBurst, deliveryMaxAttempts, oldestMessageAlarmSeconds}) {
            if (n < 1) {
                throw new IllegalArgumentException(
                        "throttleRate, throttleBurst, deliveryMaxAttempts and oldestMessageAlarmSeconds must be"
                                + " at least 1");
            }
        }
        // a function name's characters; at least one, so the grant never covers every function
        if (consumerFunctionPrefix != null && !consumerFunctionPrefix.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new IllegalArgumentException(
                    "consumerFunctionPrefix must be 1-40 of A-Z a-z 0-9 _ -, not " + consumerFunctionPrefix);
        }
        tags = Map.copyOf(tags);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as documented on {@link MqServiceProps}; {@link #functionsJar(Path)} is required. */
    public static final class Builder {
        private Path functionsJar;
        private String prefix;
        private ApiKind apiKind = ApiKind.REST;
        private RemovalPolicy removalPolicy = RemovalPolicy.RETAIN;
        private boolean deletionProtection = true;
        private Integer receiveConcurrency;
        private ITopic alarmTopic;
        private String alarmEmail;
        private IKey kmsKey;
        private CustomDomain customDomain;
        private boolean tracing;
        private boolean accessLogs;
        private boolean apiKeys;
        private int throttleRate = 1000;
        private int throttleBurst = 2000;
        private boolean allowPrivateEndpoints;
        private int deliveryMaxAttempts = 8;
        private int oldestMessageAlarmSeconds = 3600;
        private String consumerFunctionPrefix;
        private final Map<String, String> tags = new TreeMap<>();

        private Builder() {}

        public Builder functionsJar(Path functionsJar) {
            this.functionsJar = functionsJar;
            return this;
        }

        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        public Builder apiKind(ApiKind apiKind) {
            this.apiKind = Objects.requireNonNull(apiKind);
            return this;
        }

        public Builder removalPolicy(RemovalPolicy removalPolicy) {
            this.removalPolicy = removalPolicy;
            return this;
        }

        public Builder deletionProtection(boolean deletionProtection) {
            this.deletionProtection = deletionProtection;
            return this;
        }

        public Builder receiveConcurrency(Integer receiveConcurrency) {
            this.receiveConcurrency = receiveConcurrency;
            return this;
        }

        public Builder alarmTopic(ITopic alarmTopic) {
            this.alarmTopic = alarmTopic;
            return this;
        }

        public Builder alarmEmail(String alarmEmail) {
            this.alarmEmail = alarmEmail;
            return this;
        }

        public Builder kmsKey(IKey kmsKey) {
            this.kmsKey = kmsKey;
            return this;
        }

        public Builder customDomain(CustomDomain customDomain) {
            this.customDomain = customDomain;
            return this;
        }

        public Builder tracing(boolean tracing) {
            this.tracing = tracing;
            return this;
        }

        public Builder accessLogs(boolean accessLogs) {
            this.accessLogs = accessLogs;
            return this;
        }

        public Builder apiKeys(boolean apiKeys) {
            this.apiKeys = apiKeys;
            return this;
        }

        public Builder throttleRate(int throttleRate) {
            this.throttleRate = throttleRate;
            return this;
        }

        public Builder throttleBurst(int throttleBurst) {
            this.throttleBurst = throttleBurst;
            return this;
        }

        public Builder allowPrivateEndpoints(boolean allowPrivateEndpoints) {
            this.allowPrivateEndpoints = allowPrivateEndpoints;
            return this;
        }

        public Builder deliveryMaxAttempts(int deliveryMaxAttempts) {
            this.deliveryMaxAttempts = deliveryMaxAttempts;
            return this;
        }

        public Builder oldestMessageAlarmSeconds(int oldestMessageAlarmSeconds) {
            this.oldestMessageAlarmSeconds = oldestMessageAlarmSeconds;
            return this;
        }

        public Builder consumerFunctionPrefix(String consumerFunctionPrefix) {
            this.consumerFunctionPrefix = consumerFunctionPrefix;
            return this;
        }

        public Builder tag(String key, String value) {
            tags.put(key, value);
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags.putAll(tags);
            return this;
        }

        public MqServiceProps build() {
            return new MqServiceProps(
                    functionsJar,
                    prefix,
                    apiKind,
                    removalPolicy,
                    deletionProtection,
                    receiveConcurrency,
                    alarmTopic,
                    alarmEmail,
                    kmsKey,
                    customDomain,
                    tracing,
                    accessLogs,
                    apiKeys,
                    throttleRate,
                    throttleBurst,
                    allowPrivateEndpoints,
                    deliveryMaxAttempts,
                    oldestMessageAlarmSeconds,
                    consumerFunctionPrefix,
                    tags);
        }
    }
}
