package dev.mq.client;

import java.net.URI;
import java.net.http.HttpRequest;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

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
        return SigV4Auth.withDefaultCredentials(region);
    }

    /**
     * SigV4 with the SDK's own signer; credentials are resolved per request, so they may rotate. When
     * none can be resolved, the request is not sent and {@link MqException.Unauthorized} is thrown.
     */
    static RequestAuth sigV4(AwsCredentialsProvider credentials, String region) {
        return new SigV4Auth(credentials, region);
    }
}
