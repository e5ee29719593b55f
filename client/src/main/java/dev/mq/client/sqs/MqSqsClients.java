package dev.mq.client.sqs;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsBaseClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.auth.scheme.SqsAuthSchemeProvider;

/**
 * AWS SDK for Java v2 SQS clients for an mq deployment's SQS-compatible endpoint.
 *
 * <p>An SQS client signs its requests (SigV4) for the service {@code sqs}; API Gateway, which checks the
 * signature of every request to a deployment, expects the service {@code execute-api} and refuses any
 * other. These clients sign for {@code execute-api}, through the SDK's own auth-scheme mechanism: the
 * SDK still chooses SigV4 and signs, in the region given, with only the signing name changed. Everything
 * else is a plain {@link SqsClient}: an application, or a framework built on the SDK, uses it unchanged.
 *
 * <pre>{@code
 * SqsClient sqs = MqSqsClients.forDeployment(
 *         URI.create("https://<id>.execute-api.eu-west-1.amazonaws.com/prod"),
 *         Region.EU_WEST_1,
 *         DefaultCredentialsProvider.builder().build());
 * String url = sqs.getQueueUrl(r -> r.queueName("orders")).queueUrl();
 * sqs.sendMessage(r -> r.queueUrl(url).messageBody("hello"));
 * }</pre>
 *
 * <p>The local server checks no signature: against it, a plain SQS client with {@code endpointOverride}
 * and any credentials works as well.
 *
 * <p>The SDK's {@code software.amazon.awssdk:sqs} is not a dependency the {@code client} artifact brings
 * along (only {@code MqClient} users would pay for it): add it to a project that uses this class.
 */
public final class MqSqsClients {
    /** The service API Gateway checks a signature for. */
    public static final String SIGNING_NAME = "execute-api";

    private MqSqsClients() {}

    /**
     * A synchronous SQS client for the deployment at {@code endpoint}.
     *
     * @param endpoint the API's URL, with its stage ({@code https://<id>.execute-api.<region>.amazonaws.com/prod},
     *     an HTTP API's without one, or the custom domain's)
     * @param region the deployment's region, which the signature names
     * @param credentials who signs: a principal allowed {@code execute-api:Invoke} on the whole API
     */
    public static SqsClient forDeployment(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return configure(SqsClient.builder(), endpoint, region, credentials).build();
    }

    /** An asynchronous SQS client for the deployment at {@code endpoint}; as {@link #forDeployment}. */
    public static SqsAsyncClient asyncForDeployment(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return configure(SqsAsyncClient.builder(), endpoint, region, credentials)
                .build();
    }

    /**
     * Sets a client builder's endpoint, region, credentials and signing for the deployment, for a caller
     * that configures more (an HTTP client, retries, interceptors) before building.
     */
    public static <B extends SqsBaseClientBuilder<B, ?>> B configure(
            B builder, URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return builder.endpointOverride(Objects.requireNonNull(endpoint, "endpoint"))
                .region(Objects.requireNonNull(region, "region"))
                .credentialsProvider(Objects.requireNonNull(credentials, "credentials"))
                .authSchemeProvider(signingForExecuteApi());
    }

    /**
     * SQS's own auth schemes (SigV4 in the client's region), each signing for {@code execute-api} instead
     * of {@code sqs}.
     */
    public static SqsAuthSchemeProvider signingForExecuteApi() {
        SqsAuthSchemeProvider sqs = SqsAuthSchemeProvider.defaultProvider();
        return params -> {
            List<AuthSchemeOption> options = sqs.resolveAuthScheme(params);
            return options.stream()
                    .map(option -> option.toBuilder()
                            .putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                            .build())
                    .toList();
        };
    }
}
