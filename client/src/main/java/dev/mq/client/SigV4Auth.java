package dev.mq.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * {@link RequestAuth#sigV4}: every use of the AWS SDK is in this class, so a client that does not sign
 * never loads the SDK (a command line against the local server starts without it).
 */
final class SigV4Auth implements RequestAuth {
    // java.net.http sets these itself, and refuses them from callers; it sends the same Host
    private static final Set<String> SET_BY_HTTP_CLIENT = Set.of("host", "content-length", "content-type");

    private final AwsCredentialsProvider credentials;
    private final String region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SigV4Auth(AwsCredentialsProvider credentials, String region) {
        this.credentials = credentials;
        this.region = region;
    }

    static SigV4Auth withDefaultCredentials(String region) {
        return new SigV4Auth(DefaultCredentialsProvider.builder().build(), region);
    }

    @Override
    public void apply(HttpRequest.Builder request, String method, URI uri, String body) {
        SdkHttpRequest.Builder unsigned =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (body != null) {
            unsigned.putHeader("Content-Type", "application/json");
        }
        AwsCredentials identity = resolveCredentials();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(unsigned.build())
                .payload(body == null ? null : ContentStreamProvider.fromString(body, StandardCharsets.UTF_8))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (!SET_BY_HTTP_CLIENT.contains(header.getKey().toLowerCase())) {
                header.getValue().forEach(value -> request.header(header.getKey(), value));
            }
        }
    }

    /**
     * The credentials to sign with. None found is refused before anything is sent, as {@code Unauthorized}
     * with a short reason (the SDK's own message lists every provider of its chain on one line).
     */
    private AwsCredentials resolveCredentials() {
        try {
            return credentials.resolveCredentials();
        } catch (RuntimeException none) {
            throw new MqException.Unauthorized(
                            0,
                            "no AWS credentials to sign with (SigV4): set AWS_PROFILE, or "
                                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them",
                            null,
                            none)
                    .notFromApi();
        }
    }
}
