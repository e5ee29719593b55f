package dev.mq.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.cdk.MqService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.Routes;
import dev.mq.model.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The stack with the HTTP API in front ({@code mq:apiKind=http}): the same routes, IAM-signed, payload 1.0. */
class HttpApiFrontTest {
    static MqStack stack;
    static Template template;
    static JsonNode json;

    @BeforeAll
    static void synth() {
        stack = MqApp.build(app(Map.of(
                "mq:apiKind", "http", "mq:throttleRate", "50", "mq:throttleBurst", "100", "mq:accessLogs", "true")));
        template = Template.fromStack(stack);
        json = Json.MAPPER.valueToTree(template.toJSON());
    }

    @Test
    void anHttpApi_takesThePlaceOfTheRestApi() {
        template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP", "Name", "mq-api"));
        template.resourceCountIs("AWS::ApiGateway::RestApi", 0);
        template.resourceCountIs("AWS::ApiGateway::GatewayResponse", 0);
    }

    @Test
    void everyRouteOfTheTable_isItsOwnIamSignedRoute_integratedWithItsFunctionsAlias_inPayload10() {
        Map<String, String> aliasOf = aliasIdsByHandler();
        Set<String> expected =
                Routes.ALL.stream().map(r -> r.method() + " " + r.path()).collect(Collectors.toSet());
        Set<String> methodRoutes = routes().keySet().stream()
                .filter(key -> !key.startsWith("ANY ") && !key.equals("$default"))
                .collect(Collectors.toSet());
        assertThat(methodRoutes).isEqualTo(expected);

        for (Routes.Route route : Routes.ALL) {
            JsonNode integration = integrationOf(route.method() + " " + route.path());
            assertThat(integration.at("/Properties/IntegrationType").asText()).isEqualTo("AWS_PROXY");
            assertThat(integration.at("/Properties/PayloadFormatVersion").asText())
                    .isEqualTo("1.0");
            assertThat(integration.at("/Properties/IntegrationUri").toString())
                    .as(route.toString())
                    .contains("\"" + aliasOf.get(MqService.HANDLERS.get(route.function())) + "\"");
        }
        routes().forEach((key, r) -> assertThat(
                        r.at("/Properties/AuthorizationType").asText())
                .as(key)
                .isEqualTo("AWS_IAM"));
    }

    @Test
    void sqsEndpoint_isPostOnTheRootAndOnTheQueueUrl_servedByTheSqsFunction() {
        String sqs = aliasIdsByHandler().get(MqService.HANDLERS.get(DeployedFunction.SQS));
        assertThat(sqs).isNotNull();
        for (String key : List.of("POST /", "POST /{account}/{queue}")) {
            assertThat(integrationOf(key).at("/Properties/IntegrationUri").toString())
                    .as(key)
                    .contains("\"" + sqs + "\"");
        }
    }

    @Test
    void otherMethods_andUnknownPaths_reachTheAdminFunction_forItsNotFoundAnswers() {
        String admin = aliasIdsByHandler().get(MqService.HANDLERS.get(DeployedFunction.ADMIN));
        for (String path : Routes.PATHS) {
            assertThat(integrationOf("ANY " + path)
                            .at("/Properties/IntegrationUri")
                            .toString())
                    .contains("\"" + admin + "\"");
        }
        assertThat(integrationOf("$default").at("/Properties/IntegrationUri").toString())
                .contains("\"" + admin + "\"");
        assertThat(routes()).hasSize(Routes.ALL.size() + Routes.PATHS.size() + 1);
    }

    @Test
    void defaultStage_throttles_deploysItself_andLogsWithoutBodies() {
        template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
        template.hasResourceProperties(
                "AWS::ApiGatewayV2::Stage",
                Map.of(
                        "StageName",
                        "$default",
                        "AutoDeploy",
                        true,
                        "DefaultRouteSettings",
                        Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100),
                        "AccessLogSettings",
                        Match.objectLike(Map.of(
                                "DestinationArn", Match.anyValue(),
                                "Format", Match.stringLikeRegexp(".*\\$context\\.requestId.*")))));
        assertThat(json.toString()).doesNotContain("requestBody").doesNotContain("responseBody");
    }

    @Test
    void onePermissionPerFunction_notPerRoute() {
        List<JsonNode> permissions = resources("AWS::Lambda::Permission").values().stream()
                .filter(p -> p.at("/Properties/Principal").asText().equals("apigateway.amazonaws.com"))
                .toList();
        assertThat(permissions).hasSize(5);
        permissions.forEach(
                p -> assertThat(p.at("/Properties/SourceArn").toString()).contains("/*/*/*"));
    }

    @Test
    void outputs_nameTheHttpApisUrl() {
        assertThat(json.at("/Outputs/ApiUrl/Value").toString())
                .contains("execute-api")
                .doesNotContain("/prod");
    }

    @Test
    void cdkNag_hasNoUnsuppressedError() {
        List<String> errors =
                Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                        .map(m -> m.getId() + ": " + m.getEntry().getData())
                        .toList();
        assertThat(errors).isEmpty();
    }

    @Test
    void apiKeys_needTheRestApi_andAreRefusedAtSynth() {
        assertThatThrownBy(() -> MqApp.build(app(Map.of("mq:apiKind", "http", "mq:apiKeys", "true"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mq:apiKeys=true needs the REST API");
    }

    @Test
    void unknownApiKind_isRefusedAtSynth() {
        assertThatThrownBy(() -> MqApp.build(app(Map.of("mq:apiKind", "websocket"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mq:apiKind must be rest or http, not websocket");
    }

    // ---------------------------------------------------------------- helpers

    private static App app(Map<String, Object> context) {
        return new App(AppProps.builder().context(context).build());
    }

    private static Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new HashMap<>();
        json.get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    /** Each route by its route key. */
    private static Map<String, JsonNode> routes() {
        return resources("AWS::ApiGatewayV2::Route").values().stream()
                .collect(Collectors.toMap(r -> r.at("/Properties/RouteKey").asText(), r -> r));
    }

    /** The integration a route targets ({@code integrations/<id>}). */
    private static JsonNode integrationOf(String routeKey) {
        JsonNode route = routes().get(routeKey);
        assertThat(route).as(routeKey).isNotNull();
        String integrationId = route.at("/Properties/Target/Fn::Join/1/1/Ref").asText();
        return resources("AWS::ApiGatewayV2::Integration").get(integrationId);
    }

    /** Alias logical id by handler class. */
    private static Map<String, String> aliasIdsByHandler() {
        Map<String, String> handlerOfFunction = new HashMap<>();
        resources("AWS::Lambda::Function")
                .forEach((id, fn) -> handlerOfFunction.put(
                        id, fn.at("/Properties/Handler").asText().replace("::handleRequest", "")));
        Map<String, String> aliases = new HashMap<>();
        resources("AWS::Lambda::Alias")
                .forEach((id, alias) -> aliases.put(
                        handlerOfFunction.get(
                                alias.at("/Properties/FunctionName/Ref").asText()),
                        id));
        return aliases;
    }
}
