package dev.mq.contract;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API's OpenAPI document ({@code docs/openapi.yaml}, which the local server's jar carries as
 * {@value #RESOURCE}) as a judge of requests and answers, through Vert.x's OpenAPI validator (OpenAPI 3.1,
 * JSON Schema 2020-12). Loading the document also checks it against the OpenAPI 3.1 schema.
 *
 * <p>An answer is always judged: against its operation's documented response for that status, or, for a
 * path or method the document does not have, against the error answers that may come before an
 * operation is found ({@code NotFound}, {@code MethodNotAllowed}, refused credentials...). A request is judged when the server accepted it (2xx): the suite sends
 * invalid requests on purpose to see them refused, and a refused request needs only its answer to
 * conform; an accepted one the document calls invalid means the two have drifted apart.
 */
final class ApiDocument {
    static final String RESOURCE = "mq/openapi.yaml";
    /**
     * What may answer a path or method the document does not have: the refusals of routing, and those that
     * come before routing (credentials, the size of the request, throttling by API Gateway).
     */
    private static final List<String> UNDOCUMENTED_PATH_ANSWERS =
            List.of("NotFound", "MethodNotAllowed", "Unauthorized", "Forbidden", "PayloadTooLarge", "Throttled");

    private static ApiDocument shared;

    private final OpenAPIContract contract;
    private final RequestValidator requests;
    private final ResponseValidator responses;
    private final Validator undocumentedPathAnswer;

    private ApiDocument(Vertx vertx, OpenAPIContract contract) {
        this.contract = contract;
        this.requests = RequestValidator.create(vertx, contract);
        this.responses = ResponseValidator.create(vertx, contract);
        JsonArray anyOf = new JsonArray();
        UNDOCUMENTED_PATH_ANSWERS.forEach(response -> anyOf.add(new JsonObject()
                .put("$ref", "#/components/responses/" + response + "/content/application~1json/schema")));
        // the document's components ride along, so the schemas' references resolve inside this one
        JsonObject components = contract.getRawContract().getJsonObject("components");
        this.undocumentedPathAnswer = Validator.create(
                JsonSchema.of(new JsonObject().put("anyOf", anyOf).put("components", components.copy())),
                new JsonSchemaOptions()
                        .setDraft(Draft.DRAFT202012)
                        .setBaseUri("app:///")
                        .setOutputFormat(OutputFormat.Basic));
    }

    /** Each documented operation as its method and path, e.g. {@code GET /v1/queues/{queue}}. */
    java.util.Set<String> operations() {
        java.util.Set<String> operations = new java.util.TreeSet<>();
        for (Operation operation : contract.operations()) {
            operations.add(operation.getHttpMethod().name() + " " + operation.getOpenAPIPath());
        }
        return operations;
    }

    /** The document the local server's jar carries, loaded once per run. */
    static synchronized ApiDocument shared() {
        if (shared == null) {
            shared = load();
        }
        return shared;
    }

