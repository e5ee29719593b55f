package dev.mq.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subscription's filter on message attributes, SNS-style:
 * {@code {"type": ["order", "refund"], "region": [{"prefix": "eu-"}], "vip": [{"exists": true}],
 * "tier": [{"anything-but": ["free"]}], "price": [{"numeric": [">=", 10, "<", 100]}]}}.
 *
 * <p>Every named attribute must match; within one attribute any listed condition may. A missing
 * attribute matches only {@code {"exists": false}}. Attribute values are strings: {@code numeric} (and a
 * bare number in the list) matches values that parse as decimal numbers and never any other.
 */
public final class Filter {
    public static final int MAX_ATTRIBUTES = 10;
    public static final int MAX_CONDITIONS = 150;
    private static final Set<String> NUMERIC_OPERATORS = Set.of("=", "<", "<=", ">", ">=");

    private final Map<String, List<Condition>> conditions;

    private Filter(Map<String, List<Condition>> conditions) {
        this.conditions = conditions;
    }

    /** One way a single attribute may match. */
    private sealed interface Condition {
        boolean matches(String value); // null: the attribute is missing
    }

    private record Exact(String expected) implements Condition {
        public boolean matches(String value) {
            return expected.equals(value);
        }
    }

    private record Prefix(String prefix) implements Condition {
        public boolean matches(String value) {
            return value != null && value.startsWith(prefix);
        }
    }

    private record Exists(boolean present) implements Condition {
        public boolean matches(String value) {
            return (value != null) == present;
        }
    }

    private record AnythingBut(Set<String> excluded) implements Condition {
        public boolean matches(String value) {
            return value != null && !excluded.contains(value);
        }
    }

    /** Each bound is an operator and a number; the value must satisfy all of them. */
    private record Numeric(List<String> operators, List<BigDecimal> operands) implements Condition {
        public boolean matches(String value) {
            BigDecimal number = decimal(value);
            if (number == null) {
                return false;
            }
            for (int i = 0; i < operators.size(); i++) {
                int c = number.compareTo(operands.get(i));
                boolean ok = switch (operators.get(i)) {
                    case "=" -> c == 0;
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }

    public boolean matches(Map<String, String> attributes) {
        for (Map.Entry<String, List<Condition>> entry : conditions.entrySet()) {
            String value = attributes.get(entry.getKey());
            if (entry.getValue().stream().noneMatch(c -> c.matches(value))) {
                return false;
            }
        }
        return true;
    }

    /** Reads a filter, answering {@code InvalidRequest} with the place of any mistake. */
    public static Filter parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw QueueException.invalid("filter must be an object of attribute names to lists of conditions");
        }
        if (node.size() > MAX_ATTRIBUTES) {
            throw QueueException.invalid("a filter names at most " + MAX_ATTRIBUTES + " attributes");
        }
        Map<String, List<Condition>> conditions = new LinkedHashMap<>();
        int total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String where = "filter." + Names.printable(field.getKey());
            if (!field.getValue().isArray() || field.getValue().isEmpty()) {
                throw QueueException.invalid(where + " must be a non-empty list of conditions");
            }
            List<Condition> list = new ArrayList<>();
            for (JsonNode item : field.getValue()) {
                list.add(condition(item, where));
            }
            total += list.size();
            conditions.put(field.getKey(), List.copyOf(list));
        }
        if (total > MAX_CONDITIONS) {
            throw QueueException.invalid("a filter holds at most " + MAX_CONDITIONS + " conditions");
        }
        return new Filter(conditions);
    }

    private static Condition condition(JsonNode item, String where) {
        if (item.isTextual()) {
            return new Exact(item.textValue());
        }
        if (item.isNumber()) {
            return new Numeric(List.of("="), List.of(item.decimalValue()));
        }
        if (!item.isObject() || item.size() != 1) {
            throw QueueException.invalid(where + ": a condition is a string, a number, or an object with one of"
                    + " prefix, exists, anything-but, numeric");
        }
        Map.Entry<String, JsonNode> only = item.fields().next();
        JsonNode arg = only.getValue();
        return switch (only.getKey()) {
            case "prefix" -> {
                if (!arg.isTextual() || arg.textValue().isEmpty()) {
                    throw QueueException.invalid(where + ": prefix takes a non-empty string");
                }
                yield new Prefix(arg.textValue());
            }
            case "exists" -> {
                if (!arg.isBoolean()) {
                    throw QueueException.invalid(where + ": exists takes true or false");
                }
                yield new Exists(arg.booleanValue());
            }
            case "anything-but" -> new AnythingBut(excluded(arg, where));
            case "numeric" -> numeric(arg, where);
            default -> throw QueueException.invalid(where + ": unknown condition '" + Names.printable(only.getKey())
                    + "'; use prefix, exists, anything-but or numeric");
        };
    }

    private static Set<String> excluded(JsonNode arg, String where) {
        if (arg.isTextual()) {
            return Set.of(arg.textValue());
        }
        if (arg.isArray() && !arg.isEmpty()) {
            List<String> values = new ArrayList<>();
            for (JsonNode v : arg) {
                if (!v.isTextual()) {
                    throw QueueException.invalid(where + ": anything-but takes strings");
                }
                values.add(v.textValue());
            }
            return Set.copyOf(values);
        }
        throw QueueException.invalid(where + ": anything-but takes a string or a non-empty list of strings");
    }

    private static Numeric numeric(JsonNode arg, String where) {
        String usage = where + ": numeric takes one or two operator/number pairs, e.g. [\">=\", 10, \"<\", 100]";
        if (!arg.isArray() || (arg.size() != 2 && arg.size() != 4)) {
            throw QueueException.invalid(usage);
        }
        List<String> operators = new ArrayList<>();
        List<BigDecimal> operands = new ArrayList<>();
        for (int i = 0; i < arg.size(); i += 2) {
            JsonNode op = arg.get(i);
            JsonNode number = arg.get(i + 1);
            if (!op.isTextual() || !NUMERIC_OPERATORS.contains(op.textValue()) || !number.isNumber()) {
                throw QueueException.invalid(usage);
            }
            operators.add(op.textValue());
            operands.add(number.decimalValue());
        }
        if (operators.size() == 2 && (operators.contains("=") || isLower(operators.get(0)) == isLower(operators.get(1)))) {
            throw QueueException.invalid(where + ": two numeric bounds must be one lower (> or >=) and one upper (< or <=)");
        }
        return new Numeric(List.copyOf(operators), List.copyOf(operands));
    }

    private static boolean isLower(String operator) {
        return operator.startsWith(">");
    }

    /** The value as a decimal number, or null when it is not one (NaN, words, empty). */
    private static BigDecimal decimal(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return null;
        }
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
