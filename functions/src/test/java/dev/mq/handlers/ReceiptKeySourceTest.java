package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The receipt key as a function loads it: the real SDK client, over real HTTP, against a small server that
 * answers GetSecretValue in Secrets Manager's JSON protocol (awsJson1_1) from the secrets it is given.
 */
class ReceiptKeySourceTest {
    static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq/receipt-key-AbCdEf";
    static final byte[] KEY = "0123456789abcdef0123456789abcdef!".getBytes(StandardCharsets.US_ASCII);
    static final ObjectMapper JSON = new ObjectMapper();

    static HttpServer server;
    /** Secret id to its stored value: a string, or a byte[] for a binary secret. */
    static final Map<String, Object> secrets = new ConcurrentHashMap<>();
    /** Secret ids the server refuses, as an IAM policy without the grant would. */
    static final List<String> denied = new CopyOnWriteArrayList<>();
    /** The requests the server saw: operation and secret id. */
    static final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startSecretsManager() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ReceiptKeySourceTest::answer);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @AfterEach
    void forget() {
        secrets.clear();
        denied.clear();
        requests.clear();
    }

    @Test
    void fromSecret_readsTheKey_withOneGetSecretValueOfThatSecret() {
        secrets.put(ARN, Base64.getEncoder().encodeToString(KEY));

        assertThat(ReceiptKeySource.fromSecret(client(), ARN)).isEqualTo(KEY);
        assertThat(requests).containsExactly("secretsmanager.GetSecretValue " + ARN);
    }

    @Test
    void fromSecret_takesTheKeyTheStackGenerates_44LettersAndDigits() {
        String generated = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGh";
        secrets.put(ARN, generated);

        assertThat(ReceiptKeySource.fromSecret(client(), ARN)).hasSize(33);
    }

    @Test
    void fromSecret_saysSo_whenTheSecretDoesNotExist() {
        assertThatThrownBy(() -> ReceiptKeySource.fromSecret(client(), ARN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the receipt key secret " + ARN + " does not exist (or has no current value)");
    }

    @Test
    void fromSecret_namesTheMissingGrant_whenTheRoleMayNotReadIt() {
        secrets.put(ARN, Base64.getEncoder().encodeToString(KEY));
        denied.add(ARN);

        assertThatThrownBy(() -> ReceiptKeySource.fromSecret(client(), ARN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AccessDeniedException, HTTP 400")
                .hasMessageContaining("needs secretsmanager:GetSecretValue");
    }

    @Test
    void fromSecret_refusesAValueThatIsNotBase64_withoutQuotingIt() {
        secrets.put(ARN, "not*base64*at-all!!");

        assertThatThrownBy(() -> ReceiptKeySource.fromSecret(client(), ARN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the receipt key in the secret " + ARN + " is not base64")
                .hasNoCause();
    }

    @Test
    void fromSecret_refusesAKeyShorterThan16Bytes() {
        secrets.put(ARN, Base64.getEncoder().encodeToString(new byte[15]));

        assertThatThrownBy(() -> ReceiptKeySource.fromSecret(client(), ARN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the receipt key in the secret " + ARN + " holds 15 bytes; it must hold at least 16");
    }

    @Test
    void fromSecret_refusesABinarySecret() {
        secrets.put(ARN, KEY);

        assertThatThrownBy(() -> ReceiptKeySource.fromSecret(client(), ARN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no string value");
    }

    @Test
    void fromEnvironment_readsTheSecretTheArnNames_evenWhenTheKeyVariableIsSetToo() {
        secrets.put(ARN, Base64.getEncoder().encodeToString(KEY));
        Map<String, String> env = Map.of(
                FunctionRuntime.RECEIPT_KEY_SECRET_ENV,
                ARN,
                // the secret wins: a stale variable cannot override the deployed key
                FunctionRuntime.RECEIPT_KEY_ENV,
                Base64.getEncoder().encodeToString(new byte[32]));

        byte[] key = ReceiptKeySource.fromEnvironment(env::get, ReceiptKeySourceTest::client);

        assertThat(key).isEqualTo(KEY);
        assertThat(requests).containsExactly("secretsmanager.GetSecretValue " + ARN);
    }

    @Test
    void fromEnvironment_takesTheKeyItself_withoutCallingSecretsManager_whenNoSecretIsNamed() {
        Map<String, String> env =
                Map.of(FunctionRuntime.RECEIPT_KEY_ENV, Base64.getEncoder().encodeToString(KEY));

        byte[] key = ReceiptKeySource.fromEnvironment(env::get, () -> {
            throw new AssertionError("no secret is named: Secrets Manager must not be called");
        });

        assertThat(key).isEqualTo(KEY);
    }

    @Test
    void fromEnvironment_namesBothVariables_whenNeitherIsSet() {
        assertThatThrownBy(() -> ReceiptKeySource.fromEnvironment(name -> null, ReceiptKeySourceTest::client))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("neither MQ_RECEIPT_KEY_SECRET_ARN nor MQ_RECEIPT_KEY is set:"
                        + " receipt handles cannot be signed");
    }

    // ---------------------------------------------------------------- the server

    static SecretsManagerClient client() {
        return SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** One GetSecretValue as Secrets Manager answers it: the value, or its error shape. */
    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String secretId = request.path("SecretId").asText();
            requests.add(target + " " + secretId);
            if (!"secretsmanager.GetSecretValue".equals(target)) {
                reply(exchange, 400, error("UnknownOperationException", "not served here: " + target));
                return;
            }
            if (denied.contains(secretId)) {
                reply(exchange, 400, error("AccessDeniedException", "not authorized to perform GetSecretValue"));
                return;
            }
            Object value = secrets.get(secretId);
            if (value == null) {
                reply(exchange, 400, error("ResourceNotFoundException", "Secrets Manager can't find the secret."));
                return;
            }
            ObjectNode answer = JSON.createObjectNode()
                    .put("ARN", secretId)
                    .put("Name", "mq/receipt-key")
                    .put("VersionId", "v1");
            answer.putArray("VersionStages").add("AWSCURRENT");
            if (value instanceof byte[] bytes) {
                answer.put("SecretBinary", Base64.getEncoder().encodeToString(bytes));
            } else {
                answer.put("SecretString", (String) value);
            }
            reply(exchange, 200, answer);
        }
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("message", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "test-request");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
