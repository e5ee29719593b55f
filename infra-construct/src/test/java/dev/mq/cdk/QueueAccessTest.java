package dev.mq.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.cdk.QueueAccess.Level;
import dev.mq.handlers.Routes;
import dev.mq.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/**
 * The policy {@link QueueAccess} writes, synthesized, and judged by IAM's own rule for resource ARNs
 * ({@code *} matches any characters, {@code /} included; {@code ?} any one): every route of the route
 * table, for the queue and for queues whose names share its prefix, is allowed exactly when it should be.
 */
class QueueAccessTest {
    static final String PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/";
    /** Names a prefix wildcard ({@code orders*}) would also match, and one it would not. */
    static final List<String> OTHER_QUEUES = List.of("orders-dlq", "orders2", "orders_old", "orders.fifo", "order");

    @Test
    void consumeOnly_isReceiveAckVisibilityAndAckOne_ofThatQueue() {
        assertThat(grantedArns(Level.CONSUME_ONLY, "orders"))
                .containsExactlyInAnyOrder(
                        PREFIX + "POST/v1/queues/orders/receive",
                        PREFIX + "POST/v1/queues/orders/ack",
                        PREFIX + "POST/v1/queues/orders/visibility",
                        PREFIX + "DELETE/v1/queues/orders/messages/*");
    }

    @Test
    void sendOnly_isSendToThatQueue() {
        assertThat(grantedArns(Level.SEND_ONLY, "orders")).containsExactly(PREFIX + "POST/v1/queues/orders/messages");
    }

    @Test
    void admin_isEveryRouteOnTheQueuesOwnPaths_andNothingElse() {
        assertThat(grantedArns(Level.ADMIN, "orders"))
                .containsExactlyInAnyOrder(
                        PREFIX + "PUT/v1/queues/orders",
                        PREFIX + "GET/v1/queues/orders",
                        PREFIX + "PATCH/v1/queues/orders",
                        PREFIX + "DELETE/v1/queues/orders",
                        PREFIX + "POST/v1/queues/orders/messages",
                        PREFIX + "GET/v1/queues/orders/messages",
                        PREFIX + "DELETE/v1/queues/orders/messages/*",
                        PREFIX + "POST/v1/queues/orders/receive",
                        PREFIX + "POST/v1/queues/orders/ack",
                        PREFIX + "POST/v1/queues/orders/visibility",
                        PREFIX + "POST/v1/queues/orders/purge",
                        PREFIX + "POST/v1/queues/orders/redrive",
                        PREFIX + "GET/v1/queues/orders/consumers",
                        PREFIX + "PUT/v1/queues/orders/consumers/*",
                        PREFIX + "GET/v1/queues/orders/consumers/*",
                        PREFIX + "DELETE/v1/queues/orders/consumers/*");
    }

