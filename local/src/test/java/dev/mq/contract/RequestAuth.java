package dev.mq.contract;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * How the suite's requests prove who sends them: nothing, the local server's bearer token, or an AWS
 * SigV4 signature (service {@code execute-api}) for an API Gateway deployment with IAM authorization.
 */
interface RequestAuth {
    /** Adds the credentials to a request about to be sent; {@code body} is null when there is none. */
    void apply(HttpRequest.Builder request, String method, URI uri, String body);

    /** A short name for messages: {@code none}, {@code bearer}, {@code sigv4}. */
    String kind();

    static RequestAuth none() {
        return new RequestAuth() {
            @Override
            public void apply(HttpRequest.Builder request, String method, URI uri, String body) {}

            @Override
            public String kind() {
                return "none";
            }
        };
    }

    static RequestAuth bearer(String token) {
        return new RequestAuth() {
            @Override
            public void apply(HttpRequest.Builder request, String method, URI uri, String body) {
                request.header("Authorization", "Bearer " + token);
            }

            @Override
            public String kind() {
                return "bearer";
            }
        };
    }

    /** Signs with the AWS SDK's own signer; the credentials come from the provider at each request. */
    static RequestAuth sigV4(AwsCredentialsProvider credentials, String region) {
        return new SigV4(credentials, region);
    }

    final class SigV4 implements RequestAuth {
        /** Headers java.net.http sets itself (and refuses from callers); it sends the same Host. */
        private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");

        private final AwsCredentialsProvider credentials;
        private final String region;
        private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

        SigV4(AwsCredentialsProvider credentials, String region) {
            this.credentials = credentials;
            this.region = region;
        }

        @Override
        public void apply(HttpRequest.Builder request, String method, URI uri, String body) {
            SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
            if (body != null) {
                unsigned.putHeader("Content-Type", "application/json");
            }
            SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                    .request(unsigned.build())
                    .payload(body == null ? null : ContentStreamProvider.fromString(body, StandardCharsets.UTF_8))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
                String name = header.getKey();
                if (!SET_BY_CLIENT.contains(name.toLowerCase()) && !name.equalsIgnoreCase("Content-Type")) {
                    header.getValue().forEach(value -> request.header(name, value));
                }
            }
        }

        @Override
        public String kind() {
            return "sigv4";
        }
    }
}
