package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mq.model.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * An endpoint subscription on the local server, over real HTTP both ways: a publish reaches a receiver
 * on loopback as a signed POST, through the stream poller, the delivery queue and the delivery worker.
 */
class EndpointDeliveryLocalTest {
    private static final String SECRET = "local-hook-secret";

    /** What a receiver would do (README, "Verifying deliveries"): HMAC over the raw body, constant time. */
    private static boolean validSignature(byte[] rawBody, String header) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
        return header != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }

    private record Post(String path, byte[] body, String signature) {}

    @Test
    void aPublishedMessage_reachesALoopbackEndpoint_asAPostWithAValidSignature() throws Exception {
        CompletableFuture<Post> received = new CompletableFuture<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.complete(new Post(
                    exchange.getRequestURI().getPath(),
                    body,
                    exchange.getRequestHeaders().getFirst("X-Signature")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, null, null))) {
            HttpTestClient http = new HttpTestClient(server.baseUrl());
            String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            assertThat(http.put("/v1/topics/orders", "{}").statusCode()).isEqualTo(201);
            HttpResponse<String> subscribed = http.put(
                    "/v1/topics/orders/subscriptions/hook",
                    "{\"endpoint\": \"" + endpoint + "\", \"secret\": \"" + SECRET + "\"}");
            assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
            Thread.sleep(5); // published strictly after the subscription was created

            HttpResponse<String> published = http.post(
                    "/v1/topics/orders/messages", "{\"body\": \"order 7 paid\", \"attributes\": {\"type\": \"paid\"}}");
            assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
            String messageId =
                    HttpTestClient.json(published).at("/results/0/messageId").asText();

            Post post = received.get(20, TimeUnit.SECONDS);
            assertThat(post.path()).isEqualTo("/hook");
            assertThat(validSignature(post.body(), post.signature()))
                    .as("X-Signature %s", post.signature())
                    .isTrue();
            JsonNode payload = Json.MAPPER.readTree(post.body());
            assertThat(payload.get("topic").asText()).isEqualTo("orders");
            assertThat(payload.get("messageId").asText()).isEqualTo(messageId);
            assertThat(payload.get("body").asText()).isEqualTo("order 7 paid");
            assertThat(payload.at("/attributes/type").asText()).isEqualTo("paid");
            assertThat(payload.get("publishedAt").asText()).isNotBlank();
        } finally {
            receiver.stop(0);
        }
    }
}
