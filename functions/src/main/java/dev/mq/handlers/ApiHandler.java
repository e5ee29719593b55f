package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.model.ErrorBody;
import dev.mq.model.ErrorCode;
import dev.mq.model.Json;
import dev.mq.model.QueueException;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every function family shares: route matching (by the route API Gateway matched, so a custom domain's base path is no matter), the request id, JSON answers, and the mapping of
 * exceptions to the API's error shape. A client mistake is its 4xx; anything unexpected is a 500 that
 * carries only the request id, with the detail in the log (never a message body).
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());

    protected final QueueService service;
    private final DeployedFunction function;

    protected ApiHandler(DeployedFunction function, QueueService service) {
        this.function = function;
        this.service = service;
    }

    protected abstract APIGatewayProxyResponseEvent handle(Routes.Match match, APIGatewayProxyRequestEvent request);

    /**
     * For the constructor Lambda calls: before the SnapStart snapshot, read from DynamoDB once and run
     * {@code GET /health} through this handler (another family answers it {@code NotFound}, which
     * still loads routing, JSON and the error path).
     */
    protected final void primeBeforeSnapshot() {
        Priming.register(() -> {
            service.checkHealth();
            handleRequest(Priming.healthRequest(), null);
        });
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        String requestId = requestId(request);
        APIGatewayProxyResponseEvent response;
        try {
            Routes.Match match =
                    Routes.match(request.getHttpMethod(), request.getResource(), proxyPath(request), request.getPath());
            if (match.route().function() != function) {
                throw new QueueException(ErrorCode.NOT_FOUND, "this function does not serve " + request.getPath());
            }
            response = handle(match, request);
        } catch (QueueException e) {
            if (ErrorStatuses.of(e.code()) >= 500) {
                LOG.log(Level.WARNING, "request " + requestId + " failed: " + e.getMessage(), e.getCause());
            }
            response = error(e);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "request " + requestId + " failed with a bug", e);
            response = error(new QueueException(ErrorCode.INTERNAL_ERROR, "internal error; request id " + requestId));
        }
        response.getHeaders().put("X-Request-Id", requestId);
        return response;
    }

    protected static APIGatewayProxyResponseEvent json(int status, Object body) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(new java.util.HashMap<>(Map.of("Content-Type", "application/json")))
                .withBody(Json.write(body));
    }

    protected static APIGatewayProxyResponseEvent noContent() {
        return new APIGatewayProxyResponseEvent().withStatusCode(204).withHeaders(new java.util.HashMap<>());
    }

    public static APIGatewayProxyResponseEvent error(QueueException e) {
        APIGatewayProxyResponseEvent response =
                json(ErrorStatuses.of(e.code()), ErrorBody.of(e.code(), e.getMessage()));
        if (e.code() == ErrorCode.THROTTLED) {
            response.getHeaders().put("Retry-After", "1");
        }
        return response;
    }

    protected static Map<String, String> query(APIGatewayProxyRequestEvent request) {
        return request.getQueryStringParameters() == null ? Map.of() : request.getQueryStringParameters();
    }

    private static String proxyPath(APIGatewayProxyRequestEvent request) {
        return request.getPathParameters() == null
                ? null
                : request.getPathParameters().get("proxy");
    }

    private static String requestId(APIGatewayProxyRequestEvent request) {
        if (request.getRequestContext() != null && request.getRequestContext().getRequestId() != null) {
            return request.getRequestContext().getRequestId();
        }
        return UUID.randomUUID().toString();
    }
}