    static ApiDocument load() {
        JsonObject document;
        try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        RESOURCE + " is not on the class path (the local module's jar carries it)");
            }
            Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            document = new JsonObject(yaml);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
        // validating needs no more than one thread of each kind
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        return new ApiDocument(vertx, OpenAPIContract.from(vertx, document).await());
    }

    /** One exchange as the suite saw it; {@code pathAndQuery} is below the base URL. Bodies may be null. */
    record Exchange(
            String method,
            String pathAndQuery,
            String requestBody,
            int status,
            Map<String, String> responseHeaders,
            String responseBody) {}

    /** What in the exchange the document does not allow; empty when it conforms. */
    List<String> problems(Exchange exchange) {
        List<String> problems = new ArrayList<>();
        int query = exchange.pathAndQuery().indexOf('?');
        String path =
                query < 0 ? exchange.pathAndQuery() : exchange.pathAndQuery().substring(0, query);
        Operation operation = findOperation(exchange.method(), path);
        if (operation == null) {
            judgeUndocumented(exchange, problems);
            return problems;
        }
        if (exchange.status() < 400) {
            judgeRequest(
                    operation,
                    exchange,
                    path,
                    query < 0 ? "" : exchange.pathAndQuery().substring(query + 1),
                    problems);
        }
        judgeResponse(operation, exchange, problems);
        return problems;
    }

    private Operation findOperation(String method, String path) {
        HttpMethod httpMethod = HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
        try {
            return contract.findOperation(path, httpMethod);
        } catch (RuntimeException noSuchPath) {
            return null;
        }
    }

    private void judgeUndocumented(Exchange exchange, List<String> problems) {
        if (exchange.status() < 400) {
            problems.add("answered " + exchange.status() + " to " + exchange.method() + " on a path the document"
                    + " does not have for that method");
            return;
        }
        OutputUnit result = undocumentedPathAnswer.validate(json(exchange.responseBody()));
        if (!Boolean.TRUE.equals(result.getValid())) {
            problems.add("the answer to an undocumented path or method is none of " + UNDOCUMENTED_PATH_ANSWERS + ": "
                    + describe(result));
        }
    }

    /**
     * Vert.x validates requests it has received itself; a request this suite sent is handed over through
     * the validator's own request classes (its {@code impl} package), as its public API has no other way in.
     */
    private void judgeRequest(
            Operation operation, Exchange exchange, String path, String query, List<String> problems) {
        RequestParameter body = exchange.requestBody() == null
                ? null
                : new RequestParameterImpl(Buffer.buffer(exchange.requestBody(), "UTF-8"));
        ValidatableRequestImpl request = new ValidatableRequestImpl(
                Map.of(),
                Map.of(),
                pathParameters(operation.getOpenAPIPath(), path),
                queryParameters(query),
                body,
                body == null ? null : "application/json");
        try {
            requests.validate(request, operation.getOperationId()).await();
        } catch (RuntimeException e) {
            problems.add("the request does not match operation " + operation.getOperationId()
                    + " of the document, yet the server accepted it: " + describe(e));
        }
    }

    private void judgeResponse(Operation operation, Exchange exchange, List<String> problems) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.responseHeaders());
        String body = exchange.responseBody();
        ValidatableResponse response = body == null || body.isEmpty()
                ? ValidatableResponse.create(exchange.status(), headers)
                : ValidatableResponse.create(
                        exchange.status(), headers, Buffer.buffer(body, "UTF-8"), contentType(headers));
        try {
            responses.validate(response, operation.getOperationId()).await();
        } catch (RuntimeException e) {
            problems.add("the answer does not match operation " + operation.getOperationId() + " of the document: "
                    + describe(e));
        }
    }

    private static String contentType(Map<String, String> headers) {
        String type = headers.getOrDefault("Content-Type", "");
        int parameters = type.indexOf(';');
        return (parameters < 0 ? type : type.substring(0, parameters)).strip();
    }

    /** The path's values for the template's {@code {name}} segments, percent-decoded as the server reads them. */
    private static Map<String, RequestParameter> pathParameters(String template, String path) {
        String[] names = template.split("/");
        String[] values = path.split("/");
        Map<String, RequestParameter> parameters = new HashMap<>();
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (names[i].startsWith("{") && names[i].endsWith("}")) {
                parameters.put(
                        names[i].substring(1, names[i].length() - 1), new RequestParameterImpl(decode(values[i])));
            }
        }
        return parameters;
    }

    private static Map<String, RequestParameter> queryParameters(String query) {
        Map<String, RequestParameter> parameters = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            parameters.put(name, new RequestParameterImpl(eq < 0 ? "" : decode(pair.substring(eq + 1))));
        }
        return parameters;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Object json(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return io.vertx.core.json.Json.decodeValue(text);
    }

    private static String describe(RuntimeException e) {
        Throwable cause = e;
        while (!(cause instanceof io.vertx.openapi.validation.ValidatorException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (cause instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null) {
            message += " " + describe(invalid.getOutputUnit());
        }
        return message;
    }

    private static String describe(OutputUnit unit) {
        List<String> errors = new ArrayList<>();
        collect(unit, errors);
        return errors.isEmpty() ? String.valueOf(unit.getError()) : String.join("; ", errors);
    }

    private static void collect(OutputUnit unit, List<String> into) {
        if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
            if (unit.getError() != null) {
                into.add(Optional.ofNullable(unit.getInstanceLocation()).orElse("") + ": " + unit.getError());
            }
            return;
        }
        unit.getErrors().forEach(e -> collect(e, into));
    }
}
