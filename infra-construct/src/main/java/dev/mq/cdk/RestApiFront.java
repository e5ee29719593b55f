package dev.mq.cdk;

import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.ErrorStatuses;
import dev.mq.handlers.Routes;
import dev.mq.model.ErrorCode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKeyOptions;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.DomainName;
import software.amazon.awscdk.services.apigateway.DomainNameOptions;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.IApiKey;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.SecurityPolicy;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The REST API (v1, regional) in front of the API functions (the four of {@code /v1} and the SQS endpoint's).
 * Every route of the route table
 * ({@link Routes#ALL}, documented in docs/openapi.yaml) is its own
 * method, signed with SigV4 (IAM), so a policy can allow {@code execute-api:Invoke} on one queue's paths
 * only. Any other method on a known path, and any unknown path, goes to the admin function, which
 * answers {@code MethodNotAllowed} or {@code NotFound} as the local server does. API Gateway's own
 * refusals (signature, throttling, timeout) are shaped like the errors of docs/openapi.yaml.
 * Access logs and X-Ray tracing of the stage, API keys and a custom domain are options.
 */
final class RestApiFront extends Construct implements ApiFront {
    /** The stage: the first path segment of the API URL. */
    static final String STAGE = "prod";

    private final RestApi api;
    /** The root's catch-all resource, {@code /{proxy+}}. */
    private final IResource proxy;

    private final DomainName domain;
    private final IApiKey apiKey;

    /**
     * @param deployment names the API (API names need not be unique)
     * @param accessLogs where the stage writes its access logs, or null for none
     */
    RestApiFront(
            Construct scope,
            String id,
            MqServiceProps props,
            String deployment,
            Map<DeployedFunction, ? extends IFunction> functions,
            LogGroup accessLogs) {
        super(scope, id);
        StageOptions.Builder stage = StageOptions.builder()
                .stageName(STAGE)
                .throttlingRateLimit(props.throttleRate())
                .throttlingBurstLimit(props.throttleBurst())
                .tracingEnabled(props.tracing())
                // execution logs could hold message bodies; access logs record each request without them
                .loggingLevel(MethodLoggingLevel.OFF)
                .dataTraceEnabled(false)
                .metricsEnabled(true);
        if (accessLogs != null) {
            stage.accessLogDestination(new LogGroupLogDestination(accessLogs))
                    .accessLogFormat(AccessLogFormat.jsonWithStandardFields());
        }
        api = RestApi.Builder.create(this, "RestApi")
                .restApiName(deployment + "-api")
                .description("mq HTTP API v1 (see docs/openapi.yaml)")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                // the account-wide API Gateway CloudWatch role is the account owner's, set once (README)
                .cloudWatchRole(false)
                .deployOptions(stage.build())
                // no binary media types: a body of any content type (the SQS protocols'
                // application/x-amz-json-1.0 and application/x-www-form-urlencoded too) reaches the functions
                // as the text it was sent as, never base64-encoded
                .defaultMethodOptions(MethodOptions.builder()
                        .authorizationType(AuthorizationType.IAM)
                        .apiKeyRequired(props.apiKeys())
                        .build())
                .build();

        proxy = api.getRoot().addResource(Routes.PROXY_PATH.substring(1));
        Map<DeployedFunction, LambdaIntegration> integrations = new EnumMap<>(DeployedFunction.class);
        // one API-scoped permission per function, not one per method: the resource policy stays small
        for (Routes.Route route : Routes.ALL) {
            LambdaIntegration integration = integrations.computeIfAbsent(
                    route.function(),
                    function -> LambdaIntegration.Builder.create(functions.get(function))
                            .proxy(true)
                            .scopePermissionToMethod(false)
                            .build());
            resource(route.path()).addMethod(route.method(), integration);
        }
        // ANY on the root and on the catch-all too: both are paths of the table (POST / and the queue URL)
        LambdaIntegration fallback = integrations.get(DeployedFunction.ADMIN);
        for (String path : Routes.PATHS) {
            resource(path).addMethod("ANY", fallback);
        }

        gatewayResponses();
        apiKey = props.apiKeys() ? usagePlan(props, deployment) : null;
        CustomDomain custom = props.customDomain();
        domain = custom == null
                ? null
                : api.addDomainName(
                        "Domain",
                        DomainNameOptions.builder()
                                .domainName(custom.domainName())
                                .certificate(custom.certificate())
                                .endpointType(EndpointType.REGIONAL)
                                .securityPolicy(SecurityPolicy.TLS_1_2)
                                .basePath(custom.basePath().isEmpty() ? null : custom.basePath())
                                .build());
    }

    private IApiKey usagePlan(MqServiceProps props, String deployment) {
        IApiKey key = api.addApiKey(
                "ApiKey",
                ApiKeyOptions.builder().apiKeyName(deployment + "-key").build());
        UsagePlan plan = api.addUsagePlan(
                "UsagePlan",
                UsagePlanProps.builder()
                        .name(deployment + "-plan")
                        .throttle(ThrottleSettings.builder()
                                .rateLimit(props.throttleRate())
                                .burstLimit(props.throttleBurst())
                                .build())
                        .apiStages(List.of(UsagePlanPerApiStage.builder()
                                .api(api)
                                .stage(api.getDeploymentStage())
                                .build()))
                        .build());
        plan.addApiKey(key);
        return key;
    }

    RestApi api() {
        return api;
    }

    @Override
    public String url() {
        return api.getUrl();
    }

    @Override
    public String id() {
        return api.getRestApiId();
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

    /** The custom domain, or null. */
    DomainName domain() {
        return domain;
    }

    /** The API key, or null without API keys. */
    IApiKey apiKey() {
        return apiKey;
    }

    /**
     * The resource that serves a route's path. A REST API admits one variable path part per level, and
     * the root's is the catch-all {@code {proxy+}}: a path that starts with a parameter (the SQS queue
     * URL, {@code /{account}/{queue}}) is served by the catch-all, whose methods other than the route's
     * stay the admin function's, and the function checks the path's shape itself.
     */
    private IResource resource(String path) {
        if (path.equals("/")) {
            return api.getRoot();
        }
        if (path.startsWith("/{")) {
            return proxy;
        }
        IResource resource = api.getRoot();
        for (String part : path.substring(1).split("/")) {
            IResource child = resource.getResource(part);
            resource = child != null ? child : resource.addResource(part);
        }
        return resource;
    }

    /** API Gateway's own answers in the error shape of docs/openapi.yaml, each with the request id as {@code X-Request-Id}. */
    private void gatewayResponses() {
        respond(ResponseType.MISSING_AUTHENTICATION_TOKEN, ErrorCode.UNAUTHORIZED, true);
        respond(ResponseType.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, true);
        respond(ResponseType.ACCESS_DENIED, ErrorCode.FORBIDDEN, true);
        respond(ResponseType.INVALID_SIGNATURE, ErrorCode.FORBIDDEN, true);
        respond(ResponseType.EXPIRED_TOKEN, ErrorCode.FORBIDDEN, true);
        respond(ResponseType.INVALID_API_KEY, ErrorCode.FORBIDDEN, true);
        respond(ResponseType.THROTTLED, ErrorCode.THROTTLED, true);
        respond(ResponseType.QUOTA_EXCEEDED, ErrorCode.THROTTLED, true);
        respond(ResponseType.REQUEST_TOO_LARGE, ErrorCode.PAYLOAD_TOO_LARGE, true);
        respond(ResponseType.INTEGRATION_TIMEOUT, ErrorCode.TIMEOUT, true);
        respond(ResponseType.INTEGRATION_FAILURE, ErrorCode.UNAVAILABLE, true);
        // the rest keep API Gateway's status
        respond(ResponseType.DEFAULT_4_XX, ErrorCode.INVALID_REQUEST, false);
        respond(ResponseType.DEFAULT_5_XX, ErrorCode.INTERNAL_ERROR, false);
    }

    private void respond(ResponseType type, ErrorCode code, boolean setStatus) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Request-Id", "context.requestId");
        headers.put("Content-Type", "'application/json'");
        if (code == ErrorCode.THROTTLED) {
            headers.put("Retry-After", "'1'");
        }
        GatewayResponseOptions.Builder response = GatewayResponseOptions.builder()
                .type(type)
                .responseHeaders(headers)
                // $context.error.messageString is API Gateway's message, already a quoted JSON string
                .templates(Map.of(
                        "application/json",
                        "{\"error\": {\"code\": \"" + code.code() + "\", \"message\": $context.error.messageString}}"));
        if (setStatus) {
            response.statusCode(Integer.toString(ErrorStatuses.of(code)));
        }
        api.addGatewayResponse(type.getResponseType(), response.build());
    }
}
