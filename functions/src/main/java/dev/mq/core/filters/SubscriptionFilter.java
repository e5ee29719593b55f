package dev.mq.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.core.filters.FilterPolicy.Alternative;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.GenericMachine;

/**
 * A subscription's filter compiled into an event-ruler machine, once, to be matched against every
 * message the topic fans out; thread-safe.
 *
 * <p>Attribute values are strings, but SNS-style filters match them as numbers too: {@code {"n": [5]}}
 * and {@code numeric} match {@code "5"} and {@code "5.0"}, and never {@code "five"}. The rule engine
 * matches numbers only against JSON numbers, and {@code anything-but} is wrong on a value given both
 * ways at once, so a message's attributes are shown to it in two views ({@link FilterInput}): every value
 * as a string under {@code s}, and each one that reads as a decimal number as a number under {@code n}.
 * Conditions on numbers (numbers, {@code numeric}, {@code anything-but} numbers) look in {@code n}, all
 * others in {@code s}; a list that mixes the two becomes two alternatives of the rule, as either may match.
 * A body is matched as the JSON it is, with EventBridge's (and SNS's) rules for strings and numbers.
 */
public final class SubscriptionFilter {
    private static final String RULE = "match";
    private static final String STRINGS = FilterInput.STRINGS;
    private static final String NUMBERS = FilterInput.NUMBERS;

    private final String source;
    private final FilterScope scope;
    /** Null for an empty filter, which matches every message. */
    private final GenericMachine<String> machine;

    private SubscriptionFilter(String source, FilterScope scope, GenericMachine<String> machine) {
        this.source = source;
        this.scope = scope;
        this.machine = machine;
    }

    /** A request's filter; {@code InvalidRequest}, saying what is wrong, unless SNS takes it. */
    public static SubscriptionFilter compile(JsonNode filter, FilterScope scope) {
        return compile(filter, scope, true, filter == null ? null : filter.toString());
    }

    /**
     * A filter as it is stored with a subscription: checked when it was accepted, so SNS's limits are not
     * applied again (an older subscription may have been accepted under wider ones).
     */
    public static SubscriptionFilter compileStored(String filterJson, FilterScope scope) {
        return compile(dev.mq.model.Json.parseObject(filterJson), scope, false, filterJson);
    }

    private static SubscriptionFilter compile(JsonNode filter, FilterScope scope, boolean withLimits, String source) {
        List<Alternative> alternatives = FilterPolicy.read(filter, scope, withLimits);
        if (alternatives.isEmpty()) {
            return new SubscriptionFilter(source, scope, null);
        }
        GenericMachine<String> machine = new GenericMachine<>();
        try {
            if (scope == FilterScope.BODY) {
                machine.addRule(RULE, FilterPolicy.lowerBoundsFirst(filter).toString());
            } else {
                for (Alternative alternative : alternatives) {
                    for (ObjectNode rule : attributeRules(alternative)) {
                        machine.addRule(RULE, rule.toString());
                    }
                }
            }
        } catch (Exception e) { // what the check above let through and the engine still refuses
            throw QueueException.invalid("filter: " + Names.printable(firstLine(e.getMessage())));
        }
        return new SubscriptionFilter(source, scope, machine);
    }

    /** Whether the message passes: every named key matches one of its conditions (on one path through {@code $or}). */
    public boolean matches(FilterInput message) {
        if (machine == null) {
            return true;
        }
        JsonNode event = scope == FilterScope.BODY ? message.bodyEvent() : message.attributesEvent();
        return event != null && !machine.rulesForJSONEvent(event).isEmpty();
    }

    /** True when this was compiled from the same filter text and scope, so it can stand for them. */
    public boolean compiledFrom(String filterJson, FilterScope scope) {
        return this.scope == scope && source.equals(filterJson);
    }

    /** The filter as stored with the subscription: its JSON text. */
    public String json() {
        return source;
    }

    /** One alternative as rules over the two views; a key whose list mixes strings and numbers doubles them. */
    private static List<ObjectNode> attributeRules(Alternative alternative) {
        List<ObjectNode> rules = new ArrayList<>(List.of(JsonNodeFactory.instance.objectNode()));
        for (Map.Entry<List<String>, ArrayNode> entry : alternative.conditions().entrySet()) {
            String name = entry.getKey().get(0);
            ArrayNode strings = JsonNodeFactory.instance.arrayNode();
            ArrayNode numbers = JsonNodeFactory.instance.arrayNode();
            for (JsonNode condition : FilterPolicy.lowerBoundsFirst(entry.getValue())) {
                (onNumbers(condition) ? numbers : strings).add(condition);
            }
            List<ObjectNode> next = new ArrayList<>();
            for (ObjectNode rule : rules) {
                if (!strings.isEmpty()) {
                    next.add(with(rule, STRINGS, name, strings));
                }
                if (!numbers.isEmpty()) {
                    next.add(with(rule, NUMBERS, name, numbers));
                }
            }
            rules = next;
        }
        return rules;
    }

    private static ObjectNode with(ObjectNode rule, String view, String name, ArrayNode conditions) {
        ObjectNode copy = rule.deepCopy();
        copy.withObjectProperty(view).set(name, conditions);
        return copy;
    }

    /** Conditions the engine matches against JSON numbers only. */
    private static boolean onNumbers(JsonNode condition) {
        if (condition.isNumber() || condition.has("numeric")) {
            return true;
        }
        JsonNode anythingBut = condition.get("anything-but");
        return anythingBut != null
                && (anythingBut.isNumber()
                        || (anythingBut.isArray() && anythingBut.get(0).isNumber()));
    }

    private static String firstLine(String message) {
        return message == null
                ? "the rule engine refused it"
                : message.lines().findFirst().orElse(message);
    }
}
