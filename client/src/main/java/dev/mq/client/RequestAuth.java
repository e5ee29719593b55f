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
 * How requests prove who sends them: nothing, the local server's bearer token, or an AWS SigV4
 * signature (service {@code execute-api}) for a deployment whose API uses IAM authorization.
 */
public interface RequestAuth {
    /** Adds credentials to a request about to be sent; {@code body} is null when there is none. */
    void apply(HttpRequest.Builder request, String method, URI uri, String body);

    static RequestAuth none() {
        return (request, method, uri, body) -> {};
    }

    static RequestAuth bearer(String token) {
        return (request, method, uri, body) -> request.header("Authorization", "Bearer " + token);
    }

    /** SigV4 with the AWS SDK's default credentials chain (environment, profile, SSO, instance role). */
    static RequestAuth sigV4(String region) {
        return sigV4(DefaultCredentialsProvider.builder().build(), region);
    }

    /** SigV4 with the SDK's own signer; credentials are resolved per request, so they may rotate. */
    static RequestAuth sigV4(AwsCredentialsProvider credentials, String region) {
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        // java.net.http sets these itself, and refuses them from callers; it sends the same Host
        Set<String> setByHttpClient = Set.of("host", "content-length", "content-type");
        return (request, method, uri, body) -> {
            SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
            if (body != null) {
                unsigned.putHeader("Content-Type", "application/json");
            }
            AwsCredentials identity = resolve(credentials);
            SignedRequest signed = signer.sign(r -> r.identity(identity)
                    .request(unsigned.build())
                    .payload(body == null ? null : ContentStreamProvider.fromString(body, StandardCharsets.UTF_8))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
                if (!setByHttpClient.contains(header.getKey().toLowerCase())) {
                    header.getValue().forEach(value -> request.header(header.getKey(), value));
                }
            }
        };
    }

    /**
     * The credentials to sign with. None found is refused before anything is sent, as {@code Unauthorized}
     * with a short reason (the SDK's own message lists every provider of its chain on one line).
     */
    private static AwsCredentials resolve(AwsCredentialsProvider credentials) {
        try {
            return credentials.resolveCredentials();
        } catch (RuntimeException none) {
            throw new MqException.Unauthorized(0, "no AWS credentials to sign with (SigV4): set AWS_PROFILE, or "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them", null, none)
                    .notFromApi();
        }
    }
}
