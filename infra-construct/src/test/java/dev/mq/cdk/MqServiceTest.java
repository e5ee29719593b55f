package dev.mq.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.deploy.DeployedFunction;
import dev.mq.handlers.Routes;
import dev.mq.model.Json;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/** MqService embedded in a user's own stack, as the README shows it, with a key, a domain, a topic and tags. */
class MqServiceTest {
    static final Path FUNCTIONS_JAR = Path.of("../functions/target/mq-functions.jar");

    /** A user's stack: their own key, certificate and alarm topic, and mq in a few lines. */
    static final class ShopStack extends Stack {
        final MqService mq;
        final Key key;
        final Topic ops;

        ShopStack(Construct scope, String id) {
            super(
                    scope,
                    id,
                    StackProps.builder()
                            .env(Environment.builder()
                                    .account("111111111111")
                                    .region("eu-west-1")
                                    .build())
                            .build());
            key = Key.Builder.create(this, "ShopKey").enableKeyRotation(true).build();
            ops = Topic.Builder.create(this, "Ops")
                    .masterKey(key)
                    .enforceSsl(true)
                    .build();
            mq = new MqService(
                    this,
                    "Queues",
                    MqServiceProps.builder()
                            .functionsJar(FUNCTIONS_JAR)
                            .kmsKey(key)
                            .customDomain(new CustomDomain(
                                    "api.shop.example",
                                    Certificate.fromCertificateArn(
                                            this, "Cert", "arn:aws:acm:eu-west-1:111111111111:certificate/abc"),
                                    "/queues/"))
                            .alarmTopic(ops)
                            .tag("team", "shop")
                            .tag("cost-centre", "42")
                            .build());
        }
    }

    static ShopStack stack;
    static Template template;
    static JsonNode json;

