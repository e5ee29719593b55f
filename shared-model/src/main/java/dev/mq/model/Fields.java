package dev.mq.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict readers for the fields of a request object: a wrong type, an out-of-range value or an
 * unknown field is {@code InvalidRequest} with a message naming the field. JSON {@code null} reads
 * as absent.
 */
public final class Fields {
    private Fields() {}

    public static void onlyKnown(ObjectNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw QueueException.invalid("unknown field '" + Names.printable(name) + "'; allowed: "
                        + known.stream().sorted().toList());
            }
        }
    }

    public static boolean present(ObjectNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    public static Integer optInt(ObjectNode node, String name, int min, int max) {
        if (!present(node, name)) {
            return null;
        }
        JsonNode value = node.get(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw QueueException.invalid(name + " must be an integer from " + min + " to " + max);
        }
        return value.intValue();
    }

    public static Boolean optBoolean(ObjectNode node, String name) {
        if (!present(node, name)) {
            return null;
        }
        JsonNode value = node.get(name);
        if (!value.isBoolean()) {
            throw QueueException.invalid(name + " must be true or false");
        }
        return value.booleanValue();
    }

    public static String optString(ObjectNode node, String name) {
        if (!present(node, name)) {
            return null;
        }
        JsonNode value = node.get(name);
        if (!value.isTextual()) {
            throw QueueException.invalid(name + " must be a string");
        }
        return value.textValue();
    }

    public static String requireString(ObjectNode node, String name) {
        String value = optString(node, name);
        if (value == null) {
            throw QueueException.invalid(name + " is required");
        }
        return value;
    }

    public static Map<String, String> optStringMap(ObjectNode node, String name) {
        if (!present(node, name)) {
            return Map.of();
        }
        JsonNode value = node.get(name);
        if (!value.isObject()) {
            throw QueueException.invalid(name + " must be an object of string values");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw QueueException.invalid(name + "." + Names.printable(e.getKey()) + " must be a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    /** An array field of 1..max items; an empty or oversized list gets its own error code. */
    public static List<JsonNode> requireBatch(ObjectNode node, String name, int max) {
        if (!present(node, name)) {
            throw QueueException.invalid(name + " is required");
        }
        JsonNode value = node.get(name);
        if (!value.isArray()) {
            throw QueueException.invalid(name + " must be an array");
        }
        if (value.isEmpty()) {
            throw new QueueException(ErrorCode.EMPTY_BATCH, name + " must hold at least one entry");
        }
        if (value.size() > max) {
            throw new QueueException(
                    ErrorCode.TOO_MANY_ENTRIES,
                    name + " holds " + value.size() + " entries; at most " + max + " are allowed");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /** True when the string holds a lone UTF-16 surrogate, which has no UTF-8 encoding. */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
