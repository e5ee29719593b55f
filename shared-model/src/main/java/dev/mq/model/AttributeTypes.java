package dev.mq.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place for the rules of typed message attributes, as SQS states them. A message's
 * {@code attributes} hold every value as text (a {@code Binary} value is the base64 text of its bytes);
 * its {@code attributeTypes} name the SQS data type of each attribute whose type is not plain
 * {@code String}: {@code String}, {@code Number} or {@code Binary}, optionally followed by {@code .} and a
 * custom label ({@code Number.int}, {@code Binary.jpeg}), 256 characters at most.
 */
public final class AttributeTypes {
    public static final String STRING = "String";
    public static final String NUMBER = "Number";
    public static final String BINARY = "Binary";
    public static final int MAX_TYPE_LENGTH = 256;

    private static final Pattern TYPE = Pattern.compile("(String|Number|Binary)(\\.[A-Za-z0-9_.-]+)?");
    /** SQS: up to 38 significant digits, from -10^128 to 10^126. */
    private static final int MAX_NUMBER_DIGITS = 38;

    private static final BigDecimal MIN_NUMBER = BigDecimal.TEN.pow(128).negate();
    private static final BigDecimal MAX_NUMBER = BigDecimal.TEN.pow(126);

    private AttributeTypes() {}

    /**
     * The types of {@code attributes} as the core keeps them: {@code types} checked against the values
     * they type, with entries of plain {@code String} left out (that is what an untyped attribute is).
     *
     * @throws QueueException {@code InvalidRequest} naming the attribute, when a type is not an SQS data
     *     type, names no attribute of the message, or its value is not of the type
     */
    public static Map<String, String> checked(Map<String, String> attributes, Map<String, String> types) {
        if (types == null || types.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new HashMap<>();
        types.forEach((name, type) -> {
            if (!attributes.containsKey(name)) {
                throw QueueException.invalid("attributeTypes names '" + Names.printable(name)
                        + "', which is not an attribute of the message");
            }
            if (type == null
                    || type.length() > MAX_TYPE_LENGTH
                    || !TYPE.matcher(type).matches()) {
                throw QueueException.invalid("attribute " + name + " has the type '"
                        + Names.printable(String.valueOf(type))
                        + "': use String, Number or Binary, optionally followed by . and a label of"
                        + " A-Z a-z 0-9 _ . - (256 characters in all)");
            }
            String value = attributes.get(name);
            switch (baseType(type)) {
                case NUMBER -> requireNumber(name, value);
                case BINARY -> requireBase64(name, value);
                default -> {}
            }
            if (!STRING.equals(type)) {
                kept.put(name, type);
            }
        });
        return Map.copyOf(kept);
    }

    /** {@code String}, {@code Number} or {@code Binary}: the type without its custom label. */
    public static String baseType(String type) {
        int dot = type.indexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    /** The type of attribute {@code name}: its entry in {@code types}, else {@code String}. */
    public static String typeOf(String name, Map<String, String> types) {
        return types.getOrDefault(name, STRING);
    }

    /**
     * What the types add to a message's size, as SQS counts it (name, type and value of every attribute):
     * the UTF-8 length of each type given, the implicit {@code String} counting nothing, so untyped
     * messages measure as before.
     */
    public static long sizeOf(Map<String, String> types) {
        long size = 0;
        for (String type : types.values()) {
            size += type.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static void requireNumber(String name, String value) {
        BigDecimal number;
        try {
            number = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw QueueException.invalid(
                    "attribute " + name + " is of type Number, and '" + Names.printable(value) + "' is not a number");
        }
        if (number.signum() != 0 && number.stripTrailingZeros().precision() > MAX_NUMBER_DIGITS) {
            throw QueueException.invalid("attribute " + name + " is of type Number, which holds at most "
                    + MAX_NUMBER_DIGITS + " significant digits");
        }
        if (number.compareTo(MIN_NUMBER) < 0 || number.compareTo(MAX_NUMBER) > 0) {
            throw QueueException.invalid(
                    "attribute " + name + " is of type Number, which lies between -10^128 and 10^126");
        }
    }

    private static void requireBase64(String name, String value) {
        try {
            Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw QueueException.invalid(
                    "attribute " + name + " is of type Binary, and its value must be the base64 text of its bytes");
        }
    }
}
