package dev.mq.core;

import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Opaque pagination tokens: the last key of a page, URL-safe. A token is checked before it reaches the
 * store, so one the API never issued is a client mistake (400), not a back-end failure.
 */
public final class Tokens {
    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{14}-[0-9a-f]{8}");

    private Tokens() {}

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The last queue name of a listing page, which must lie within the listing's prefix. */
    public static String decodeQueueName(String token, String prefix) {
        String name = decode(token);
        try {
            Names.requireQueueName(name);
        } catch (QueueException e) {
            throw notIssued();
        }
        if (!name.startsWith(prefix)) {
            throw QueueException.invalid("next belongs to a listing with another prefix");
        }
        return name;
    }

    /** The last topic or subscription name of a listing page. */
    public static String decodeName(String token) {
        String name = decode(token);
        try {
            return Names.requirePlainName("next", name);
        } catch (QueueException e) {
            throw notIssued();
        }
    }

    /** The last message id of a browse page. */
    public static String decodeMessageId(String token) {
        String id = decode(token);
        if (!MESSAGE_ID.matcher(id).matches()) {
            throw notIssued();
        }
        return id;
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notIssued();
        }
    }

    private static QueueException notIssued() {
        return QueueException.invalid("next is not a token this API issued");
    }
}
