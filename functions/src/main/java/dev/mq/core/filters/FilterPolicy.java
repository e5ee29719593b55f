package dev.mq.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.event.ruler.CIDR;

/**
 * An SNS filter policy, read and checked: what SNS refuses is {@code InvalidRequest} with the place of
 * the mistake ({@code filter.price[0]: ...}).
 *
 * <p>The syntax is SNS's: a list of conditions per key, any of which may match (a string, a number, or
 * one of {@code prefix}, {@code suffix}, {@code equals-ignore-case}, {@code anything-but} with values,
 * {@code prefix} or {@code suffix}, {@code numeric}, {@code exists}, {@code cidr}), {@code $or} with two or
 * more alternatives, and nested keys in the body scope only. EventBridge's further operators (such as
 * {@code wildcard}, or {@code equals-ignore-case} inside {@code prefix}) are refused, as SNS refuses them.
 *
 * <p>SNS's documented limits that are checked: at most {@value #MAX_KEYS} keys (every key for attributes;
 * in the body scope only top-level keys count), at most {@value #MAX_COMBINATIONS} combinations (the
 * product of the lengths of the lists, summed over the alternatives of {@code $or}), numbers from -10^9 to
 * 10^9, and at most 256 KB of JSON. Not checked: SNS's five digits of accuracy after the decimal point
 * (matching compares doubles, which are more precise) and its per-account count of filter policies.
 */
final class FilterPolicy {
    static final int MAX_KEYS = 5;
    static final int MAX_COMBINATIONS = 150;
    static final int MAX_BYTES = 256 * 1024;
    static final BigDecimal MAX_NUMBER = new BigDecimal("1e9");

    private static final String OR = "$or";
    private static final String OPERATORS = "prefix, suffix, equals-ignore-case, anything-but, numeric, exists, cidr";
    private static final Set<String> LOWER = Set.of(">", ">=");
    private static final Set<String> UPPER = Set.of("<", "<=");

    /** One way through the policy's {@code $or}s: each key path, from the top, with its list of conditions. */
    record Alternative(Map<List<String>, ArrayNode> conditions) {}

    private final FilterScope scope;
    private final boolean withLimits;
    private final Set<String> topLevelKeys = new HashSet<>();

    private FilterPolicy(FilterScope scope, boolean withLimits) {
        this.scope = scope;
        this.withLimits = withLimits;
    }

    /**
     * The policy's alternatives (one when it has no {@code $or}; none when it is empty and so matches
     * everything). {@code withLimits} false reads a policy stored before the limits were SNS's, so that a
     * subscription that was accepted keeps working.
     */
    static List<Alternative> read(JsonNode filter, FilterScope scope, boolean withLimits) {
        if (filter == null || !filter.isObject()) {
            throw QueueException.invalid("filter must be an object of names to lists of conditions");
        }
        if (withLimits && filter.toString().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw QueueException.invalid("a filter is at most 256 KB of JSON");
        }
        FilterPolicy policy = new FilterPolicy(scope, withLimits);
        if (filter.isEmpty()) {
            return List.of();
        }
        List<Alternative> alternatives = policy.object(filter, List.of(), "filter");
        if (withLimits && policy.topLevelKeys.size() > MAX_KEYS) {
            throw QueueException.invalid("a filter names at most " + MAX_KEYS + " keys"
                    + (scope == FilterScope.BODY ? " at its top level" : "") + "; this one names "
                    + policy.topLevelKeys.size());
        }
        long combinations = combinations(alternatives);
        if (withLimits && combinations > MAX_COMBINATIONS) {
            throw QueueException.invalid("a filter has at most " + MAX_COMBINATIONS + " combinations of values (the"
                    + " product of the lengths of its lists, summed over $or); this one has " + combinations);
        }
        return alternatives;
    }

    /** The policy with each two-bound {@code numeric} written lower bound first, as the rule engine reads it. */
    static JsonNode lowerBoundsFirst(JsonNode node) {
        if (node.isArray() || node.isObject()) {
            JsonNode copy = node.deepCopy();
            reorderBounds(copy);
            return copy;
        }
        return node;
    }