    @BeforeAll
    static void synth() {
        App app = new App();
        stack = new ShopStack(app, "Shop");
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().build());
        template = Template.fromStack(stack);
        json = Json.MAPPER.valueToTree(template.toJSON());
    }

    @Test
    void embedsInAUsersStack_withEveryRouteAndFunction() {
        template.resourceCountIs("AWS::DynamoDB::Table", 3);
        template.resourceCountIs("AWS::Lambda::Function", 10);
        template.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        long methods = resources("AWS::ApiGateway::Method").size();
        assertThat(methods).isGreaterThanOrEqualTo(Routes.ALL.size());
        assertThat(stack.mq.functions()).containsOnlyKeys(DeployedFunction.values());
        template.allResourcesProperties("AWS::Lambda::Function", Map.of("Runtime", "java25"));
    }

    @Test
    void theKey_encryptsTables_theFailureQueue_andEveryLogGroup() {
        String key = logicalId(stack.key);
        template.allResourcesProperties(
                "AWS::DynamoDB::Table",
                Map.of(
                        "SSESpecification",
                        Map.of(
                                "SSEEnabled",
                                true,
                                "SSEType",
                                "KMS",
                                "KMSMasterKeyId",
                                Map.of("Fn::GetAtt", List.of(key, "Arn")))));
        template.hasResourceProperties(
                "AWS::SQS::Queue", Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(key, "Arn"))));
        template.allResourcesProperties(
                "AWS::Logs::LogGroup", Map.of("KmsKeyId", Map.of("Fn::GetAtt", List.of(key, "Arn"))));
        // CloudWatch Logs may use the key for this account's log groups only
        template.hasResourceProperties(
                "AWS::KMS::Key",
                Map.of(
                        "KeyPolicy",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectLike(Map.of(
                                        "Principal",
                                        Map.of("Service", "logs.eu-west-1.amazonaws.com"),
                                        "Condition",
                                        Map.of("ArnLike", Match.anyValue()))))))));
    }

    @Test
    void functionsThatTouchTables_mayUseTheKey() {
        String key = logicalId(stack.key);
        String policies = resources("AWS::IAM::Policy").values().toString();
        assertThat(policies).contains("kms:Decrypt").contains("\"" + key + "\"");
    }

    @Test
    void theCustomDomain_mapsItsBasePathToTheStage_andIsTheUrl() {
        template.hasResourceProperties(
                "AWS::ApiGateway::DomainName",
                Map.of(
                        "DomainName", "api.shop.example",
                        "RegionalCertificateArn", "arn:aws:acm:eu-west-1:111111111111:certificate/abc",
                        "EndpointConfiguration", Map.of("Types", List.of("REGIONAL")),
                        "SecurityPolicy", "TLS_1_2"));
        template.hasResourceProperties("AWS::ApiGateway::BasePathMapping", Map.of("BasePath", "queues"));
        assertThat(stack.mq.url()).isEqualTo("https://api.shop.example/queues/");
        assertThat(stack.mq.domainName()).isNotNull();
    }

    @Test
    void everyAlarm_notifiesTheUsersTopic_includingTheStreamFailuresAlarm() {
        String topic = logicalId(stack.ops);
        template.allResourcesProperties(
                "AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(Map.of("Ref", topic))));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of("Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 0));
        assertThat(stack.mq.alarmTopic()).isSameAs(stack.ops);
    }

    @Test
    void tags_reachEveryTaggableResource() {
        for (String type : List.of(
                "AWS::DynamoDB::Table",
                "AWS::Lambda::Function",
                "AWS::IAM::Role",
                "AWS::SQS::Queue",
                "AWS::SecretsManager::Secret",
                "AWS::Logs::LogGroup",
                "AWS::ApiGateway::RestApi",
                "AWS::ApiGateway::Stage")) {
            template.allResourcesProperties(
                    type,
                    Map.of(
                            "Tags",
                            Match.arrayWith(List.of(
                                    Map.of("Key", "cost-centre", "Value", "42"),
                                    Map.of("Key", "team", "Value", "shop")))));
        }
        // the user's own resources outside the service are left alone
        assertThat(resources("AWS::KMS::Key")
                        .values()
                        .iterator()
                        .next()
                        .at("/Properties/Tags")
                        .isMissingNode())
                .isTrue();
    }

    @Test
    void defaults_deployIntoAFreshAccount() {
        App app = new App();
        Stack plain = new Stack(app, "Plain");
        MqService mq = new MqService(
                plain,
                "Mq",
                MqServiceProps.builder().functionsJar(FUNCTIONS_JAR).build());
        Template t = Template.fromStack(plain);
        t.allResourcesProperties("AWS::Lambda::Function", Map.of("ReservedConcurrentExecutions", Match.absent()));
        t.allResourcesProperties("AWS::DynamoDB::Table", Map.of("TableName", Match.absent()));
        t.allResourcesProperties("AWS::SQS::Queue", Map.of("QueueName", Match.absent()));
        t.allResourcesProperties("AWS::ApiGateway::Stage", Map.of("AccessLogSetting", Match.absent()));
        t.allResourcesProperties("AWS::Lambda::Function", Map.of("TracingConfig", Match.absent()));
        t.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
        t.allResources("AWS::SQS::Queue", Map.of("DeletionPolicy", "Retain"));
        assertThat(mq.alarmNotifications()).isEqualTo("none");
        assertThat(mq.deployment()).isEqualTo("Plain");
    }

    @Test
    void settings_thatCannotWork_areRefusedAtSynth() {
        assertThatThrownBy(() -> MqServiceProps.builder()
                        .functionsJar(FUNCTIONS_JAR)
                        .prefix("Bad_Prefix")
                        .build())
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> MqServiceProps.builder()
                        .functionsJar(FUNCTIONS_JAR)
                        .receiveConcurrency(0)
                        .build())
                .hasMessageContaining("receiveConcurrency");
        assertThatThrownBy(() -> MqServiceProps.builder()
                        .functionsJar(FUNCTIONS_JAR)
                        .alarmEmail("ops@example.com")
                        .alarmTopic(stack.ops)
                        .build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> new MqService(
                        new Stack(new App(), "NoJar"),
                        "Mq",
                        MqServiceProps.builder()
                                .functionsJar(Path.of("missing.jar"))
                                .build()))
                .hasMessageContaining("mvn -DskipTests package");
    }

    @Test
    void twoServicesInOneStack_needTheirOwnPrefixes_forTheirMetricsAndAlarms() {
        Stack shared = new Stack(new App(), "Shared");
        new MqService(
                shared,
                "First",
                MqServiceProps.builder().functionsJar(FUNCTIONS_JAR).build());
        assertThatThrownBy(() -> new MqService(
                        shared,
                        "Second",
                        MqServiceProps.builder().functionsJar(FUNCTIONS_JAR).build()))
                .hasMessageContaining("give each its own prefix");
        MqService third = new MqService(
                shared,
                "Third",
                MqServiceProps.builder()
                        .functionsJar(FUNCTIONS_JAR)
                        .prefix("third")
                        .build());
        assertThat(third.deployment()).isEqualTo("third");
    }

    @Test
    void thePushFunction_mayInvokeOnlyTheStacksConsumerFunctions_andItsApiKnowsTheRule() {
        assertThat(stack.mq.consumerFunctionPrefix()).isEqualTo("Shop-consumer-");
        List<String> granted = resources("AWS::IAM::Policy").values().stream()
                .flatMap(policy -> elements(policy.at("/Properties/PolicyDocument/Statement")))
                .filter(statement -> statement.get("Action").toString().contains("lambda:InvokeFunction"))
                .flatMap(statement -> elements(statement.get("Resource")))
                .map(JsonNode::toString)
                .toList();
        // arn:<partition>:lambda:<region>:<account>:function:<prefix>* and any version or alias of those
        String functions = "\":lambda:eu-west-1:111111111111:function:Shop-consumer-*";
        assertThat(granted)
                .containsExactlyInAnyOrder(
                        "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"}," + functions + "\"]]}",
                        "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"}," + functions + ":*\"]]}");
        template.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of(
                        "Handler",
                        "dev.mq.handlers.AdminHandler::handleRequest",
                        "Environment",
                        Map.of(
                                "Variables",
                                Match.objectLike(Map.of("MQ_CONSUMER_FUNCTION_PREFIX", "Shop-consumer-")))));
    }

    private static java.util.stream.Stream<JsonNode> elements(JsonNode node) {
        return node.isArray()
                ? java.util.stream.StreamSupport.stream(node.spliterator(), false)
                : java.util.stream.Stream.of(node);
    }

    @Test
    void cdkNag_hasNoUnsuppressedError_inTheUsersStack() {
        List<String> errors =
                Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                        .map(m -> m.getId() + ": " + m.getEntry().getData())
                        .toList();
        assertThat(errors).isEmpty();
    }

    private static String logicalId(Construct construct) {
        return stack.resolve(
                        ((software.amazon.awscdk.CfnElement) construct.getNode().getDefaultChild()).getLogicalId())
                .toString();
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

    @Test
    void grantQueue_allowsExactlyThatQueuesRoutes_onTheApiItMade() {
        App app = new App();
        Stack shop = new Stack(app, "Grants");
        MqService mq = new MqService(
                shop,
                "Queues",
                MqServiceProps.builder().functionsJar(FUNCTIONS_JAR).build());
        software.amazon.awscdk.services.iam.Role worker = software.amazon.awscdk.services.iam.Role.Builder.create(
                        shop, "Worker")
                .assumedBy(new software.amazon.awscdk.services.iam.ServicePrincipal("lambda.amazonaws.com"))
                .build();

        mq.grantQueue(worker, "orders", QueueAccess.Level.SEND_ONLY);

        String policies = Json.MAPPER
                .valueToTree(Template.fromStack(shop).findResources("AWS::IAM::Policy"))
                .toString();
        assertThat(policies).contains("/POST/v1/queues/orders/messages").doesNotContain("orders-dlq");
        assertThat(policies).doesNotContain("/POST/v1/queues/orders/receive");
    }
}
