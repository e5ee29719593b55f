package dev.mq.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@code mvn verify -Plocalstack}: before the first contract test, starts LocalStack in Docker, deploys the
 * stack to it ({@code deploy.sh --deploy-only}) and points the contract suite at it; the container stops
 * when the run ends. Without Docker or {@code LOCALSTACK_AUTH_TOKEN} nothing starts and every contract
 * test is skipped with the reason. A failed start or deploy fails the run.
 *
 * <p>Registered by JUnit's extension autodetection (the profile turns it on). It is an execution condition
 * because the suite comes from the contract-tests jar, whose classes carry no hook of this module's: a
 * global condition is the first thing JUnit runs for each of them, before their own condition looks for
 * the target ({@code TargetAvailable}).
 *
 * <p>Testcontainers' LocalStack module starts the container, not {@code localstack-utils}: the release of
 * that library on Maven Central (0.2.23) passes LocalStack only the retired {@code LOCALSTACK_API_KEY},
 * its maintainers have deprecated it for Testcontainers, and its later release (0.3.0) is not published.
 */
public final class LocalStackDeployment implements ExecutionCondition {
    /** The LocalStack image, pinned in this module's pom ({@code localstack.image}). */
    static final String IMAGE_PROPERTY = "mq.localstack.image";
    /** {@code deploy.sh} of this module. */
    static final String DEPLOY_SCRIPT_PROPERTY = "mq.localstack.deployScript";
    /** What the contract suite reads (its {@code Target}): the stack's outputs, and LocalStack's endpoint. */
    static final String OUTPUTS_PROPERTY = "mq.localstack.outputs";

    static final String CONTRACT_PACKAGE = "dev.mq.contract";
    static final String ENDPOINT_PROPERTY = "mq.localstack.endpoint";
    static final String TOKEN_ENV = "LOCALSTACK_AUTH_TOKEN";
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(20);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalStackDeployment.class);

    /** What the first evaluation found; every later one answers the same. */
    private static ConditionEvaluationResult outcome;

    private static RuntimeException failure;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!context.getTestClass()
                .map(c -> c.getPackageName().equals(CONTRACT_PACKAGE))
                .orElse(false)) {
            return ConditionEvaluationResult.enabled("not a contract test");
        }
        synchronized (LocalStackDeployment.class) {
            if (outcome == null && failure == null) {
                try {
                    outcome = start(context.getRoot());
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }

    private static ConditionEvaluationResult start(ExtensionContext root) {
        List<String> missing =
                missing(System::getenv, () -> DockerClientFactory.instance().isDockerAvailable());
        if (!missing.isEmpty()) {
            String reason = "LocalStack end-to-end tests skipped: " + String.join("; ", missing);
            System.err.println("[mq localstack] " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }
        LocalStackContainer localStack = new LocalStackContainer(DockerImageName.parse(required(IMAGE_PROPERTY)))
                .withEnv(TOKEN_ENV, System.getenv(TOKEN_ENV))
                // the functions are built for arm64; this runs them on an x86 host too
                .withEnv("LAMBDA_IGNORE_ARCHITECTURE", "1")
                // a Java function's first start in a fresh container can take a while
                .withEnv("LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT", "60")
                .withStartupTimeout(Duration.ofMinutes(5));
        System.err.println("[mq localstack] starting " + localStack.getDockerImageName());
        localStack.start();
        root.getStore(NAMESPACE).put("container", (AutoCloseable) localStack::stop);

        String endpoint = localStack.getEndpoint().toString();
        Path outputs = Path.of(required(OUTPUTS_PROPERTY));
        deploy(Path.of(required(DEPLOY_SCRIPT_PROPERTY)), endpoint, outputs);
        System.setProperty(ENDPOINT_PROPERTY, endpoint);
        return ConditionEvaluationResult.enabled("the stack is deployed to LocalStack at " + endpoint);
    }

    /** What keeps this run from starting LocalStack, each said the way the contract suite says it. */
    static List<String> missing(Function<String, String> env, BooleanSupplier dockerAvailable) {
        List<String> missing = new ArrayList<>();
        String token = env.apply(TOKEN_ENV);
        if (token == null || token.isBlank()) {
            missing.add(TOKEN_ENV + " is not set");
        }
        if (!dockerAvailable.getAsBoolean()) {
            missing.add("Docker is not available (Testcontainers found no Docker environment)");
        }
        return missing;
    }

    private static void deploy(Path script, String endpoint, Path outputs) {
        try {
            Files.deleteIfExists(outputs);
            ProcessBuilder deploy = new ProcessBuilder("bash", script.toString(), "--deploy-only").inheritIO();
            deploy.environment().putAll(Map.of("AWS_ENDPOINT_URL", endpoint, "MQ_OUTPUTS_FILE", outputs.toString()));
            Process process = deploy.start();
            if (!process.waitFor(DEPLOY_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " --deploy-only took longer than " + DEPLOY_TIMEOUT);
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(outputs)) {
                throw new IllegalStateException(script + " --deploy-only failed (exit " + process.exitValue()
                        + "; its output is above): nothing to test");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying to LocalStack", e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is not set: run with -Plocalstack from this module's pom");
        }
        return value;
    }
}
