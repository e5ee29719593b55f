package dev.mq.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.mq.model.QueueException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates between HTTP exchanges and the events of API Gateway's REST proxy integration, so the
 * handlers see locally exactly the shape they see in AWS: single-value maps holding the last value of
 * a repeated name, multi-value maps holding all, query parameters URL-decoded, and null (not empty)
 * maps and body when there are none.
 */
final class ProxyEvents {
    static final String STAGE = "local";
    static final String REQUEST_ID_HEADER = "X-Request-Id";

    private ProxyEvents() {}

    /** {@code resource} is the matched route's path, as API Gateway passes the resource it matched. */
    static APIGatewayProxyRequestEvent request(HttpExchange exchange, String body, String requestId, String resource) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Map<String, List<String>> headers = headers(exchange.getRequestHeaders());
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());

        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress());
        identity.setUserAgent(exchange.getRequestHeaders().getFirst("User-Agent"));

        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setRequestId(requestId);
        context.setStage(STAGE);
        context.setHttpMethod(method);
        context.setPath(path);
        context.setResourcePath(resource);
        context.setProtocol(exchange.getProtocol());
        context.setRequestTimeEpoch(System.currentTimeMillis());
        context.setIdentity(identity);

        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withResource(resource)
                .withPath(path)
                .withHeaders(lastValues(headers))
                .withMultiValueHeaders(headers)
                .withQueryStringParameters(lastValues(query))
                .withMultiValueQueryStringParameters(query)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(context);
    }

    /**
     * Writes a handler's answer. The request id header is added when the answer lacks it, so every
     * response carries one whoever produced it.
     */
    static void write(HttpExchange exchange, APIGatewayProxyResponseEvent response, String requestId)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> out.put(name, new ArrayList<>(values)));
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach(out::set);
        }
        if (!out.containsKey(REQUEST_ID_HEADER)) {
            out.set(REQUEST_ID_HEADER, requestId);
        }
        int status = response.getStatusCode() == null ? 200 : response.getStatusCode();
        byte[] body = bodyBytes(response);
        // a HEAD answer has headers only, whatever the handler wrote
        if (status == 204 || status == 304 || body.length == 0 || "HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(body);
        }
    }

    private static byte[] bodyBytes(APIGatewayProxyResponseEvent response) {
        String body = response.getBody();
        if (body == null) {
            return new byte[0];
        }
        return Boolean.TRUE.equals(response.getIsBase64Encoded())
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> headers(Headers headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return copy.isEmpty() ? null : copy;
    }

    /** Parses {@code a=1&b=x%20y&a=2}; {@code +} is a space, as API Gateway decodes it. */
    static Map<String, List<String>> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return parameters.isEmpty() ? null : parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw QueueException.invalid("the query string is not valid URL encoding");
        }
    }

    private static Map<String, String> lastValues(Map<String, List<String>> multi) {
        if (multi == null) {
            return null;
        }
        Map<String, String> single = new HashMap<>();
        multi.forEach((name, values) -> {
            if (!values.isEmpty()) {
                single.put(name, values.get(values.size() - 1));
            }
        });
        return single;
    }
}
