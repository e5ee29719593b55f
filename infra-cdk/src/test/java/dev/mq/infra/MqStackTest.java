package dev.mq.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.cdk.MqService;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.Routes;
import dev.mq.model.Json;
import dev.mq.store.StreamFilters;
import dev.mq.store.TableAccess;
import java.nio.file.Path;
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
import software.amazon.awscdk.AppProps;
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
        stack = MqApp.build(app(Map.of()));
        template = Template.fromStack(stack);
        json = Json.MAPPER.valueToTree(template.toJSON());
    }

    // ---------------------------------------------------------------- tables

    @Test
    void tables_areOnDemand_withTtl_pointInTimeRecovery_andKeptByDefault() {
        template.resourceCountIs("AWS::DynamoDB::Table", 3);
        template.allResources(
                "AWS::DynamoDB::Table",
                Map.of(
                        "DeletionPolicy", "Retain",
                        "UpdateReplacePolicy", "Retain",
                        "Properties",
                                Map.of(
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

    @Test
    void streams_onTheTopicLogAndMessages_only() {
        assertThat(table("TopicLogTable")
                        .at("/Properties/StreamSpecification/StreamViewType")
                        .asText())
                .isEqualTo("NEW_IMAGE");
        // the counter counts a removed message by its old image
        assertThat(table("MessagesTable")
                        .at("/Properties/StreamSpecification/StreamViewType")
                        .asText())
                .isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(table("CatalogTable").at("/Properties/StreamSpecification").isMissingNode())
                .isTrue();
    }

    @Test
    void noFixedPhysicalNames_byDefault_soARetainedTableNeverBlocksARedeploy() {
        Map<String, String> nameProperty = Map.of(
                "AWS::DynamoDB::Table", "TableName",
                "AWS::Lambda::Function", "FunctionName",
                "AWS::Logs::LogGroup", "LogGroupName",
                "AWS::SecretsManager::Secret", "Name",
                "AWS::SQS::Queue", "QueueName",
                "AWS::CloudWatch::Alarm", "AlarmName",
                "AWS::CloudWatch::Dashboard", "DashboardName");
        nameProperty.forEach((type, property) -> {
            assertThat(resources(type)).as(type).isNotEmpty();
            template.allResourcesProperties(type, Map.of(property, Match.absent()));
        });
    }

    @Test
    void aPrefix_namesEveryTableFunctionLogGroupQueueAndTheSecret() {
        Template named = Template.fromStack(MqApp.build(app(Map.of("mq:prefix", "shop"))));
        for (String table : List.of("shop-catalog", "shop-messages", "shop-topic-log")) {
            named.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", table));
        }
        named.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", "shop-receive"));
        named.hasResourceProperties("AWS::Logs::LogGroup", Map.of("LogGroupName", "/aws/lambda/shop-receive"));
        named.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "shop-stream-failures"));
        named.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("Name", "shop/receipt-key"));
        named.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "shop-queues"));
    }

    @Test
    void destroyContext_letsATestStackGo() {
        App app = app(Map.of("mq:prefix", "mqtest", "mq:removalPolicy", "destroy", "mq:deletionProtection", "false"));
        Template test = Template.fromStack(MqApp.build(app));
        test.allResources(
                "AWS::DynamoDB::Table",
                Map.of("DeletionPolicy", "Delete", "Properties", Map.of("DeletionProtectionEnabled", false)));
        test.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "mqtest-messages"));
        test.hasResource("AWS::SQS::Queue", Map.of("DeletionPolicy", "Delete"));
    }

    // ---------------------------------------------------------------- functions

    @Test
    void functions_runThePinnedSnapStartJava_onArm64_behindALiveAlias() {
        // pinned, not the newest the CDK version knows: a CDK upgrade must not change the runtime
        assertThat(MqService.RUNTIME.getName()).isEqualTo("java25");
        assertThat(MqService.RUNTIME.getSupportsSnapStart()).isTrue();
        template.resourceCountIs("AWS::Lambda::Function", 10);
        MqService.HANDLERS
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
                                                        Map.of("Ref", tableId("CatalogTable")),
                                                        "MQ_MESSAGES_TABLE",
                                                        Map.of("Ref", tableId("MessagesTable")),
                                                        "MQ_TOPIC_LOG_TABLE",
                                                        Map.of("Ref", tableId("TopicLogTable")),
                                                        "MQ_RECEIPT_KEY_SECRET_ARN",
                                                        Match.anyValue()))))));
        template.resourceCountIs("AWS::Lambda::Alias", 10);
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
    void noReservedConcurrency_byDefault_soANewAccountsLimitOf10DoesNotFailTheDeploy() {
        template.allResourcesProperties(
                "AWS::Lambda::Function", Map.of("ReservedConcurrentExecutions", Match.absent()));
    }

    @Test
    void receiveConcurrency_reservesForTheReceiveFunctionOnly() {
        Template reserved = Template.fromStack(MqApp.build(app(Map.of("mq:receiveConcurrency", "20"))));
        reserved.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of("Handler", "dev.mq.handlers.ReceiveHandler::handleRequest", "ReservedConcurrentExecutions", 20));
        reserved.hasResourceProperties(
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
        for (String output : List.of("CatalogTable", "MessagesTable", "TopicLogTable")) {
            tableIds.put(tableId(output), output);
        }
        Map<String, TableAccess.Table> roles = Map.of(
                "CatalogTable",
                TableAccess.Table.CATALOG,
                "MessagesTable",
                TableAccess.Table.MESSAGES,
                "TopicLogTable",
                TableAccess.Table.TOPIC_LOG);
        Map<String, String> roleOfFunction = new HashMap<>();
        resources("AWS::Lambda::Function")
                .forEach((id, fn) -> roleOfFunction.put(
                        fn.at("/Properties/Handler").asText().replace("::handleRequest", ""),
                        fn.at("/Properties/Role/Fn::GetAtt/0").asText()));

        for (Map.Entry<DeployedFunction, String> f : MqService.HANDLERS.entrySet()) {
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
        String topicLog = tableId("TopicLogTable");
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
            String handler = MqService.HANDLERS.get(route.function());
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
                        // off by default: they need the account's API Gateway CloudWatch role, which a fresh
                        // account lacks, and the deploy would fail
                        "AccessLogSetting", Match.absent(),
                        "MethodSettings",
                                List.of(Match.objectLike(Map.of("DataTraceEnabled", false, "LoggingLevel", "OFF")))));
        Template logged = Template.fromStack(MqApp.build(app(Map.of("mq:accessLogs", "true"))));
        logged.hasResourceProperties(
                "AWS::ApiGateway::Stage",
                Map.of("AccessLogSetting", Match.objectLike(Map.of("DestinationArn", Match.anyValue()))));
        logged.resourceCountIs("AWS::ApiGateway::Account", 0);
        // one permission per function, not per method: the Lambda resource policy stays small
        assertThat(resources("AWS::Lambda::Permission").values().stream()
                        .filter(p -> p.at("/Properties/Principal").asText().equals("apigateway.amazonaws.com")))
                .hasSize(5);
    }

    @Test
    void sqsRoutes_areServedByTheSqsFunction_onTheRootAndTheCatchAll_whoseOtherMethodsStayTheAdmins() {
        Map<String, String> paths = resourcePaths();
        Map<String, String> aliases = aliasIdsByHandler();
        String sqs = aliases.get(MqService.HANDLERS.get(DeployedFunction.SQS));
        String admin = aliases.get(MqService.HANDLERS.get(DeployedFunction.ADMIN));
        assertThat(sqs).isNotNull();
        // one variable path part per level: the queue URL is POST on the root's catch-all, not a resource of its own
        assertThat(paths.values()).doesNotContain("/{account}", "/{account}/{queue}");
        assertThat(integrationUri(method(paths, "/", "POST"))).contains("\"" + sqs + "\"");
        assertThat(integrationUri(method(paths, "/{proxy+}", "POST"))).contains("\"" + sqs + "\"");
        assertThat(integrationUri(method(paths, "/", "ANY"))).contains("\"" + admin + "\"");
        assertThat(integrationUri(method(paths, "/{proxy+}", "ANY"))).contains("\"" + admin + "\"");
    }

    @Test
    void api_hasNoBinaryMediaTypes_soSqsBodiesReachTheFunctionAsTheTextTheyWereSentAs() {
        // a listed type (or */*) would reach the function base64-encoded: the SQS protocols' form and JSON
        // bodies stay text only while none is listed
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of("BinaryMediaTypes", Match.absent()));
    }

    private static String integrationUri(JsonNode method) {
        assertThat(method).isNotNull();
        return method.at("/Properties/Integration/Uri").toString();
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
        App app = app(Map.of("mq:apiKeys", "true", "mq:throttleRate", "50", "mq:throttleBurst", "100"));
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
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 4);
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
    void pushFunction_wakesOnVisibleMessageWrites_andTheMinuteSweep() {
        String push = aliasIdsByHandler().get("dev.mq.handlers.PushHandler");
        List<JsonNode> mappings = resources("AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> m.at("/Properties/FunctionName").toString().contains(push))
                .toList();
        assertThat(mappings).hasSize(1);
        JsonNode mapping = mappings.get(0);
        assertThat(mapping.at("/Properties/FilterCriteria/Filters/0/Pattern").asText())
                .isEqualTo(StreamFilters.visibleMessageWrites());
        assertThat(mapping.at("/Properties/FilterCriteria/Filters").size()).isEqualTo(1);
        assertThat(mapping.at("/Properties/FunctionResponseTypes/0").asText()).isEqualTo("ReportBatchItemFailures");
        assertThat(mapping.at("/Properties/StartingPosition").asText()).isEqualTo("LATEST");
        assertThat(mapping.at("/Properties/EventSourceArn").toString()).contains("Messages");
        // a missed wake-up is the sweep's: nothing parked in the stream-failures queue, so no false alarm
        assertThat(mapping.at("/Properties/DestinationConfig").isMissingNode()).isTrue();
        assertThat(resources("AWS::Events::Rule")
                        .values()
                        .iterator()
                        .next()
                        .at("/Properties/Targets")
                        .toString())
                .contains(push);
    }

    @Test
    void pushFunction_mayInvokeOnlyFunctionsNamedByTheConsumerPrefix() {
        List<String> invokeResources = resources("AWS::IAM::Policy").values().stream()
                .flatMap(p -> stream(p.at("/Properties/PolicyDocument/Statement")))
                .filter(st -> st.get("Action").toString().contains("lambda:InvokeFunction"))
                .flatMap(st -> st.get("Resource").isArray()
                        ? stream(st.get("Resource"))
                        : java.util.stream.Stream.of(st.get("Resource")))
                .map(JsonNode::toString)
                .toList();
        assertThat(invokeResources)
                .hasSize(2)
                .allSatisfy(
                        r -> assertThat(r).contains(":function:mq-consumer-*").doesNotContain("\"*\""));
        assertThat(json.at("/Outputs/ConsumerFunctionPrefix/Value").asText()).isEqualTo("mq-consumer-");
        Template named = Template.fromStack(MqApp.build(app(Map.of("mq:consumerFunctionPrefix", "orders-"))));
        named.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of(
                        "Environment",
                        Map.of("Variables", Match.objectLike(Map.of("MQ_CONSUMER_FUNCTION_PREFIX", "orders-")))));
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
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
        assertThat(errors).isEqualTo(DeployedFunction.values().length);
        assertThat(throttles).isEqualTo(DeployedFunction.values().length);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    @Test
    void streamFailures_areAlarmed_andKeptLikeTheData() {
        template.hasResource("AWS::SQS::Queue", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
        JsonNode queueUrl = json.at("/Outputs/StreamFailureQueue/Value/Ref");
        JsonNode alarm = resources("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties/MetricName").asText().equals("ApproximateNumberOfMessagesVisible"))
                .findFirst()
                .orElseThrow();
        assertThat(alarm.at("/Properties/Namespace").asText()).isEqualTo("AWS/SQS");
        assertThat(alarm.at("/Properties/Threshold").asInt()).isZero();
        assertThat(alarm.at("/Properties/Dimensions").toString()).contains(queueUrl.asText());
    }

    @Test
    void alarmNotifications_areNone_byDefault_andAnEmailMakesATopicEveryAlarmNotifies() {
        assertThat(json.at("/Outputs/AlarmNotifications/Value").asText()).isEqualTo("none");
        template.resourceCountIs("AWS::SNS::Topic", 0);
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.absent()));

        MqStack mailed = MqApp.build(app(Map.of("mq:alarmEmail", "ops@example.com")));
        Template withMail = Template.fromStack(mailed);
        withMail.hasResourceProperties(
                "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com"));
        JsonNode outputs = Json.MAPPER.valueToTree(withMail.toJSON()).get("Outputs");
        assertThat(outputs.at("/AlarmNotifications/Value").asText()).isEqualTo("ops@example.com");
        withMail.allResourcesProperties(
                "AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(Map.of("Ref", Match.anyValue()))));
        assertThat(nagErrors(mailed)).isEmpty();
    }

    @Test
    void outputs_nameTheApiUrlAndTables_exportedUnderTheStacksName() {
        assertThat(json.get("Outputs").fieldNames())
                .toIterable()
                .contains(
                        "ApiUrl",
                        "CatalogTable",
                        "MessagesTable",
                        "TopicLogTable",
                        "StreamFailureQueue",
                        "AlarmNotifications");
        assertThat(stack.getStackName()).isEqualTo("mq");
        assertThat(json.at("/Outputs/ApiUrl/Export/Name").asText()).isEqualTo("mq-ApiUrl");
        assertThat(json.at("/Outputs/MessagesTable/Export/Name").asText()).isEqualTo("mq-MessagesTable");
    }

    @Test
    void cdkJson_setsTheRecommendedFeatureFlags_ofTheAwsCdkLibInUse() throws Exception {
        JsonNode recommended = RecommendedFlags.ofAwsCdkLib();
        JsonNode context = Json.MAPPER.readTree(Path.of("cdk.json").toFile()).get("context");
        assertThat(recommended.size()).isGreaterThan(50);
        recommended
                .fields()
                .forEachRemaining(flag ->
                        assertThat(context.get(flag.getKey())).as(flag.getKey()).isEqualTo(flag.getValue()));
    }

    // ---------------------------------------------------------------- synth

    @Test
    void synth_isDeterministic() {
        JsonNode again = Json.MAPPER.valueToTree(
                Template.fromStack(MqApp.build(app(Map.of()))).toJSON());
        assertThat(again).isEqualTo(json);
    }

    @Test
    void cdkNag_hasNoUnsuppressedError() {
        assertThat(nagErrors(stack)).isEmpty();
    }

    @Test
    void cdkNag_hasNoUnsuppressedError_withEveryOptionOn() {
        MqStack all = MqApp.build(app(Map.of(
                "mq:prefix", "full",
                "mq:accessLogs", "true",
                "mq:tracing", "true",
                "mq:apiKeys", "true",
                "mq:receiveConcurrency", "5",
                "mq:kmsKeyArn", "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555",
                "mq:alarmTopicArn", "arn:aws:sns:eu-west-1:111111111111:ops",
                "mq:domainName", "mq.example.com",
                "mq:certificateArn", "arn:aws:acm:eu-west-1:111111111111:certificate/abc",
                "mq:basePath", "queues")));
        assertThat(nagErrors(all)).isEmpty();
        Template full = Template.fromStack(all);
        full.hasResourceProperties("AWS::ApiGateway::BasePathMapping", Map.of("BasePath", "queues"));
        full.allResourcesProperties("AWS::Lambda::Function", Map.of("TracingConfig", Map.of("Mode", "Active")));
        full.hasResourceProperties("AWS::ApiGateway::Stage", Map.of("TracingEnabled", true));
    }

    // ---------------------------------------------------------------- helpers

    /** An app with cdk.json's context (feature flags included), as {@code cdk synth} runs it, plus overrides. */
    static App app(Map<String, String> overrides) {
        try {
            Map<String, Object> context = new HashMap<>();
            Json.MAPPER
                    .readTree(Path.of("cdk.json").toFile())
                    .get("context")
                    .fields()
                    .forEachRemaining(
                            e -> context.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class)));
            context.putAll(overrides);
            return new App(AppProps.builder().context(context).build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> nagErrors(MqStack stack) {
        return Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData())
                .toList();
    }

    /** The logical id of the table an output names. */
    private static String tableId(String output) {
        return json.at("/Outputs/" + output + "/Value/Ref").asText();
    }

    private static JsonNode table(String output) {
        return resources("AWS::DynamoDB::Table").get(tableId(output));
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

    /**
     * The method on the resource that serves a route's path: the root serves {@code /}, and the root's
     * catch-all a path that starts with a parameter (a REST API admits one variable part per level).
     */
    private static JsonNode method(Map<String, String> paths, String routePath, String httpMethod) {
        String path = routePath.startsWith("/{") ? Routes.PROXY_PATH : routePath;
        return resources("AWS::ApiGateway::Method").values().stream()
                .filter(m -> m.at("/Properties/HttpMethod").asText().equals(httpMethod))
                .filter(m -> path.equals(
                        m.at("/Properties/ResourceId/Ref").isMissingNode()
                                ? "/" // the root: Fn::GetAtt RootResourceId
                                : paths.get(m.at("/Properties/ResourceId/Ref").asText())))
                .findFirst()
                .orElse(null);
    }
}
