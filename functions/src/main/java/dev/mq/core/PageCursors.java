package dev.mq.core;

import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Page cursors, the opaque {@code next} of a listing or browse page: the last key of a page, URL-safe.
 * A cursor is checked before it reaches the store, so one the API never issued is a client mistake
 * (400), not a back-end failure. (A token is something else: the lease token of a receive, see
 * {@link StoredMessage}.)
 */
public final class PageCursors {
    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{14}-[0-9a-f]{8}");

    private PageCursors() {}

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The last queue name of a listing page, which must lie within the listing's prefix. */
    public static String decodeQueueName(String cursor, String prefix) {
        String name = decode(cursor);
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
    public static String decodeName(String cursor) {
        String name = decode(cursor);
        try {
            return Names.requirePlainName("next", name);
        } catch (QueueException e) {
            throw notIssued();
        }
    }

    /** The last message id of a browse page. */
    public static String decodeMessageId(String cursor) {
        String id = decode(cursor);
        if (!MESSAGE_ID.matcher(id).matches()) {
            throw notIssued();
        }
        return id;
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notIssued();
        }
    }

    private static QueueException notIssued() {
        return QueueException.invalid("next is not a token this API issued");
    }
}