    private static void reorderBounds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode numeric = object.get("numeric");
            if (object.size() == 1
                    && numeric instanceof ArrayNode bounds
                    && bounds.size() == 4
                    && UPPER.contains(bounds.get(0).asText())) {
                ArrayNode swapped = bounds.arrayNode()
                        .add(bounds.get(2))
                        .add(bounds.get(3))
                        .add(bounds.get(0))
                        .add(bounds.get(1));
                object.set("numeric", swapped);
                return;
            }
        }
        node.forEach(FilterPolicy::reorderBounds);
    }

    private List<Alternative> object(JsonNode node, List<String> path, String where) {
        List<Alternative> alternatives = List.of(new Alternative(Map.of()));
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            String here = where + "." + Names.printable(name);
            if (name.equals(OR)) {
                alternatives = both(alternatives, or(value, path, here), here);
                continue;
            }
            List<String> keyPath = new ArrayList<>(path);
            keyPath.add(name);
            if (path.isEmpty()) {
                topLevelKeys.add(name);
            }
            if (value.isArray()) {
                conditions(value, here);
                alternatives = both(
                        alternatives, List.of(new Alternative(Map.of(List.copyOf(keyPath), (ArrayNode) value))), here);
            } else if (value.isObject() && scope == FilterScope.BODY) {
                if (value.isEmpty()) {
                    throw QueueException.invalid(here + " must not be an empty object");
                }
                alternatives = both(alternatives, object(value, keyPath, here), here);
            } else if (value.isObject()) {
                throw QueueException.invalid(here + ": message attributes are flat, so their filter takes no nested"
                        + " keys (nested keys match a JSON body: filterScope \"body\")");
            } else {
                throw QueueException.invalid(here + " must be a non-empty list of conditions");
            }
        }
        return alternatives;
    }

    private List<Alternative> or(JsonNode value, List<String> path, String where) {
        if (!value.isArray() || value.size() < 2) {
            throw QueueException.invalid(where + " takes a list of two or more filter objects");
        }
        List<Alternative> branches = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode branch = value.get(i);
            String here = where + "[" + i + "]";
            if (!branch.isObject() || branch.isEmpty()) {
                throw QueueException.invalid(here + " must be a non-empty filter object");
            }
            branches.addAll(object(branch, path, here));
            requireFewAlternatives(branches.size(), where);
        }
        return branches;
    }

    /** Each alternative of the left with each of the right: both must hold. */
    private static List<Alternative> both(List<Alternative> left, List<Alternative> right, String where) {
        requireFewAlternatives((long) left.size() * right.size(), where);
        List<Alternative> all = new ArrayList<>();
        for (Alternative l : left) {
            for (Alternative r : right) {
                Map<List<String>, ArrayNode> merged = new LinkedHashMap<>(l.conditions());
                for (Map.Entry<List<String>, ArrayNode> entry : r.conditions().entrySet()) {
                    if (merged.putIfAbsent(entry.getKey(), entry.getValue()) != null) {
                        throw QueueException.invalid(where + ": " + Names.printable(String.join(".", entry.getKey()))
                                + " is named twice on one path through $or; list its conditions once");
                    }
                }
                all.add(new Alternative(Map.copyOf(merged)));
            }
        }
        return all;
    }

    /** Each alternative counts at least one combination, so more than the limit are refused before they are built. */
    private static void requireFewAlternatives(long count, String where) {
        if (count > MAX_COMBINATIONS) {
            throw QueueException.invalid(
                    where + ": a filter has at most " + MAX_COMBINATIONS + " combinations of values");
        }
    }

    private static long combinations(List<Alternative> alternatives) {
        long sum = 0;
        for (Alternative alternative : alternatives) {
            long product = 1;
            for (ArrayNode list : alternative.conditions().values()) {
                product = Math.min(product * list.size(), Integer.MAX_VALUE);
            }
            sum = Math.min(sum + product, Integer.MAX_VALUE);
        }
        return sum;
    }

    private void conditions(JsonNode list, String where) {
        if (list.isEmpty()) {
            throw QueueException.invalid(where + " must be a non-empty list of conditions");
        }
        for (int i = 0; i < list.size(); i++) {
            condition(list.get(i), where + "[" + i + "]");
        }
    }

    private void condition(JsonNode item, String where) {
        if (item.isTextual()) {
            return;
        }
        if (item.isNumber()) {
            number(item, where);
            return;
        }
        if (item.isBoolean() || item.isNull()) {
            if (scope == FilterScope.ATTRIBUTES) {
                throw QueueException.invalid(where + ": attribute values are strings, so " + item
                        + " never matches; write \"" + item + "\" to match that text");
            }
            return;
        }
        if (!item.isObject() || item.size() != 1) {
            throw QueueException.invalid(
                    where + ": a condition is a string, a number, or an object with one of " + OPERATORS);
        }
        Map.Entry<String, JsonNode> only = item.fields().next();
        String operator = only.getKey();
        JsonNode arg = only.getValue();
        switch (operator) {
            case "prefix", "suffix" -> nonEmptyString(arg, where + ": " + operator);
            case "equals-ignore-case" -> {
                if (!arg.isTextual()) {
                    throw QueueException.invalid(where + ": equals-ignore-case takes a string");
                }
            }
            case "anything-but" -> anythingBut(arg, where);
            case "numeric" -> numeric(arg, where);
            case "exists" -> {
                if (!arg.isBoolean()) {
                    throw QueueException.invalid(where + ": exists takes true or false");
                }
            }
            case "cidr" -> cidr(arg, where);
            default ->
                throw QueueException.invalid(
                        where + ": unknown condition '" + Names.printable(operator) + "'; use one of " + OPERATORS);
        }
    }

    private static void nonEmptyString(JsonNode arg, String what) {
        if (!arg.isTextual() || arg.textValue().isEmpty()) {
            throw QueueException.invalid(what + " takes a non-empty string");
        }
    }

    private void anythingBut(JsonNode arg, String where) {
        String usage = where + ": anything-but takes a string, a number, a non-empty list of strings or of numbers,"
                + " or {\"prefix\": \"...\"} or {\"suffix\": \"...\"}";
        if (arg.isTextual()) {
            return;
        }
        if (arg.isNumber()) {
            number(arg, where);
            return;
        }
        if (arg.isArray() && !arg.isEmpty()) {
            boolean strings = arg.get(0).isTextual();
            for (JsonNode value : arg) {
                if (strings ? !value.isTextual() : !value.isNumber()) {
                    throw QueueException.invalid(usage);
                }
                if (!strings) {
                    number(value, where);
                }
            }
            return;
        }
        if (arg.isObject() && arg.size() == 1 && (arg.has("prefix") || arg.has("suffix"))) {
            String operator = arg.fieldNames().next();
            nonEmptyString(arg.get(operator), where + ": anything-but " + operator);
            return;
        }
        throw QueueException.invalid(usage);
    }

    private void numeric(JsonNode arg, String where) {
        String usage = where + ": numeric takes one or two operator/number pairs, e.g. [\">=\", 10, \"<\", 100];"
                + " operators are =, <, <=, >, >=";
        if (!arg.isArray() || (arg.size() != 2 && arg.size() != 4)) {
            throw QueueException.invalid(usage);
        }
        Map<String, BigDecimal> bounds = new HashMap<>();
        List<String> operators = new ArrayList<>();
        for (int i = 0; i < arg.size(); i += 2) {
            JsonNode operator = arg.get(i);
            JsonNode operand = arg.get(i + 1);
            if (!operator.isTextual()
                    || !Set.of("=", "<", "<=", ">", ">=").contains(operator.textValue())
                    || !operand.isNumber()) {
                throw QueueException.invalid(usage);
            }
            operators.add(operator.textValue());
            bounds.put(LOWER.contains(operator.textValue()) ? "lower" : "upper", number(operand, where));
        }
        if (operators.size() == 2) {
            boolean oneOfEach =
                    LOWER.contains(operators.get(0)) != LOWER.contains(operators.get(1)) && !operators.contains("=");
            if (!oneOfEach) {
                throw QueueException.invalid(
                        where + ": two numeric bounds must be one lower (> or >=) and one upper" + " (< or <=)");
            }
            if (bounds.get("lower").compareTo(bounds.get("upper")) >= 0) {
                throw QueueException.invalid(where + ": numeric's lower bound must be below its upper bound");
            }
        }
    }

    private BigDecimal number(JsonNode value, String where) {
        BigDecimal number;
        try {
            number = value.decimalValue();
        } catch (NumberFormatException e) { // a double too large for its type: Infinity
            throw QueueException.invalid(where + ": numbers in a filter range from -1000000000 to 1000000000");
        }
        if (withLimits && number.abs().compareTo(MAX_NUMBER) > 0) {
            throw QueueException.invalid(where + ": numbers in a filter range from -1000000000 to 1000000000");
        }
        return number;
    }

    private static void cidr(JsonNode arg, String where) {
        String usage = where + ": cidr takes an IPv4 or IPv6 address range, e.g. \"10.0.0.0/24\"";
        if (!arg.isTextual()) {
            throw QueueException.invalid(usage);
        }
        try {
            CIDR.cidr(arg.textValue());
        } catch (RuntimeException e) {
            throw QueueException.invalid(usage);
        }
    }
}
