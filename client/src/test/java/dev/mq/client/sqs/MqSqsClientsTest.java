package dev.mq.client.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The clients' requests as an HTTP server receives them: signed for {@code execute-api} in the given
 * region, with a signature that the SDK's own SigV4 signer, run over the received request, computes again.
 */
class MqSqsClientsTest {
    static final AwsBasicCredentials KEYS =
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    static final Pattern CREDENTIAL = Pattern.compile("Credential=AKIDEXAMPLE/(\\d{8})/([^/]+)/([^/]+)/aws4_request");

    record Received(String method, String path, Map<String, String> headers, String body) {}

    HttpServer server;
    final List<Received> received = new ArrayList<>();
    URI endpoint;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (received) {
                received.add(new Received(
                        exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, body));
            }
            byte[] answer = "{\"QueueUrls\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        // with a stage, as a REST API's URL has: the signature covers the path the server sees
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prod");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void forDeployment_signsForExecuteApi_inTheGivenRegion_aSignatureTheSdkSignerComputesAgain() {
        try (SqsClient sqs =
                MqSqsClients.forDeployment(endpoint, Region.EU_WEST_1, StaticCredentialsProvider.create(KEYS))) {
            sqs.listQueues(r -> r.queueNamePrefix("orders"));
        }
        assertSignedForExecuteApi(onlyRequest());
    }

    @Test
    void asyncForDeployment_signsForExecuteApi_too() {
        try (SqsAsyncClient sqs =
                MqSqsClients.asyncForDeployment(endpoint, Region.EU_WEST_1, StaticCredentialsProvider.create(KEYS))) {
            sqs.listQueues(r -> r.queueNamePrefix("orders")).join();
        }
        assertSignedForExecuteApi(onlyRequest());
    }

    @Test
    void aPlainSqsClient_signsForSqs_whichApiGatewayRefuses() {
        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(KEYS))
                .build()) {
            sqs.listQueues(r -> r.queueNamePrefix("orders"));
        }
        assertThat(credentialScope(onlyRequest())[2]).isEqualTo("sqs");
    }

    private Received onlyRequest() {
        synchronized (received) {
            assertThat(received).hasSize(1);
            return received.get(0);
        }
    }

    private static String[] credentialScope(Received request) {
        Matcher scope = CREDENTIAL.matcher(request.headers().get("Authorization"));
        assertThat(scope.find()).as(request.headers().get("Authorization")).isTrue();
        return new String[] {scope.group(1), scope.group(2), scope.group(3)};
    }

    private void assertSignedForExecuteApi(Received request) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/prod/");
        assertThat(request.headers().get("X-Amz-Target")).isEqualTo("AmazonSQS.ListQueues");
        assertThat(request.headers().get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 ")
                .contains("/eu-west-1/execute-api/aws4_request");
        assertThat(credentialScope(request))
                .containsExactly(request.headers().get("X-Amz-Date").substring(0, 8), "eu-west-1", "execute-api");
        assertThat(recomputedAuthorization(request)).isEqualTo(request.headers().get("Authorization"));
    }

    /** The Authorization header the SDK's signer writes for the request as received, over its signed headers. */
    private String recomputedAuthorization(Received request) {
        String authorization = request.headers().get("Authorization");
        Matcher signed = Pattern.compile("SignedHeaders=([^,]+)").matcher(authorization);
        assertThat(signed.find()).isTrue();
        SdkHttpRequest.Builder copy = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .uri(URI.create(endpoint.getScheme() + "://" + request.headers().get("Host") + request.path()));
        for (String name : signed.group(1).split(";")) {
            copy.putHeader(name, request.headers().get(name));
        }
        ZonedDateTime signedAt = ZonedDateTime.parse(
                request.headers().get("X-Amz-Date"),
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").withZone(ZoneOffset.UTC));
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(KEYS)
                        .request(copy.build())
                        .payload(ContentStreamProvider.fromUtf8String(request.body()))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt.toInstant(), ZoneOffset.UTC)))
                .request()
                .firstMatchingHeader("Authorization")
                .orElseThrow();
    }
}
