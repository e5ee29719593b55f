package dev.mq.core;

import dev.mq.model.Fields;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * SQS's rules for a queue's tags: at most {@value #MAX_TAGS} per queue, keys of 1 to
 * {@value #MAX_KEY_LENGTH} characters, case-sensitive, none starting with {@code aws:} (reserved, in any
 * case), values of 0 to {@value #MAX_VALUE_LENGTH} characters. A tag given again replaces the value.
 */
final class QueueTags {
    static final int MAX_TAGS = 50;
    static final int MAX_KEY_LENGTH = 128;
    static final int MAX_VALUE_LENGTH = 256;

    private QueueTags() {}

    /** {@code current} with {@code added} set over it, checked; a sorted copy. */
    static Map<String, String> with(String queue, Map<String, String> current, Map<String, String> added) {
        if (added == null) {
            throw QueueException.invalid("tags are required");
        }
        added.forEach(QueueTags::check);
        Map<String, String> tags = new TreeMap<>(current);
        tags.putAll(added);
        if (tags.size() > MAX_TAGS) {
            throw QueueException.invalid(
                    "queue " + queue + " would have " + tags.size() + " tags; at most " + MAX_TAGS + " are allowed");
        }
        return tags;
    }

    /** {@code current} without the tags of {@code keys}; a key it does not hold is no mistake. */
    static Map<String, String> without(Map<String, String> current, Collection<String> keys) {
        if (keys == null) {
            throw QueueException.invalid("tag keys are required");
        }
        keys.forEach(QueueTags::checkKey);
        Map<String, String> tags = new TreeMap<>(current);
        keys.forEach(tags::remove);
        return tags;
    }

    private static void check(String key, String value) {
        checkKey(key);
        if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
            throw QueueException.invalid("tag key '" + Names.printable(key) + "' starts with aws:, which is reserved");
        }
        if (value == null || value.length() > MAX_VALUE_LENGTH || Fields.hasLoneSurrogate(value)) {
            throw QueueException.invalid(
                    "the value of tag '" + Names.printable(key) + "' must be 0 to " + MAX_VALUE_LENGTH + " characters");
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || Fields.hasLoneSurrogate(key)) {
            throw QueueException.invalid(
                    "a tag key must be 1 to " + MAX_KEY_LENGTH + " characters, not '" + Names.printable(key) + "'");
        }
    }
}
