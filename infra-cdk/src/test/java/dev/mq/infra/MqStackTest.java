package dev.mq.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.Routes;
import dev.mq.model.Json;
import dev.mq.store.StreamFilters;
import dev.mq.store.TableAccess;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The synthesized template, checked on what matters: keys, streams, runtime, grants, routes, alarms. */
class MqStackTest {
    static Template template;
    static JsonNode json;
    static MqStack stack;

    @BeforeAll
    static void synth() {
        stack = MqApp.build(new App());
        template = Template.fromStack(stack);
        json = Json.MAPPER.valueToTree(template.toJSON());
    }

    // ---------------------------------------------------------------- tables

    @Test
    void tables_areOnDemand_withTtl_pointInTimeRecovery_andKeptByDefault() {
        template.resourceCountIs("AWS::DynamoDB::Table", 3);
        for (String name : List.of("mq-catalog", "mq-messages", "mq-topic-log")) {
            template.hasResource(
                    "AWS::DynamoDB::Table",
                    Map.of(
                            "DeletionPolicy", "Retain",
                            "UpdateReplacePolicy", "Retain",
                            "Properties",
                                    Map.of(
                                            "TableName",
                                            name,
                                            "BillingMode",
                                            "PAY_PER_REQUEST",
                                            "KeySchema",
                                            List.of(
                                                    Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                                    Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                                            "TimeToLiveSpecification",
                                            Map.of("AttributeName", "expiresAt", "Enabled", true),
                                            "PointInTimeRecoverySpecification",
                                            Map.of("PointInTimeRecoveryEnabled", true),
                                            "DeletionProtectionEnabled",
                                            true)));
        }
    }

    @Test
    void streams_onTheTopicLogAndMessages_only() {
        template.hasResourceProperties(
                "AWS::DynamoDB::Table",
                Map.of("TableName", "mq-topic-log", "StreamSpecification", Map.of("StreamViewType", "NEW_IMAGE")));
        // the counter counts a removed message by its old image
        template.hasResourceProperties(
                "AWS::DynamoDB::Table",
                Map.of(
                        "TableName",
                        "mq-messages",
                        "StreamSpecification",
                        Map.of("StreamViewType", "NEW_AND_OLD_IMAGES")));
        template.hasResourceProperties(
                "AWS::DynamoDB::Table", Map.of("TableName", "mq-catalog", "StreamSpecification", Match.absent()));
    }

    @Test
    void destroyContext_letsATestStackGo() {
        App app = new App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("mq:prefix", "mqtest", "mq:removalPolicy", "destroy", "mq:deletionProtection", "false"))
                .build());
        Template test = Template.fromStack(MqApp.build(app));
        test.allResources(
                "AWS::DynamoDB::Table",
                Map.of("DeletionPolicy", "Delete", "Properties", Map.of("DeletionProtectionEnabled", false)));
        test.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "mqtest-messages"));
    }

    // ---------------------------------------------------------------- functions

    @Test
    void functions_runTheNewestSnapStartJava_onArm64_behindALiveAlias() {
        assertThat(MqStack.javaRuntime().getName()).isEqualTo("java25");
        template.resourceCountIs("AWS::Lambda::Function", 8);
        MqStack.HANDLERS
                .values()
                .forEach(handler -> template.hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Handler", handler + "::handleRequest",
                                "Runtime", "java25",
                                "Architectures", List.of("arm64"),
                                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                                "Environment",
                                        Map.of(
                                                "Variables",
                                                Match.objectLike(Map.of(
                                                        "MQ_CATALOG_TABLE",
                                                        "mq-catalog",
                                                        "MQ_MESSAGES_TABLE",
                                                        "mq-messages",
                                                        "MQ_TOPIC_LOG_TABLE",
                                                        "mq-topic-log",
                                                        "MQ_RECEIPT_KEY_SECRET_ARN",
                                                        Match.anyValue()))))));
        template.resourceCountIs("AWS::Lambda::Alias", 8);
        template.allResourcesProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
    }

    @Test
    void receiptKey_isAGeneratedSecret() {
        // what reaches the functions, and the grant to read it: ReceiptKeySecretTest
        template.hasResourceProperties(
                "AWS::SecretsManager::Secret",
                Map.of(
                        "GenerateSecretString",
                        Map.of("PasswordLength", 44, "ExcludePunctuation", true, "IncludeSpace", false)));
    }

    @Test
    void receive_hasReservedConcurrency_soLongPollsCannotStarveTheAccount() {
        template.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of("Handler", "dev.mq.handlers.ReceiveHandler::handleRequest", "ReservedConcurrentExecutions", 20));
        template.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of(
                        "Handler",
                        "dev.mq.handlers.PublishHandler::handleRequest",
                        "ReservedConcurrentExecutions",
                        Match.absent()));
    }

    @Test
    void eachFunction_isGrantedExactlyItsTableActions() {
        Map<String, String> tableIds = new HashMap<>();
        resources("AWS::DynamoDB::Table")
                .forEach((id, table) ->
                        tableIds.put(id, table.at("/Properties/TableName").asText()));
        Map<String, TableAccess.Table> roles = Map.of(
                "mq-catalog",
                TableAccess.Table.CATALOG,
                "mq-messages",
                TableAccess.Table.MESSAGES,
                "mq-topic-log",
                TableAccess.Table.TOPIC_LOG);
        Map<String, String> roleOfFunction = new HashMap<>();
        resources("AWS::Lambda::Function")
                .forEach((id, fn) -> roleOfFunction.put(
                        fn.at("/Properties/Handler").asText().replace("::handleRequest", ""),
                        fn.at("/Properties/Role/Fn::GetAtt/0").asText()));

        for (Map.Entry<DeployedFunction, String> f : MqStack.HANDLERS.entrySet()) {
            String role = roleOfFunction.get(f.getValue());
            Map<TableAccess.Table, Set<String>> granted = new HashMap<>();
            for (JsonNode statement : statementsOfRole(role)) {
                List<String> actions = texts(statement.get("Action"));
                List<String> dynamo =
                        actions.stream().filter(a -> a.startsWith("dynamodb:")).toList();
                if (dynamo.isEmpty() || dynamo.stream().anyMatch(a -> a.contains("Stream"))) {
                    continue; // logs, and the stream reads the event source mapping needs
                }
                assertThat(dynamo).as("no wildcard actions").noneMatch(a -> a.contains("*"));
                for (JsonNode resource : statement.get("Resource").isArray()
                        ? statement.get("Resource")
                        : List.of(statement.get("Resource"))) {
                    String tableId = resource.at("/Fn::GetAtt/0").asText();
                    assertThat(tableIds).as("a grant on a table of this stack").containsKey(tableId);
                    granted.computeIfAbsent(roles.get(tableIds.get(tableId)), t -> new TreeSet<>())
                            .addAll(dynamo);
                }
            }
            assertThat(granted)
                    .as(f.getKey() + " grants")
                    .isEqualTo(TableAccess.of(f.getKey()).entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> new TreeSet<>(e.getValue()))));
        }
    }

    @Test
    void publishCannotDelete_andReceiveCannotTouchTopics() {
        String publishRole = roleOf("dev.mq.handlers.PublishHandler");
        String receiveRole = roleOf("dev.mq.handlers.ReceiveHandler");
        String topicLog = resources("AWS::DynamoDB::Table").entrySet().stream()
                .filter(t -> t.getValue().at("/Properties/TableName").asText().equals("mq-topic-log"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        assertThat(statementsOfRole(publishRole))
                .noneMatch(s -> s.get("Action").toString().contains("Delete"));
        assertThat(statementsOfRole(receiveRole))
                .noneMatch(s -> s.get("Resource").toString().contains(topicLog));
        assertThat(json.toString()).doesNotContain("dynamodb:*");
    }

    // ---------------------------------------------------------------- API

    @Test
    void everyRoute_isAnIamSignedMethod_servedByItsFunctionsAlias() {
        Map<String, String> paths = resourcePaths();
        Map<String, String> aliasOf = aliasIdsByHandler();
        for (Routes.Route route : Routes.ALL) {
            JsonNode method = method(paths, route.path(), route.method());
            assertThat(method).as("method for " + route).isNotNull();
            assertThat(method.at("/Properties/AuthorizationType").asText()).isEqualTo("AWS_IAM");
            assertThat(method.at("/Properties/Integration/Type").asText()).isEqualTo("AWS_PROXY");
            String handler = MqStack.HANDLERS.get(route.function());
            assertThat(method.at("/Properties/Integration/Uri").toString())
                    .as(route.toString())
                    .contains("\"" + aliasOf.get(handler) + "\"");
        }
    }

    @Test
    void otherMethods_andUnknownPaths_reachTheAdminFunction_forItsNotFoundAnswers() {
        Map<String, String> paths = resourcePaths();
        String admin = aliasIdsByHandler().get("dev.mq.handlers.AdminHandler");
        for (String path : Routes.PATHS) {
            JsonNode any = method(paths, path, "ANY");
            assertThat(any).as("ANY on " + path).isNotNull();
            assertThat(any.at("/Properties/Integration/Uri").toString()).contains("\"" + admin + "\"");
            assertThat(any.at("/Properties/AuthorizationType").asText()).isEqualTo("AWS_IAM");
        }
        assertThat(method(paths, "/{proxy+}", "ANY")).isNotNull();
    }

    @Test
    void api_isRegional_loggedWithoutBodies_andLeavesTheAccountRoleAlone() {
        template.hasResourceProperties(
                "AWS::ApiGateway::RestApi", Map.of("EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
        template.resourceCountIs("AWS::ApiGateway::Account", 0);
        template.hasResourceProperties(
                "AWS::ApiGateway::Stage",
                Map.of(
                        "StageName", "prod",
                        "AccessLogSetting", Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
                        "MethodSettings",
                                List.of(Match.objectLike(Map.of("DataTraceEnabled", false, "LoggingLevel", "OFF")))));
        // one permission per function, not per method: the Lambda resource policy stays small
        assertThat(resources("AWS::Lambda::Permission").values().stream()
                        .filter(p -> p.at("/Properties/Principal").asText().equals("apigateway.amazonaws.com")))
                .hasSize(4);
    }

    @Test
    void gatewayResponses_haveTheApiErrorShape_andTheRequestId() {
        Map<String, String> expected = Map.of(
                "MISSING_AUTHENTICATION_TOKEN",
                "Unauthorized",
                "ACCESS_DENIED",
                "Forbidden",
                "INVALID_SIGNATURE",
                "Forbidden",
                "THROTTLED",
                "Throttled",
                "INTEGRATION_TIMEOUT",
                "Timeout",
                "REQUEST_TOO_LARGE",
                "PayloadTooLarge",
                "DEFAULT_4XX",
                "InvalidRequest",
                "DEFAULT_5XX",
                "InternalError");
        expected.forEach((type, code) -> template.hasResourceProperties(
                "AWS::ApiGateway::GatewayResponse",
                Map.of(
                        "ResponseType", type,
                        "ResponseParameters",
                                Match.objectLike(Map.of("gatewayresponse.header.X-Request-Id", "context.requestId")),
                        "ResponseTemplates",
                                Map.of("application/json", Match.stringLikeRegexp(".*\"code\": \"" + code + "\".*")))));
        template.hasResourceProperties(
                "AWS::ApiGateway::GatewayResponse",
                Map.of(
                        "ResponseType",
                        "THROTTLED",
                        "StatusCode",
                        "429",
                        "ResponseParameters",
                        Match.objectLike(Map.of("gatewayresponse.header.Retry-After", "'1'"))));
        for (JsonNode response : resources("AWS::ApiGateway::GatewayResponse").values()) {
            String body = response.at("/Properties/ResponseTemplates/application~1json")
                    .asText()
                    .replace("$context.error.messageString", "\"a message\"");
            assertThat(Json.parseObject(body).at("/error/message").asText()).isEqualTo("a message");
        }
    }

    @Test
    void apiKeyMode_addsAUsagePlanThatThrottles_andRequiresTheKey() {
        App app = new App(software.amazon.awscdk.AppProps.builder()
                .context(Map.of("mq:apiKeys", "true", "mq:throttleRate", "50", "mq:throttleBurst", "100"))
                .build());
        Template withKeys = Template.fromStack(MqApp.build(app));
        withKeys.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
        withKeys.hasResourceProperties(
                "AWS::ApiGateway::UsagePlan", Map.of("Throttle", Map.of("RateLimit", 50, "BurstLimit", 100)));
        withKeys.allResourcesProperties("AWS::ApiGateway::Method", Map.of("ApiKeyRequired", true));
        template.allResourcesProperties("AWS::ApiGateway::Method", Map.of("ApiKeyRequired", false));
    }

    // ---------------------------------------------------------------- background work

    @Test
    void streamMappings_retryPerRecord_bisect_andParkFailures() {
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 3);
        for (String filter : List.of(StreamFilters.publishedTopicMessages(), StreamFilters.newDeliveryJobs())) {
            template.hasResourceProperties(
                    "AWS::Lambda::EventSourceMapping",
                    Map.of(
                            "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                            "BisectBatchOnFunctionError", true,
                            "MaximumRetryAttempts", Match.anyValue(),
                            "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue())),
                            "FilterCriteria", Map.of("Filters", List.of(Map.of("Pattern", filter)))));
        }
    }

    @Test
    void counter_readsEveryMessageWrite_inBatchesOfSeconds_fromTheStart_retryingForADay() {
        template.hasResourceProperties(
                "AWS::Lambda::EventSourceMapping",
                Map.of(
                        "StartingPosition",
                        "TRIM_HORIZON",
                        "BatchSize",
                        1000,
                        "MaximumBatchingWindowInSeconds",
                        5,
                        "MaximumRecordAgeInSeconds",
                        86_400,
                        "FunctionResponseTypes",
                        List.of("ReportBatchItemFailures"),
                        "BisectBatchOnFunctionError",
                        true,
                        "FilterCriteria",
                        Map.of(
                                "Filters",
                                StreamFilters.messageWrites().stream()
                                        .map(p -> Map.of("Pattern", p))
                                        .toList())));
        String counts = aliasIdsByHandler().get("dev.mq.handlers.CountsHandler");
        assertThat(resources("AWS::Lambda::EventSourceMapping").values().stream()
                        .filter(m -> m.at("/Properties/BatchSize").asInt() == 1000)
                        .map(m -> m.at("/Properties/FunctionName").toString()))
                .as("the counter's live alias reads the messages stream")
                .singleElement()
                .asString()
                .contains(counts);
    }

    @Test
    void sweeper_runsEveryMinute_forDeliveryRetriesAndMetrics() {
        template.hasResourceProperties(
                "AWS::Events::Rule",
                Map.of(
                        "ScheduleExpression",
                        "rate(1 minute)",
                        "Targets",
                        Match.arrayWith(List.of(
                                Match.objectLike(Map.of("Arn", Match.anyValue())),
                                Match.objectLike(Map.of("Arn", Match.anyValue()))))));
        JsonNode rule = resources("AWS::Events::Rule").values().iterator().next();
        String targets = rule.at("/Properties/Targets").toString();
        Map<String, String> aliases = aliasIdsByHandler();
        assertThat(targets)
                .contains(aliases.get("dev.mq.handlers.DeliveryHandler"))
                .contains(aliases.get("dev.mq.handlers.MetricsHandler"));
    }

    @Test
    void alarms_watchDeadLetters_age_errors_throttles_andStreamLag() {
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "MetricName",
                        "DeadLetterMessages",
                        "Namespace",
                        "mq",
                        "Threshold",
                        0,
                        "Dimensions",
                        List.of(Map.of("Name", "Deployment", "Value", "mq"))));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Map.of("MetricName", "OldestMessageAgeSeconds", "Threshold", 3600));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "IteratorAge"));
        long errors = resources("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties/MetricName").asText().equals("Errors"))
                .count();
        long throttles = resources("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties/MetricName").asText().equals("Throttles"))
                .count();
        assertThat(errors).isEqualTo(8);
        assertThat(throttles).isEqualTo(8);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    @Test
    void outputs_nameTheApiUrlAndTables() {
        assertThat(json.get("Outputs").fieldNames())
                .toIterable()
                .contains("ApiUrl", "CatalogTable", "MessagesTable", "TopicLogTable");
    }

    // ---------------------------------------------------------------- synth

    @Test
    void synth_isDeterministic() {
        JsonNode again = Json.MAPPER.valueToTree(
                Template.fromStack(MqApp.build(new App())).toJSON());
        assertThat(again).isEqualTo(json);
    }

    @Test
    void cdkNag_hasNoUnsuppressedError() {
        List<String> errors =
                Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                        .map(m -> m.getId() + ": " + m.getEntry().getData())
                        .toList();
        assertThat(errors).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new HashMap<>();
        json.get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    private static List<String> texts(JsonNode node) {
        return node.isArray()
                ? StreamSupport.stream(node.spliterator(), false)
                        .map(JsonNode::asText)
                        .toList()
                : List.of(node.asText());
    }

    private static List<JsonNode> statementsOfRole(String roleId) {
        return resources("AWS::IAM::Policy").values().stream()
                .filter(p -> texts(p.at("/Properties/Roles")).isEmpty()
                        || p.at("/Properties/Roles").toString().contains("\"" + roleId + "\""))
                .flatMap(p -> StreamSupport.stream(
                        p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .toList();
    }

    private static String roleOf(String handler) {
        return resources("AWS::Lambda::Function").values().stream()
                .filter(fn -> fn.at("/Properties/Handler").asText().equals(handler + "::handleRequest"))
                .map(fn -> fn.at("/Properties/Role/Fn::GetAtt/0").asText())
                .findFirst()
                .orElseThrow();
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

    /** Full path of every API resource by logical id (the root is the empty path). */
    private static Map<String, String> resourcePaths() {
        Map<String, JsonNode> all = resources("AWS::ApiGateway::Resource");
        Map<String, String> paths = new HashMap<>();
        for (String id : all.keySet()) {
            StringBuilder path = new StringBuilder();
            String current = id;
            while (current != null && all.containsKey(current)) {
                JsonNode resource = all.get(current);
                path.insert(0, "/" + resource.at("/Properties/PathPart").asText());
                current = resource.at("/Properties/ParentId/Ref").isMissingNode()
                        ? null
                        : resource.at("/Properties/ParentId/Ref").asText();
            }
            paths.put(id, path.toString());
        }
        return paths;
    }

    private static JsonNode method(Map<String, String> paths, String path, String httpMethod) {
        return resources("AWS::ApiGateway::Method").values().stream()
                .filter(m -> m.at("/Properties/HttpMethod").asText().equals(httpMethod))
                .filter(m ->
                        path.equals(paths.get(m.at("/Properties/ResourceId/Ref").asText())))
                .findFirst()
                .orElse(null);
    }
}
