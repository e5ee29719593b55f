package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.sqs.JsonProtocol;
import dev.mq.sqs.QueueUrls;
import dev.mq.sqs.SqsAnswer;
import dev.mq.sqs.SqsEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /} and {@code POST /{account}/{queue}}: SQS's wire protocols ({@link SqsEndpoint}). Queue URLs
 * start with the URL the request came to; the account is the API's ({@code 000000000000} on the local server).
 */
public final class SqsHandler extends ApiHandler {
    private final SqsEndpoint endpoint;
    private final String region;

    public SqsHandler() {
        this(FunctionRuntime.service(), System.getenv("AWS_REGION"));
        primeBeforeSnapshot();
        Priming.register(() -> handleRequest(primingRequest(), null));
    }

    /** {@code region} null or blank: {@code us-east-1}. */
    public SqsHandler(QueueService service, String region) {
        super(DeployedFunction.SQS, service);
        this.endpoint = new SqsEndpoint(service);
        this.region = region == null || region.isBlank() ? QueueUrls.DEFAULT_REGION : region;
    }

    @Override
    protected APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (request.getHeaders() != null) {
            headers.putAll(request.getHeaders());
        }
        var context = request.getRequestContext();
        String requestId = context == null || context.getRequestId() == null ? "" : context.getRequestId();
        String account =
                context == null || context.getAccountId() == null ? QueueUrls.LOCAL_ACCOUNT : context.getAccountId();
        boolean atQueue = match.operation() == Routes.Operation.SQS_QUEUE;
        QueueUrls urls = new QueueUrls(base(request, headers, atQueue ? 2 : 0), account, region);
        SqsAnswer answer = endpoint.handle(new SqsEndpoint.SqsRequest(
                headers.get("X-Amz-Target"),
                headers.get("Content-Type"),
                body(request),
                atQueue ? match.name() : null,
                atQueue ? match.child() : null,
                urls,
                requestId));
        return response(answer);
    }

    /** An endpoint's answer as a proxy response. */
    public static APIGatewayProxyResponseEvent response(SqsAnswer answer) {
        Map<String, String> headers = new HashMap<>(answer.headers());
        headers.put("Content-Type", answer.contentType());
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(answer.status())
                .withHeaders(headers)
                .withBody(answer.body());
    }

    private static String body(APIGatewayProxyRequestEvent request) {
        String body = request.getBody();
        if (body != null && Boolean.TRUE.equals(request.getIsBase64Encoded())) {
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null; // not base64 after all: read as an empty request, which the action refuses
            }
        }
        return body;
    }

    /**
     * The URL the request came to, before the route's own {@code routeSegments} last path segments: the scheme
     * API Gateway forwards ({@code http} when none, as the local server), the host, and the path as the client
     * sent it (in AWS, the request context's path, which holds the stage or a custom domain's base path).
     */
    private static String base(APIGatewayProxyRequestEvent request, Map<String, String> headers, int routeSegments) {
        String scheme = headers.getOrDefault("X-Forwarded-Proto", "http");
        String host = headers.getOrDefault("Host", "localhost");
        var context = request.getRequestContext();
        String path = context != null && context.getPath() != null ? context.getPath() : request.getPath();
        String prefix = path == null ? "" : path;
        for (int i = 0; i < routeSegments; i++) {
            prefix = prefix.replaceAll("/+$", "");
            int slash = prefix.lastIndexOf('/');
            prefix = slash < 0 ? "" : prefix.substring(0, slash);
        }
        return scheme + "://" + host + prefix.replaceAll("/+$", "");
    }

    /** An SQS call that changes nothing: ListQueues with a prefix no queue has. */
    private static APIGatewayProxyRequestEvent primingRequest() {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath("/")
                .withHeaders(Map.of(
                        "Content-Type",
                        JsonProtocol.CONTENT_TYPE,
                        "X-Amz-Target",
                        JsonProtocol.TARGET_PREFIX + "ListQueues"))
                .withBody("{\"QueueNamePrefix\": \"priming-\", \"MaxResults\": 1}")
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("priming"));
    }
}
