package dev.mq.core;

import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque pagination tokens: the last key of a page, URL-safe. */
public final class Tokens {
    private Tokens() {}

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw QueueException.invalid("next is not a token this API issued");
        }
    }
}
