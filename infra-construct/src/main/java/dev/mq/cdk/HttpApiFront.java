package dev.mq.cdk;

import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.Routes;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteKey;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.PayloadFormatVersion;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The HTTP API (API Gateway v2) in front of the API functions (the four of {@code /v1} and the SQS
 * endpoint's), the cheaper front door
 * ({@link ApiKind#HTTP}): the same routes as {@link RestApiFront}, each signed with SigV4 (IAM), at
 * less than a third of the REST API's price per request. Every route of the route table
 * ({@link Routes#ALL}) is its own route; {@code ANY} on each of its paths and the {@code $default} route
 * go to the admin function, which answers {@code MethodNotAllowed} or {@code NotFound} as the local
 * server does. The functions receive payload format 1.0, the REST API's event shape, so the same
 * handlers serve both front doors. Unlike the REST API, an HTTP API base64-encodes a request body
 * whose content type is not text ({@code text/*}, JSON, XML, JavaScript), the SQS protocols'
 * {@code application/x-amz-json-1.0} and {@code application/x-www-form-urlencoded} among them, and says
 * so in the event ({@code isBase64Encoded}); it has no setting to turn that off.
 *
 * <p>What it cannot do: shape API Gateway's own refusals (an HTTP API has no gateway responses, so a
 * missing or bad signature, throttling and an integration timeout answer {@code {"message": ...}}), and
 * it has no WAF, usage plans or API keys.
 */
final class HttpApiFront extends Construct implements ApiFront {
    private final HttpApi api;
    private final HttpStage stage;

    HttpApiFront(
            Construct scope,
            String id,
            MqServiceProps props,
            String deployment,
            Map<DeployedFunction, ? extends IFunction> functions,
            LogGroup accessLogs) {
        super(scope, id);
        api = HttpApi.Builder.create(this, "HttpApi")
                .apiName(deployment + "-api")
                .description("mq HTTP API v1 (see docs/openapi.yaml)")
                // the stage below is the default one, with throttling and access logs
                .createDefaultStage(false)
                .build();
        HttpStage.Builder stage = HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(props.throttleRate())
                        .burstLimit(props.throttleBurst())
                        .build());
        if (accessLogs != null) {
            // an HTTP API writes its access logs by log delivery: no account-wide CloudWatch role
            stage.accessLogSettings(new IAccessLogSettings() {
                @Override
                public IAccessLogDestination getDestination() {
                    return new LogGroupLogDestination(accessLogs);
                }

                @Override
                public AccessLogFormat getFormat() {
                    return accessLogFormat();
                }
            });
        }
        this.stage = stage.build();

        HttpIamAuthorizer iam = new HttpIamAuthorizer();
        Map<DeployedFunction, HttpLambdaIntegration> integrations = new EnumMap<>(DeployedFunction.class);
        for (Routes.Route route : Routes.ALL) {
            HttpLambdaIntegration integration = integrations.computeIfAbsent(
                    route.function(),
                    function -> HttpLambdaIntegration.Builder.create(
                                    function.name().toLowerCase(Locale.ROOT), functions.get(function))
                            // the REST API's event shape (APIGatewayProxyRequestEvent), which the handlers take
                            .payloadFormatVersion(PayloadFormatVersion.VERSION_1_0)
                            // one API-scoped permission per function, not one per route: the policy stays small
                            .scopePermissionToRoute(false)
                            .build());
            route(
                    route.method() + route.path(),
                    HttpRouteKey.with(route.path(), HttpMethod.valueOf(route.method())),
                    integration,
                    iam);
        }
        HttpLambdaIntegration fallback = integrations.get(DeployedFunction.ADMIN);
        for (String path : Routes.PATHS) {
            route("ANY" + path, HttpRouteKey.with(path, HttpMethod.ANY), fallback, iam);
        }
        route("DefaultRoute", HttpRouteKey.DEFAULT, fallback, iam);
    }

    private void route(String id, HttpRouteKey key, HttpLambdaIntegration integration, HttpIamAuthorizer iam) {
        HttpRoute.Builder.create(this, id.replaceAll("[^A-Za-z0-9]", ""))
                .httpApi(api)
                .routeKey(key)
                .integration(integration)
                .authorizer(iam)
                .build();
    }

    /**
     * Every field the access log records, all of them HTTP API context variables; no request or answer
     * body, which could hold a message.
     */
    private static AccessLogFormat accessLogFormat() {
        return AccessLogFormat.custom("{\"requestId\":\"$context.requestId\","
                + "\"ip\":\"$context.identity.sourceIp\",\"caller\":\"$context.identity.caller\","
                + "\"user\":\"$context.identity.user\",\"requestTime\":\"$context.requestTime\","
                + "\"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\",\"path\":\"$context.path\","
                + "\"status\":\"$context.status\",\"protocol\":\"$context.protocol\","
                + "\"responseLength\":\"$context.responseLength\",\"error\":\"$context.error.message\","
                + "\"integrationError\":\"$context.integrationErrorMessage\","
                + "\"integrationLatency\":\"$context.integrationLatency\"}");
    }

    public HttpApi api() {
        return api;
    }

    @Override
    public String url() {
        return stage.getUrl();
    }

    @Override
    public String id() {
        return api.getApiId();
    }

    @Override
    public Metric metricCount(MetricOptions options) {
        return api.metricCount(options);
    }

    @Override
    public Metric metricServerError(MetricOptions options) {
        return api.metricServerError(options);
    }

    @Override
    public Metric metricLatency(MetricOptions options) {
        return api.metricLatency(options);
    }
}
