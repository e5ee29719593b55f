package dev.mq.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.model.Json;
import dev.mq.model.Names;
import java.util.Map;

/**
 * SQS's AWS JSON 1.0 protocol, as current SDKs speak it: the action in {@code X-Amz-Target:
 * AmazonSQS.<Action>}, input and output as JSON objects, and errors as {@code {"__type":
 * "com.amazonaws.sqs#<Shape>", "message": ...}} with the query protocol's code in the
 * {@code x-amzn-query-error} header ({@code <code>;Sender}), from which SDKs of this query-compatible
 * service read the error code.
 */
public final class JsonProtocol implements SqsProtocol {
    public static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    public static final String TARGET_PREFIX = "AmazonSQS.";
    static final String ERROR_NAMESPACE = "com.amazonaws.sqs#";

    /** Whether a request speaks this protocol, by its {@code X-Amz-Target} and {@code Content-Type} headers. */
    public static boolean speaks(String target, String contentType) {
        return target != null || (contentType != null && contentType.startsWith("application/x-amz-json"));
    }

    @Override
    public SqsCall read(String target, String body) {
        if (target == null || !target.startsWith(TARGET_PREFIX) || target.length() == TARGET_PREFIX.length()) {
            throw SqsErrors.fail(
                    SqsErrors.invalidAction("the header X-Amz-Target must name an action as AmazonSQS.<Action>, not '"
                            + Names.printable(target) + "'"));
        }
        return new SqsCall(target.substring(TARGET_PREFIX.length()), object(body));
    }

    private static ObjectNode object(String body) {
        if (body == null || body.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw SqsErrors.fail(
                    SqsErrors.invalidParameterValue("the request body is not valid JSON: " + e.getOriginalMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw SqsErrors.fail(SqsErrors.invalidParameterValue("the request body must be a JSON object"));
        }
        return object;
    }

    @Override
    public SqsAnswer answer(String action, ObjectNode output, String requestId) {
        return new SqsAnswer(200, CONTENT_TYPE, Map.of("x-amzn-RequestId", requestId), Json.write(output));
    }

    @Override
    public SqsAnswer error(SqsError error, String requestId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("__type", ERROR_NAMESPACE + error.shape());
        body.put("message", error.message());
        return new SqsAnswer(
                error.status(),
                CONTENT_TYPE,
                Map.of(
                        "x-amzn-RequestId",
                        requestId,
                        "x-amzn-query-error",
                        error.queryCode() + ";" + (error.sender() ? "Sender" : "Receiver")),
                Json.write(body));
    }
}
