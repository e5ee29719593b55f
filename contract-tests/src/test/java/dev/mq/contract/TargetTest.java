package dev.mq.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.client.RequestAuth;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The suite's choice of target and credentials: the local server, any URL, or LocalStack. */
class TargetTest {
    final Map<String, String> properties = new HashMap<>();
    final Map<String, String> env = new HashMap<>();
    boolean docker = true;
    boolean localStackUp = true;

    private Target resolve() {
        return Target.resolve(properties::get, env::get, () -> docker, uri -> localStackUp);
    }

    @Test
    void noProperties_isTheLocalServer_withoutAuth() {
        Target target = resolve();
        assertThat(target.local()).isTrue();
        assertThat(target.auth().kind()).isEqualTo("none");
        assertThat(target.authEnforced()).isFalse();
    }

    @Test
    void anApiGatewayUrl_isSignedWithSigV4_inTheRegionOfItsHost() {
        properties.put(Target.BASE_URL_PROPERTY, "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/");
        Target target = resolve();
        assertThat(target.local()).isFalse();
        assertThat(target.baseUrl()).isEqualTo("https://abc123.execute-api.eu-west-1.amazonaws.com/prod");
        assertThat(target.auth().kind()).isEqualTo("sigv4");
        assertThat(target.authEnforced()).isTrue();
        assertThat(Target.region(properties::get, env::get, target.baseUrl())).isEqualTo("eu-west-1");
    }

    @Test
    void aUrlWithAToken_usesTheBearerToken() {
        properties.put(Target.BASE_URL_PROPERTY, "http://127.0.0.1:8080");
        properties.put(Target.TOKEN_PROPERTY, "secret");
        Target target = resolve();
        assertThat(target.auth().kind()).isEqualTo("bearer");
        assertThat(target.authEnforced()).isTrue();
    }

    @Test
    void localStack_withoutTheAuthTokenOrDocker_isSkipped_namingBoth() {
        properties.put(Target.TARGET_PROPERTY, "localstack");
        docker = false;
        assertThatThrownBy(this::resolve)
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("LOCALSTACK_AUTH_TOKEN is not set")
                .hasMessageContaining("Docker is not available");
    }

    @Test
    void localStack_withoutDocker_isSkipped_sayingSo() {
        properties.put(Target.TARGET_PROPERTY, "localstack");
        env.put("LOCALSTACK_AUTH_TOKEN", "ls-token");
        docker = false;
        assertThatThrownBy(this::resolve)
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Docker is not available");
    }

    @Test
    void localStack_notRunning_orNotDeployed_isSkipped_sayingWhatToRun(@TempDir Path dir) {
        properties.put(Target.TARGET_PROPERTY, "localstack");
        env.put("LOCALSTACK_AUTH_TOKEN", "ls-token");
        localStackUp = false;
        assertThatThrownBy(this::resolve)
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("does not answer at http://localhost:4566")
                .hasMessageContaining("deploy.sh");
        localStackUp = true;
        properties.put(Target.OUTPUTS_PROPERTY, dir.resolve("missing.json").toString());
        assertThatThrownBy(this::resolve)
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no deployment outputs");
    }

    @Test
    void localStack_deployed_isTheApiByItsId_signedButNotEnforced(@TempDir Path dir) throws Exception {
        Path outputs = dir.resolve("cdk-outputs.json");
        Files.writeString(outputs, "{\"mq\": {\"ApiId\": \"a1b2c3\", \"ApiUrl\": \"https://x/prod/\"}}");
        properties.put(Target.TARGET_PROPERTY, "localstack");
        properties.put(Target.OUTPUTS_PROPERTY, outputs.toString());
        env.put("LOCALSTACK_AUTH_TOKEN", "ls-token");
        Target target = resolve();
        assertThat(target.baseUrl()).isEqualTo("http://localhost:4566/restapis/a1b2c3/prod/_user_request_");
        assertThat(target.auth().kind()).isEqualTo("sigv4");
        assertThat(target.authEnforced()).isFalse();
    }

    @Test
    void sigV4_signsForExecuteApi_andTheSignatureCoversTheBody() {
        RequestAuth auth = RequestAuth.sigV4(
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
                "eu-west-1");
        URI uri = URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/queues/orders/messages");

        HttpRequest first = sign(auth, uri, "{\"body\":\"a\"}");
        HttpRequest second = sign(auth, uri, "{\"body\":\"b\"}");

        String authorization = first.headers().firstValue("Authorization").orElseThrow();
        assertThat(authorization)
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/execute-api/aws4_request")
                .contains("SignedHeaders=")
                .contains("host");
        assertThat(first.headers().firstValue("X-Amz-Date")).isPresent();
        assertThat(signature(second)).isNotEqualTo(signature(first));
    }

    private static HttpRequest sign(RequestAuth auth, URI uri, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        auth.apply(request, "POST", uri, body);
        return request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String signature(HttpRequest request) {
        String authorization = request.headers().firstValue("Authorization").orElseThrow();
        return authorization.substring(authorization.indexOf("Signature="));
    }
}
