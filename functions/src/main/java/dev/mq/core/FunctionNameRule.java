package dev.mq.core;

import dev.mq.model.QueueException;

/**
 * Which Lambda functions a consumer may name: those whose name starts with {@code prefix}. A deployment
 * lets its push function invoke only such functions (an IAM grant on {@code function:<prefix>*}), so a
 * consumer naming any other function could never be invoked; it is refused when it is made instead.
 *
 * @param prefix the start every consumer function's name must have; empty allows every name
 */
public record FunctionNameRule(String prefix) {
    /** Any function name: where no grant limits what push delivery may invoke (tests). */
    public static final FunctionNameRule ANY = new FunctionNameRule("");

    public FunctionNameRule {
        prefix = prefix == null ? "" : prefix;
    }

    /**
     * Refuses, with {@code InvalidRequest} stating the rule, a function ARN whose function name does not
     * start with the prefix. The ARN's shape is checked where the consumer is read; this reads its name,
     * the part after {@code function:} ({@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]}).
     */
    public void check(String functionArn) {
        if (prefix.isEmpty()) {
            return;
        }
        String[] parts = functionArn.split(":", -1);
        String name = parts.length >= 7 ? parts[6] : "";
        if (!name.startsWith(prefix)) {
            throw QueueException.invalid("this deployment invokes only functions whose name starts with \"" + prefix
                    + "\"; name the consumer's function " + prefix + "<something>, e.g. " + prefix + name);
        }
    }
}
