package dev.mq.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.client.RequestAuth;
import dev.mq.local.LocalServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where the contract suite sends its requests, and how it signs them. System properties choose:
 * <ul>
 *   <li>{@code mq.target}: {@code local} (the default without a base URL: one embedded local server
 *       for the whole run), {@code url} (the default with {@code mq.baseUrl}: any deployment, e.g. an API
 *       Gateway stage URL {@code https://abc.execute-api.eu-west-1.amazonaws.com/prod}), or
 *       {@code localstack} (the stack {@code localstack/deploy.sh} deployed, found through its CDK
 *       outputs file {@code mq.localstack.outputs}, served at {@code mq.localstack.endpoint});</li>
 *   <li>{@code mq.auth}: {@code none}, {@code bearer} (with {@code mq.token}; the default when a token
 *       is given) or {@code sigv4} (AWS default credentials, region {@code mq.region} or the one in the
 *       URL; the default for an {@code execute-api} URL and for LocalStack).</li>
 * </ul>
 * The LocalStack target needs Docker, {@code LOCALSTACK_AUTH_TOKEN} and a deployed stack; when one is
 * missing, every contract test is skipped with a message that names it.
 */
final class Target {
    static final String TARGET_PROPERTY = "mq.target";
    static final String BASE_URL_PROPERTY = "mq.baseUrl";
    static final String TOKEN_PROPERTY = "mq.token";
    static final String AUTH_PROPERTY = "mq.auth";
    static final String REGION_PROPERTY = "mq.region";
    static final String OUTPUTS_PROPERTY = "mq.localstack.outputs";
    static final String LOCALSTACK_ENDPOINT_PROPERTY = "mq.localstack.endpoint";
    static final String DEFAULT_LOCALSTACK_ENDPOINT = "http://localhost:4566";
    /** The stage the CDK stack deploys (RestApiFront.STAGE). */
    static final String STAGE = "prod";

    private static final Pattern EXECUTE_API_HOST = Pattern.compile("\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com");

    private static Target current;
    /** Why the chosen target is not available, once found: every later class is skipped for it too. */
    private static TestAbortedException unavailable;

    /** How the target's requests are signed, and the name of that way ({@code none}, {@code bearer}, {@code sigv4}). */
    record Auth(String kind, RequestAuth credentials) {
        static Auth none() {
            return new Auth("none", RequestAuth.none());
        }

        static Auth bearer(String token) {
            return new Auth("bearer", RequestAuth.bearer(token));
        }

        static Auth sigV4(AwsCredentialsProvider credentials, String region) {
            return new Auth("sigv4", RequestAuth.sigV4(credentials, region));
        }
    }

    private final String baseUrl;
    private final Auth auth;
    private final String token;
    private final boolean local;
    private final boolean authEnforced;

    private Target(String baseUrl, Auth auth, String token, boolean local, boolean authEnforced) {
        this.baseUrl = baseUrl == null ? null : stripTrailingSlash(baseUrl);
        this.auth = auth;
        this.token = token;
        this.local = local;
        this.authEnforced = authEnforced;
    }

    /**
     * The target of this run, starting the local server on first use when that is the target. Skips the
     * calling test (a JUnit assumption) when the chosen target is not available.
     */
    static synchronized Target get() {
        if (unavailable != null) {
            throw unavailable;
        }
        if (current == null) {
            Target resolved;
            try {
                resolved = resolve(System::getProperty, System::getenv, Target::dockerRunning, Target::reachable);
            } catch (TestAbortedException e) {
                unavailable = e;
                throw e;
            }
            current = resolved.local ? startLocal(resolved) : resolved;
        }
        return current;
    }

    /** The base URL without a trailing slash; API paths such as {@code /v1/queues} are appended to it. */
    String baseUrl() {
        return baseUrl;
    }

    Auth auth() {
        return auth;
    }

    /** The bearer token, or null. */
    String token() {
        return token;
    }

    /** True when the suite started the embedded local server itself. */
    boolean local() {
        return local;
    }

    /**
     * True when the target refuses requests without valid credentials. LocalStack does not enforce IAM
     * by default, so its SigV4 signatures are sent but not checked.
     */
    boolean authEnforced() {
        return authEnforced;
    }

    /** Reads the choice from properties and the environment; {@code local} targets have no URL yet. */
    static Target resolve(
            Function<String, String> property,
            Function<String, String> env,
            BooleanSupplier dockerRunning,
            Function<URI, Boolean> reachable) {
        String baseUrl = blankToNull(property.apply(BASE_URL_PROPERTY));
        String token = blankToNull(property.apply(TOKEN_PROPERTY));
        String kind = blankToNull(property.apply(TARGET_PROPERTY));
        if (kind == null) {
            kind = baseUrl == null ? "local" : "url";
        }
        switch (kind) {
            case "local" -> {
                return new Target(null, token == null ? Auth.none() : Auth.bearer(token), token, true, token != null);
            }
            case "url" -> {
                if (baseUrl == null) {
                    throw new IllegalArgumentException(TARGET_PROPERTY + "=url needs " + BASE_URL_PROPERTY);
                }
                String auth = authKind(property, token, baseUrl);
                return new Target(
                        baseUrl, auth(auth, token, property, env, baseUrl), token, false, !auth.equals("none"));
            }
            case "localstack" -> {
                String url = baseUrl != null ? baseUrl : localStackUrl(property, env, dockerRunning, reachable);
                String auth = blankToNull(property.apply(AUTH_PROPERTY)) == null
                        ? "sigv4"
                        : property.apply(AUTH_PROPERTY).strip();
                // LocalStack takes any key; its own "test" key maps to its default account
                Auth requestAuth = auth.equals("sigv4")
                        ? Auth.sigV4(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                                region(property, env, url))
                        : auth(auth, token, property, env, url);
                return new Target(url, requestAuth, token, false, auth.equals("bearer"));
            }
            default ->
                throw new IllegalArgumentException(TARGET_PROPERTY + " must be local, url or localstack, not " + kind);
        }
    }

    private static String authKind(Function<String, String> property, String token, String baseUrl) {
        String chosen = blankToNull(property.apply(AUTH_PROPERTY));
        if (chosen != null) {
            return chosen;
        }
        if (token != null) {
            return "bearer";
        }
        return EXECUTE_API_HOST
                        .matcher(
                                URI.create(baseUrl).getHost() == null
                                        ? ""
                                        : URI.create(baseUrl).getHost())
                        .find()
                ? "sigv4"
                : "none";
    }

    private static Auth auth(
            String kind, String token, Function<String, String> property, Function<String, String> env, String url) {
        return switch (kind) {
            case "none" -> Auth.none();
            case "bearer" -> {
                if (token == null) {
                    throw new IllegalArgumentException(AUTH_PROPERTY + "=bearer needs " + TOKEN_PROPERTY);
                }
                yield Auth.bearer(token);
            }
            case "sigv4" -> Auth.sigV4(DefaultCredentialsProvider.builder().build(), region(property, env, url));
            default ->
                throw new IllegalArgumentException(AUTH_PROPERTY + " must be none, bearer or sigv4, not " + kind);
        };
    }

    /** {@code mq.region}, else the region in an execute-api host name, else the AWS environment, else us-east-1. */
    static String region(Function<String, String> property, Function<String, String> env, String url) {
        String configured = blankToNull(property.apply(REGION_PROPERTY));
        if (configured != null) {
            return configured;
        }
        Matcher host = EXECUTE_API_HOST.matcher(String.valueOf(URI.create(url).getHost()));
        if (host.find()) {
            return host.group(1);
        }
        for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            String value = blankToNull(env.apply(name));
            if (value != null) {
                return value;
            }
        }
        return "us-east-1";
    }

    /**
     * The deployed API on LocalStack, by the id in the CDK outputs file, in LocalStack's path form (no
     * DNS needed). Aborts the test with what is missing: Docker, the token, LocalStack, or the stack.
     */
    private static String localStackUrl(
            Function<String, String> property,
            Function<String, String> env,
            BooleanSupplier dockerRunning,
            Function<URI, Boolean> reachable) {
        List<String> missing = new ArrayList<>();
        if (blankToNull(env.apply("LOCALSTACK_AUTH_TOKEN")) == null) {
            missing.add("LOCALSTACK_AUTH_TOKEN is not set");
        }
        if (!dockerRunning.getAsBoolean()) {
            missing.add("Docker is not available (`docker info` failed)");
        }
        Assumptions.assumeTrue(
                missing.isEmpty(), () -> "LocalStack end-to-end tests skipped: " + String.join("; ", missing));
        String endpoint = stripTrailingSlash(
                property.apply(LOCALSTACK_ENDPOINT_PROPERTY) == null
                        ? DEFAULT_LOCALSTACK_ENDPOINT
                        : property.apply(LOCALSTACK_ENDPOINT_PROPERTY));
        Assumptions.assumeTrue(
                reachable.apply(URI.create(endpoint + "/_localstack/health")),
                "LocalStack end-to-end tests skipped: LocalStack does not answer at " + endpoint
                        + " (start it and deploy with localstack/deploy.sh)");
        String outputs = blankToNull(property.apply(OUTPUTS_PROPERTY));
        Path file = Path.of(outputs == null ? "cdk-outputs.json" : outputs);
        Assumptions.assumeTrue(
                Files.isRegularFile(file),
                "LocalStack end-to-end tests skipped: no deployment" + " outputs at " + file.toAbsolutePath()
                        + " (deploy with localstack/deploy.sh)");
        String apiId = apiId(file);
        return endpoint + "/restapis/" + apiId + "/" + STAGE + "/_user_request_";
    }

    /** The {@code ApiId} output of the one stack in a {@code cdk deploy --outputs-file} file. */
    static String apiId(Path outputsFile) {
        try {
            JsonNode outputs = ContractClient.JSON.readTree(Files.readString(outputsFile));
            for (Iterator<Map.Entry<String, JsonNode>> stacks = outputs.fields(); stacks.hasNext(); ) {
                JsonNode id = stacks.next().getValue().get("ApiId");
                if (id != null && !id.asText().isBlank()) {
                    return id.asText();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + outputsFile, e);
        }
        throw new IllegalStateException(outputsFile + " has no ApiId output: is it the mq stack's outputs file?");
    }

    private static Target startLocal(Target resolved) {
        LocalServer server;
        try {
            server = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
        } catch (Exception e) {
            throw new IllegalStateException("the local server did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mq-contract-local-server-stop"));
        return new Target(server.baseUrl().toString(), resolved.auth, resolved.token, true, resolved.authEnforced);
    }

    private static boolean dockerRunning() {
        try {
            Process docker = new ProcessBuilder("docker", "info")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return docker.waitFor(20, TimeUnit.SECONDS) && docker.exitValue() == 0;
        } catch (IOException e) {
            return false; // no docker command
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean reachable(URI uri) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(3))
                    .build()
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String stripTrailingSlash(String url) {
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
