package dev.mq.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.MessageDigests;
import dev.mq.core.MessageToSend;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.Names;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed message attributes as SQS has them ({@code DataType} {@code String}, {@code Number},
 * {@code Binary}, each with an optional {@code .custom} suffix), their validation, SQS's MD5 digests
 * that SDKs verify, and the one mapping to and from the core's attributes (a Binary value is its base64
 * text there; a type other than plain {@code String} goes in the core's attribute types).
 */
final class SqsMessageAttributes {
    static final int MAX_ATTRIBUTES = 10;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,256}");
    private static final Pattern TYPE = Pattern.compile("(String|Number|Binary)(\\.[^\\s]{1,250})?");

    /** One attribute's value: {@code binaryValue} is base64 text (as the JSON protocol carries it) or null. */
    record Value(String dataType, String stringValue, String binaryValue) {
        boolean binary() {
            return dataType.startsWith("Binary");
        }
    }

    private SqsMessageAttributes() {}

    /** Reads and checks an input's {@code MessageAttributes} member; an absent one is empty. */
    static Map<String, Value> parse(JsonNode attributes) {
        Map<String, Value> out = new LinkedHashMap<>();
        if (attributes == null || attributes.isNull()) {
            return out;
        }
        if (!attributes.isObject()) {
            throw SqsInput.invalid("MessageAttributes", "must be a map");
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw invalid("Number of message attributes [" + attributes.size() + "] exceeds the allowed maximum ["
                    + MAX_ATTRIBUTES + "].");
        }
        for (Map.Entry<String, JsonNode> e : attributes.properties()) {
            String name = e.getKey();
            checkName(name);
            JsonNode v = e.getValue();
            String type = v.isObject() ? SqsInput.optString(v, "DataType") : null;
            if (type == null || !TYPE.matcher(type).matches()) {
                throw invalid("The message attribute '" + Names.printable(name)
                        + "' must have a DataType of String, Number or Binary, optionally with a .suffix.");
            }
            String string = SqsInput.optString(v, "StringValue");
            String binary = SqsInput.optString(v, "BinaryValue");
            Value value = new Value(type, string, binary);
            if (value.binary() ? binary == null || string != null : string == null || binary != null) {
                throw invalid("The message attribute '" + Names.printable(name) + "' with type '"
                        + Names.printable(type) + "' must use field '" + (value.binary() ? "Binary" : "String") + "'.");
            }
            if (value.binary()) {
                decode(name, binary);
            } else if (type.startsWith("Number")) {
                checkNumber(name, string);
            }
            out.put(name, value);
        }
        return out;
    }

    private static void checkName(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (!NAME.matcher(name).matches()
                || name.startsWith(".")
                || name.endsWith(".")
                || name.contains("..")
                || lower.startsWith("aws.")
                || lower.startsWith("amazon.")) {
            throw invalid("The message attribute name '" + Names.printable(name) + "' is invalid.");
        }
    }

    private static void checkNumber(String name, String value) {
        try {
            new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw invalid(
                    "Can't cast the value of message (user) attribute '" + Names.printable(name) + "' to a number.");
        }
    }

    private static byte[] decode(String name, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw invalid("The binary value of the message attribute '" + Names.printable(name) + "' is not base64.");
        }
    }

    /** The message the core stores: values as text (a Binary one as its base64), types beside them. */
    static MessageToSend toSend(
            String body, Map<String, Value> attributes, Integer delaySeconds, String deduplicationId, String groupId) {
        return new MessageToSend(
                body, coreValues(attributes), delaySeconds, null, deduplicationId, groupId, coreTypes(attributes));
    }

    /** A received message's typed attributes. */
    static Map<String, Value> received(ReceivedMessage message) {
        return fromCore(message.attributes(), message.attributeTypes());
    }

    /** The core's attributes: each value as text, a Binary one as its base64. */
    static Map<String, String> coreValues(Map<String, Value> attributes) {
        Map<String, String> out = new LinkedHashMap<>();
        attributes.forEach((name, v) -> out.put(name, v.binary() ? v.binaryValue() : v.stringValue()));
        return out;
    }

    /** The core's attribute types: each attribute whose type is not plain {@code String}. */
    static Map<String, String> coreTypes(Map<String, Value> attributes) {
        Map<String, String> out = new LinkedHashMap<>();
        attributes.forEach((name, v) -> {
            if (!v.dataType().equals("String")) {
                out.put(name, v.dataType());
            }
        });
        return out;
    }

    /** The typed attributes of the core's values and types (a name missing from {@code types} is a String). */
    static Map<String, Value> fromCore(Map<String, String> values, Map<String, String> types) {
        Map<String, Value> out = new LinkedHashMap<>();
        if (values == null) {
            return out;
        }
        values.forEach((name, value) -> {
            String type = types == null ? null : types.get(name);
            Value v = type == null ? new Value("String", value, null) : typed(type, value);
            out.put(name, v);
        });
        return out;
    }

    private static Value typed(String type, String value) {
        return type.startsWith("Binary") ? new Value(type, null, value) : new Value(type, value, null);
    }

    /** The {@code MessageAttributes} member of an output. */
    static ObjectNode render(Map<String, Value> attributes, ObjectNode into) {
        attributes.forEach((name, v) -> {
            ObjectNode a = into.putObject(name);
            a.put("DataType", v.dataType());
            if (v.binary()) {
                a.put("BinaryValue", v.binaryValue());
            } else {
                a.put("StringValue", v.stringValue());
            }
        });
        return into;
    }

    /** SQS's {@code MD5OfMessageBody}. */
    static String md5OfBody(String body) {
        return MessageDigests.md5OfBody(body);
    }

    /** SQS's {@code MD5OfMessageAttributes}, null when there are none. */
    static String md5OfAttributes(Map<String, Value> attributes) {
        return MessageDigests.md5OfAttributes(coreValues(attributes), coreTypes(attributes));
    }

    /** What the attributes count towards a message's size, as SQS counts it: names, types and values. */
    static long size(Map<String, Value> attributes) {
        long size = 0;
        for (Map.Entry<String, Value> e : attributes.entrySet()) {
            Value v = e.getValue();
            size += utf8(e.getKey()) + utf8(v.dataType());
            size += v.binary() ? Base64.getDecoder().decode(v.binaryValue()).length : utf8(v.stringValue());
        }
        return size;
    }

    static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static SqsException invalid(String message) {
        return SqsErrors.fail(SqsErrors.invalidParameterValue(message));
    }
}
