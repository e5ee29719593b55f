package dev.mq.handlers;

import dev.mq.core.ConsumerDirectory;
import dev.mq.core.Consumers;
import dev.mq.core.EndpointPolicy;
import dev.mq.core.FunctionNameRule;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.delivery.EndpointDeliverer;
import dev.mq.delivery.EndpointInvoker;
import dev.mq.delivery.LambdaInvoker;
import dev.mq.delivery.PushDelivery;
import dev.mq.delivery.PushScheduler;
import dev.mq.store.MessageCounts;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import java.time.Clock;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The service a Lambda function runs with, built once per execution environment (and so captured in a
 * SnapStart snapshot): the SDK client is the expensive part of a cold start.
 */
public final class FunctionRuntime {
    /**
     * The ARN of the Secrets Manager secret that holds the receipt key (base64 of at least 16 random bytes);
     * the stack sets it. The value is read at init ({@link ReceiptKeySource}), never put in the environment.
     */
    public static final String RECEIPT_KEY_SECRET_ENV = "MQ_RECEIPT_KEY_SECRET_ARN";

    /**
     * The receipt key itself, in base64, for a function run outside AWS (the benchmark's cold-start
     * probes); read only when {@link #RECEIPT_KEY_SECRET_ENV} is not set. The stack never sets it.
     */
    public static final String RECEIPT_KEY_ENV = "MQ_RECEIPT_KEY";

    private FunctionRuntime() {}

    /**
     * What the messages of one answer may take ({@link QueueService.Settings#maxAnswerBytes}): Lambda
     * refuses answers over 6 MB, and a proxy response escapes the body once more; a 256 KB message escaped
     * twice is under 2 MB, so the first message always fits.
     */
    public static final long MAX_ANSWER_BYTES = 5_000_000;

    /** {@code true} lets subscriptions and consumers target private and link-local addresses (inside a VPC, say). */
    public static final String ALLOW_PRIVATE_ENDPOINTS_ENV = "MQ_ALLOW_PRIVATE_ENDPOINTS";

    /**
     * The start every consumer function's name must have ({@link FunctionNameRule}): the push function may
     * invoke only such functions, so the consumers API refuses others. Unset or empty: any name.
     */
    public static final String CONSUMER_FUNCTION_PREFIX_ENV = "MQ_CONSUMER_FUNCTION_PREFIX";

    /**
     * The account and region push events name as their source ({@code eventSourceARN}); Lambda puts the
     * region in {@code AWS_REGION}, the stack sets the account.
     */
    public static final String ACCOUNT_ENV = "MQ_ACCOUNT";

    public static QueueService service() {
        return Holder.SERVICES.queues();
    }

    public static TopicService topics() {
        return Holder.SERVICES.topics();
    }

    public static Consumers consumers() {
        return Holder.SERVICES.consumers();
    }

    /** Where push delivery finds the consumers, cached for a few seconds. */
    public static ConsumerDirectory consumerDirectory() {
        return Holder.SERVICES.consumerDirectory();
    }

    /** Push delivery as the push function runs it: endpoint and function consumers, each in its own lane. */
    public static PushScheduler pushScheduler() {
        return PushHolder.SCHEDULER;
    }

    public static MessageCounts counts() {
        return Holder.COUNTS;
    }

    private static EndpointPolicy endpointPolicy() {
        return new EndpointPolicy(false, "true".equals(System.getenv(ALLOW_PRIVATE_ENDPOINTS_ENV)));
    }

    private static final class PushHolder {
        static final PushScheduler SCHEDULER = new PushScheduler(
                consumerDirectory(),
                new PushDelivery(
                        service(),
                        new EndpointInvoker(new EndpointDeliverer(), endpointPolicy()),
                        new LambdaInvoker(
                                Holder.inLambdasRegion(LambdaClient.builder()).build()),
                        new PushDelivery.EventSource(System.getenv("AWS_REGION"), System.getenv(ACCOUNT_ENV)),
                        Clock.systemUTC()));
    }

    private static final class Holder {
        static final DynamoDbClient CLIENT = client();
        static final Tables TABLES = Tables.fromEnvironment();
        static final Services SERVICES = create();
        static final MessageCounts COUNTS = new MessageCounts(CLIENT, TABLES);

        /**
         * Lambda puts the region in the environment: naming it saves the SDK's region search at every cold
         * start. Credentials stay with the default chain (with SnapStart, Lambda serves them from its
         * container endpoint, not environment variables).
         */
        private static DynamoDbClient client() {
            return inLambdasRegion(DynamoDbClient.builder()).build();
        }

        /** Used once, at init (so before the snapshot), and closed: a restored function never calls it. */
        private static SecretsManagerClient secrets() {
            return inLambdasRegion(SecretsManagerClient.builder()).build();
        }

        private static <B extends AwsSyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B inLambdasRegion(B builder) {
            builder.httpClient(UrlConnectionHttpClient.create());
            String region = System.getenv("AWS_REGION");
            if (region != null && !region.isBlank()) {
                builder.region(Region.of(region));
            }
            return builder;
        }

        private static Services create() {
            return Services.over(CLIENT, TABLES)
                    .receiptKey(ReceiptKeySource.fromEnvironment(System::getenv, Holder::secrets))
                    .settings(QueueService.Settings.defaults().withMaxAnswerBytes(MAX_ANSWER_BYTES))
                    .endpoints(endpointPolicy())
                    .functionNames(new FunctionNameRule(System.getenv(CONSUMER_FUNCTION_PREFIX_ENV)))
                    .build();
        }
    }
}
