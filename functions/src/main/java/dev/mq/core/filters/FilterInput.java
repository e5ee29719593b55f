package dev.mq.core.filters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.model.AttributeTypes;
import dev.mq.model.Json;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One message as the filters see it, built once for all of a topic's subscriptions and only in the
 * views some filter asks for: the attributes (see {@link SubscriptionFilter} for their two views), and
 * the body read as a JSON object. Not thread-safe; one fan-out uses it.
 */
public final class FilterInput {
    static final String STRINGS = "s";
    static final String NUMBERS = "n";
    /** Longer values are not read as numbers: no decimal anyone means is this long. */
    private static final int MAX_NUMBER_LENGTH = 64;

    private final String body;
    private final Map<String, String> attributes;
    private ObjectNode attributesEvent;
    private JsonNode bodyEvent;
    private boolean bodyRead;

    public FilterInput(String body, Map<String, String> attributes) {
        this(body, attributes, Map.of());
    }

    /**
     * As SNS, filters compare only {@code String} and {@code Number} attributes: a {@code Binary} one is
     * left out, as if the message did not carry it.
     */
    public FilterInput(String body, Map<String, String> attributes, Map<String, String> attributeTypes) {
        this.body = body;
        Map<String, String> matchable = new HashMap<>(attributes);
        attributeTypes.forEach((name, type) -> {
            if (AttributeTypes.BINARY.equals(AttributeTypes.baseType(type))) {
                matchable.remove(name);
            }
        });
        this.attributes = matchable;
    }

    /** {@code {"s": {name: value}, "n": {name: number}}}, the latter for each value that reads as a decimal. */
    ObjectNode attributesEvent() {
        if (attributesEvent == null) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            ObjectNode strings = event.putObject(STRINGS);
            ObjectNode numbers = event.putObject(NUMBERS);
            attributes.forEach((name, value) -> {
                strings.put(name, value);
                Double number = number(value);
                if (number != null) {
                    numbers.put(name, number);
                }
            });
            attributesEvent = event;
        }
        return attributesEvent;
    }

    /**
     * The body when it is a JSON object; null otherwise, and a body-scoped filter then never matches. It is
     * read as strictly as a request is (no duplicate names, at most {@link Json#MAX_NESTING_DEPTH} levels).
     */
    JsonNode bodyEvent() {
        if (!bodyRead) {
            bodyRead = true;
            try {
                JsonNode node = body == null ? null : Json.MAPPER.readTree(body);
                bodyEvent = node != null && node.isObject() ? node : null;
            } catch (JsonProcessingException e) {
                bodyEvent = null;
            }
        }
        return bodyEvent;
    }

    /**
     * The value as a number, or null when it is not a decimal (words, empty, NaN). The rule engine compares
     * doubles, so the value is given as the nearest one; one beyond a double's range is no number to it.
     */
    static Double number(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_NUMBER_LENGTH) {
            return null;
        }
        try {
            double number = new BigDecimal(value.strip()).doubleValue();
            return Double.isFinite(number) ? number : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
