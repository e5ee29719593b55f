package dev.mq.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.cdk.ReceiptKeySecret;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.model.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.secretsmanager.Secret;

/** The receipt key in the synthesized stack: only its ARN reaches the functions, and only GetSecretValue on it. */
class ReceiptKeySecretTest {
    static JsonNode json;
    static String secretId;

    @BeforeAll
    static void synth() {
        json = Json.MAPPER.valueToTree(
                Template.fromStack(MqApp.build(new App())).toJSON());
        List<String> secrets =
                new ArrayList<>(resources(json, "AWS::SecretsManager::Secret").keySet());
        assertThat(secrets).hasSize(1);
        secretId = secrets.get(0);
    }

    @Test
    void noFunctionEnvironment_holdsTheKey_orAReferenceThatResolvesIt() {
        Map<String, JsonNode> functions = resources(json, "AWS::Lambda::Function");
        assertThat(functions).hasSize(dev.mq.deploy.DeployedFunction.values().length);
        for (Map.Entry<String, JsonNode> function : functions.entrySet()) {
            JsonNode variables = function.getValue().at("/Properties/Environment/Variables");
            assertThat(variables.has(FunctionRuntime.RECEIPT_KEY_ENV))
                    .as(function.getKey() + " has no key variable")
                    .isFalse();
            assertThat(variables.get(FunctionRuntime.RECEIPT_KEY_SECRET_ENV))
                    .as(function.getKey() + " names the secret by its ARN (a Ref of a secret is its ARN)")
                    .isEqualTo(Json.MAPPER.valueToTree(Map.of("Ref", secretId)));
            variables
                    .fields()
                    .forEachRemaining(variable -> assertThat(variable.getValue().toString())
                            .as(function.getKey() + " " + variable.getKey())
                            .doesNotContain("resolve:secretsmanager")
                            .doesNotContain("SecretString"));
        }
        assertThat(json.toString()).doesNotContain("{{resolve:secretsmanager");
    }

    @Test
    void eachFunctionRole_mayOnlyGetTheSecretsValue_ofThatOneSecret() {
        Map<String, JsonNode> functions = resources(json, "AWS::Lambda::Function");
        for (Map.Entry<String, JsonNode> function : functions.entrySet()) {
            String role =
                    function.getValue().at("/Properties/Role/Fn::GetAtt/0").asText();
            List<JsonNode> onTheSecret = statementsOfRole(json, role).stream()
                    .filter(s -> s.toString().contains("secretsmanager:")
                            || s.get("Resource").toString().contains("\"" + secretId + "\""))
                    .toList();
            assertThat(onTheSecret)
                    .as(function.getKey())
                    .containsExactly(Json.MAPPER.valueToTree(Map.of(
                            "Action",
                            ReceiptKeySecret.READ_ACTION,
                            "Effect",
                            "Allow",
                            "Resource",
                            Map.of("Ref", secretId))));
            assertThat(statementsOfRole(json, role))
                    .as(function.getKey() + ": the secret's key is AWS-managed, so no KMS grant")
                    .noneMatch(s -> s.get("Action").toString().contains("kms:"));
        }
    }

    @Test
    void aSecretUnderACustomerKey_alsoGrantsDecryptOnThatKey_only() {
        Stack stack = new Stack(new App(), "Test");
        Key key = Key.Builder.create(stack, "Key").build();
        Secret secret = Secret.Builder.create(stack, "Secret")
                .encryptionKey(key)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Role role = Role.Builder.create(stack, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .build();

        ReceiptKeySecret.grantRead(secret, role);

        JsonNode test = Json.MAPPER.valueToTree(Template.fromStack(stack).toJSON());
        String keyId = resources(test, "AWS::KMS::Key").keySet().iterator().next();
        String roleId = resources(test, "AWS::IAM::Role").keySet().iterator().next();
        List<JsonNode> statements = statementsOfRole(test, roleId);
        assertThat(statements).anyMatch(s -> s.get("Action").asText().equals(ReceiptKeySecret.READ_ACTION));
        assertThat(statements)
                .filteredOn(s -> s.get("Action").toString().contains("kms:"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.get("Action").asText()).isEqualTo("kms:Decrypt");
                    assertThat(s.get("Resource").toString()).contains("\"" + keyId + "\"");
                });
    }

    static Map<String, JsonNode> resources(JsonNode template, String type) {
        Map<String, JsonNode> found = new HashMap<>();
        template.get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    static List<JsonNode> statementsOfRole(JsonNode template, String roleId) {
        return resources(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> p.at("/Properties/Roles").toString().contains("\"" + roleId + "\""))
                .flatMap(p -> StreamSupport.stream(
                        p.at("/Properties/PolicyDocument/Statement").spliterator(), false))
                .toList();
    }
}
