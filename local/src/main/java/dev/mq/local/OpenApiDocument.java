package dev.mq.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /openapi.yaml}: the API's OpenAPI document ({@code docs/openapi.yaml}, which the build puts in
 * this jar), so a tool pointed at a running server finds the contract it serves. Deployed stacks do not
 * serve it; the local server answers it like any request, token and request id included.
 */
final class OpenApiDocument {
    static final String PATH = "/openapi.yaml";
    private static final String RESOURCE = "mq/openapi.yaml";

    private final String document;

    private OpenApiDocument(String document) {
        this.document = document;
    }

    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return new OpenApiDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static boolean isRequestFor(String method, String rawPath) {
        return "GET".equals(method) && PATH.equals(rawPath);
    }

    APIGatewayProxyResponseEvent response() {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/yaml; charset=utf-8"));
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(200)
                .withHeaders(headers)
                .withBody(document);
    }
}
