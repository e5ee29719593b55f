package dev.mq.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads members of an action's input (the JSON protocol's shape) with SQS's errors: a missing required
 * member is {@code MissingParameter}, a member of the wrong type or out of range {@code
 * InvalidParameterValue}. Members the action does not know are ignored, as SQS does.
 */
final class SqsInput {
    private SqsInput() {}

    static String requiredString(ObjectNode input, String name) {
        String value = optString(input, name);
        if (value == null) {
            throw SqsErrors.fail(SqsErrors.missingParameter(name));
        }
        return value;
    }

    static String optString(JsonNode input, String name) {
        JsonNode node = input.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(name, "must be a string");
        }
        return node.textValue();
    }

    /** An integer member within {@code min..max}; SDKs send numbers, the query protocol's translation may send text. */
    static Integer optInt(JsonNode input, String name, int min, int max) {
        JsonNode node = input.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isTextual() && node.textValue().matches("-?\\d{1,18}")) {
            value = Long.parseLong(node.textValue());
        } else {
            throw invalid(name, "must be an integer");
        }
        if (value < min || value > max) {
            throw invalid(name, "must be between " + min + " and " + max);
        }
        return (int) value;
    }

    static List<String> stringList(JsonNode input, String name) {
        JsonNode node = input.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(name, "must be a list of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw invalid(name, "must be a list of strings");
            }
            values.add(item.textValue());
        }
        return values;
    }

    /** A map of string to string ({@code Attributes}, {@code Tags}), in the order given. */
    static Map<String, String> stringMap(JsonNode input, String name) {
        JsonNode node = input.get(name);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(name, "must be a map of strings");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw invalid(name + "." + e.getKey(), "must be a string");
            }
            values.put(e.getKey(), e.getValue().textValue());
        }
        return values;
    }

    /** A batch's entries: 1..10 objects. */
    static List<ObjectNode> entries(ObjectNode input, String name) {
        JsonNode node = input.get(name);
        if (node == null || node.isNull()) {
            throw SqsErrors.fail(SqsErrors.emptyBatch());
        }
        if (!node.isArray()) {
            throw invalid(name, "must be a list");
        }
        if (node.isEmpty()) {
            throw SqsErrors.fail(SqsErrors.emptyBatch());
        }
        if (node.size() > 10) {
            throw SqsErrors.fail(SqsErrors.tooManyEntries(node.size()));
        }
        List<ObjectNode> entries = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!(item instanceof ObjectNode entry)) {
                throw invalid(name, "must be a list of objects");
            }
            entries.add(entry);
        }
        return entries;
    }

    static SqsException invalid(String name, String problem) {
        return SqsErrors.fail(
                SqsErrors.invalidParameterValue("Value for parameter " + name + " is invalid: " + problem + "."));
    }
}
