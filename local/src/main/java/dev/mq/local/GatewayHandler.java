package dev.mq.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.ApiHandler;
import dev.mq.handlers.Routes;
import dev.mq.handlers.SqsHandler;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import dev.mq.sqs.SqsEndpoint;
import dev.mq.sqs.SqsError;
import dev.mq.sqs.SqsErrors;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plays API Gateway in front of the function handlers: checks the bearer token, picks the function
 * by route, admits the body within the gateway's limits, and passes a proxy event with a fresh
 * request id to the handler; it also serves the API's OpenAPI document ({@link OpenApiDocument}).
 * Whatever happens, the client gets an answer in the API's error shape with an
 * {@code X-Request-Id}; an unexpected failure is a 500 that names only the request id.
 */
final class GatewayHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(GatewayHandler.class.getName());

    private final Map<DeployedFunction, ApiHandler> functions;
    private final BearerToken token;
    private final boolean logRequests;
    private final OpenApiDocument document = OpenApiDocument.load();

    /**
     * {@code token} null means requests need no credentials; {@code logRequests} writes a line for each
     * request to the {@link RequestLog}.
     */
    GatewayHandler(Map<DeployedFunction, ApiHandler> functions, BearerToken token, boolean logRequests) {
        this.functions = new EnumMap<>(functions);
        this.token = token;
        this.logRequests = logRequests;
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        try {
            ProxyEvents.write(exchange, respond(exchange, requestId), requestId);
        } catch (IOException e) {
            LOG.log(Level.FINE, "request " + requestId + ": the client went away", e);
        } catch (RuntimeException | Error e) {
            // caught broadly on purpose: a request that fails in any way must still be answered, never hang
            LOG.log(Level.SEVERE, "request " + requestId + " failed with a bug", e);
            answerInternalError(exchange, requestId);
        } finally {
            exchange.close();
            if (logRequests) {
                RequestLog.record(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(),
                        exchange.getResponseCode(),
                        started,
                        requestId);
            }
        }
    }

    private APIGatewayProxyResponseEvent respond(HttpExchange exchange, String requestId) throws IOException {
        boolean sqs = isSqsRequest(exchange);
        try {
            if (sqs) {
                APIGatewayProxyResponseEvent refused = authorizeSqs(exchange, requestId);
                if (refused != null) {
                    return refused;
                }
            } else {
                authorize(exchange);
            }
            if (OpenApiDocument.isRequestFor(
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath())) {
                return document.response();
            }
            Routes.Match match = Routes.match(
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
            String body = RequestBodies.read(exchange);
            APIGatewayProxyRequestEvent event =
                    ProxyEvents.request(exchange, body, requestId, match.route().path());
            DeployedFunction function = match.route().function();
            return functions
                    .get(function)
                    .handleRequest(event, new LocalLambdaContext(requestId, functionName(function)));
        } catch (QueueException e) {
            // a body refused before the function runs (not UTF-8, too large) is answered as its API answers
            APIGatewayProxyResponseEvent response = sqs
                    ? SqsHandler.response(SqsEndpoint.refuse(
                            exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                            exchange.getRequestHeaders().getFirst("Content-Type"),
                            SqsErrors.of(e),
                            requestId))
                    : ApiHandler.error(e);
            response.getHeaders().put(ProxyEvents.REQUEST_ID_HEADER, requestId);
            if (e.code() == ErrorCode.UNAUTHORIZED) {
                response.getHeaders().put("WWW-Authenticate", "Bearer realm=\"mq\"");
            } else if (e.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
                // the rest of the body stays unread, so the connection cannot carry another request
                response.getHeaders().put("Connection", "close");
            }
            return response;
        }
    }

    private void authorize(HttpExchange exchange) {
        if (token != null && !token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
            throw new QueueException(
                    ErrorCode.UNAUTHORIZED,
                    "missing or wrong credentials: send Authorization: Bearer <token> with this server's token");
        }
    }

    /** Whether the request goes to the SQS endpoint, whose clients sign with AWS Signature Version 4. */
    private static boolean isSqsRequest(HttpExchange exchange) {
        try {
            return Routes.match(
                                    exchange.getRequestMethod(),
                                    exchange.getRequestURI().getRawPath())
                            .route()
                            .function()
                    == DeployedFunction.SQS;
        } catch (QueueException noRoute) {
            return false;
        }
    }

    /**
     * An SQS request passes with the bearer token, or with a SigV4 signature whose access key id is the token;
     * otherwise it is refused in SQS's error shape, which SQS SDKs read. Null: it passes.
     */
    private APIGatewayProxyResponseEvent authorizeSqs(HttpExchange exchange, String requestId) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (token == null || token.accepts(authorization) || token.acceptsSigV4(authorization)) {
            return null;
        }
        SqsError error = new SqsError(
                403,
                authorization == null ? "MissingAuthenticationToken" : "InvalidClientTokenId",
                authorization == null ? "MissingAuthenticationToken" : "InvalidClientTokenId",
                true,
                authorization == null
                        ? "Request is missing Authentication Token: sign with this server's token as the access key id"
                        : "The security token included in the request is invalid: use this server's token as the"
                                + " access key id");
        return SqsHandler.response(SqsEndpoint.refuse(
                exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                error,
                requestId));
    }

    private static void answerInternalError(HttpExchange exchange, String requestId) {
        if (exchange.getResponseCode() != -1) {
            return; // the status line is already out; closing the exchange is all that is left
        }
        try {
            QueueException error =
                    new QueueException(ErrorCode.INTERNAL_ERROR, "internal error; request id " + requestId);
            ProxyEvents.write(exchange, ApiHandler.error(error), requestId);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "request " + requestId + ": could not send the error answer", e);
        }
    }

    private static String functionName(DeployedFunction function) {
        return "mq-" + function.name().toLowerCase(java.util.Locale.ROOT);
    }
}