    @Test
    void eachLevel_allowsExactlyItsRoutesOnTheQueue_andNoRouteOfAQueueWithTheSamePrefix() {
        for (Level level : Level.values()) {
            List<Pattern> policy = grantedArns(level, "orders").stream()
                    .map(QueueAccessTest::iamPattern)
                    .toList();
            for (Routes.Route route : Routes.ALL) {
                String ours = PREFIX + route.method() + request(route.path(), "orders");
                assertThat(allows(policy, ours))
                        .as(level + " on " + ours)
                        .isEqualTo(level.operations().contains(route.operation()));
                for (String other : OTHER_QUEUES) {
                    String theirs = PREFIX + route.method() + request(route.path(), other);
                    assertThat(allows(policy, theirs))
                            .as(level + " on " + theirs)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void noLevel_reachesTheSqsEndpoint_whoseJsonRequestsNameTheirQueueInTheBodyOnly() {
        for (Level level : Level.values()) {
            assertThat(level.operations())
                    .as(level.name())
                    .doesNotContain(Routes.Operation.SQS, Routes.Operation.SQS_QUEUE);
            List<Pattern> policy = grantedArns(level, "orders").stream()
                    .map(QueueAccessTest::iamPattern)
                    .toList();
            for (String sqsRequest : List.of("POST/", "POST/123456789012/orders")) {
                assertThat(allows(policy, PREFIX + sqsRequest))
                        .as(level + " on " + sqsRequest)
                        .isFalse();
            }
        }
    }

    @Test
    void aPrefixWildcard_wouldHaveMatchedTheDeadLetterQueue() {
        // why the helper lists routes: the wildcard the README used to suggest reaches orders-dlq
        Pattern wildcard = iamPattern(PREFIX + "POST/v1/queues/orders*");
        assertThat(wildcard.matcher(PREFIX + "POST/v1/queues/orders-dlq/receive")
                        .matches())
                .isTrue();
    }

    @Test
    void aRestApi_isGrantedAtItsDeploymentStage() {
        Stack stack = stack();
        RestApi api = RestApi.Builder.create(stack, "Api").build();
        api.getRoot().addMethod("ANY");
        Role role = role(stack);

        QueueAccess.grant(role, api, "orders", Level.SEND_ONLY);

        List<JsonNode> resources = invokeResources(stack);
        assertThat(resources).hasSize(1);
        // the API's id and its stage's name, both resolved at deploy time
        assertThat(resources.get(0).toString())
                .contains(":execute-api:eu-west-1:123456789012:\",{\"Ref\":\"Api")
                .contains("{\"Ref\":\"ApiDeploymentStageprod")
                .endsWith(",\"/POST/v1/queues/orders/messages\"]]}");
    }

    @Test
    void aNameOutsideTheQueueRules_orOfAnInternalQueue_isRefused() {
        Stack stack = stack();
        Role role = role(stack);
        for (String name : List.of("orders*", "orders/x", "", "_mq-deliveries")) {
            assertThatThrownBy(() -> QueueAccess.grant(role, stack, "abc123", "prod", name, Level.ADMIN))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void methodPaths_nameTheSameRequests() {
        assertThat(QueueAccess.methodPaths("orders", Level.CONSUME_ONLY).stream()
                        .map(p -> PREFIX + p)
                        .collect(Collectors.toSet()))
                .isEqualTo(Set.copyOf(grantedArns(Level.CONSUME_ONLY, "orders")));
    }

    // ---------------------------------------------------------------- helpers

    /** The resource ARNs of the one statement granted, as IAM sees them once the partition is resolved. */
    static List<String> grantedArns(Level level, String queue) {
        Stack stack = stack();
        QueueAccess.grant(role(stack), stack, "abc123", "prod", queue, level);
        return invokeResources(stack).stream().map(QueueAccessTest::render).toList();
    }

    static List<JsonNode> invokeResources(Stack stack) {
        JsonNode template = Json.MAPPER.valueToTree(
                software.amazon.awscdk.assertions.Template.fromStack(stack).toJSON());
        List<JsonNode> statements = new ArrayList<>();
        template.get("Resources").forEach(resource -> {
            if (resource.get("Type").asText().equals("AWS::IAM::Policy")) {
                resource.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
            }
        });
        assertThat(statements).singleElement().satisfies(s -> {
            assertThat(s.get("Action").asText()).isEqualTo(QueueAccess.INVOKE);
            assertThat(s.get("Effect").asText()).isEqualTo("Allow");
        });
        JsonNode resources = statements.get(0).get("Resource");
        return resources.isArray()
                ? StreamSupport.stream(resources.spliterator(), false).toList()
                : List.of(resources);
    }

    /** An {@code Fn::Join} of strings and {@code AWS::Partition}, as CloudFormation resolves it in aws. */
    static String render(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            assertThat(value.get("Ref").asText()).isEqualTo("AWS::Partition");
            return "aws";
        }
        JsonNode join = value.get("Fn::Join");
        StringBuilder out = new StringBuilder();
        join.get(1).forEach(part -> out.append(render(part)));
        return out.toString();
    }

    /** IAM's resource matching: {@code *} is any run of characters (slashes too), {@code ?} any one. */
    static Pattern iamPattern(String arn) {
        StringBuilder regex = new StringBuilder();
        for (char c : arn.toCharArray()) {
            regex.append(
                    switch (c) {
                        case '*' -> ".*";
                        case '?' -> ".";
                        default -> Pattern.quote(String.valueOf(c));
                    });
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    static boolean allows(List<Pattern> policy, String arn) {
        return policy.stream().anyMatch(p -> p.matcher(arn).matches());
    }

    /** A request's path on a route: the queue's name, and a receipt handle where the route takes one. */
    static String request(String routePath, String queue) {
        return routePath
                .replace("{queue}", queue)
                .replace("{topic}", queue)
                .replace("{receiptHandle}", "djF8b3JkZXJz.c2lnbmF0dXJl")
                .replace("{subscription}", "sub");
    }

    static Stack stack() {
        return new Stack(
                new App(),
                "Consumer",
                StackProps.builder()
                        .env(Environment.builder()
                                .account("123456789012")
                                .region("eu-west-1")
                                .build())
                        .build());
    }

    static Role role(Stack stack) {
        return Role.Builder.create(stack, "Worker")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .build();
    }
}
