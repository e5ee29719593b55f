package dev.mq.core.filters;

import dev.mq.model.QueueException;

/**
 * What a subscription's filter is matched against: the message attributes (the default) or the
 * message body read as JSON; SNS's {@code FilterPolicyScope} {@code MessageAttributes} and
 * {@code MessageBody}.
 */
public enum FilterScope {
    ATTRIBUTES("attributes"),
    BODY("body");

    private final String wireName;

    FilterScope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The scope a request names; none is {@link #ATTRIBUTES}. {@code InvalidRequest} for any other name. */
    public static FilterScope fromWire(String name) {
        if (name == null) {
            return ATTRIBUTES;
        }
        for (FilterScope scope : values()) {
            if (scope.wireName.equals(name)) {
                return scope;
            }
        }
        throw QueueException.invalid("filterScope must be \"attributes\" or \"body\"");
    }
}
