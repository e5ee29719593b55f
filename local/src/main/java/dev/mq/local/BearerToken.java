package dev.mq.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The shared secret every request must present as {@code Authorization: Bearer <token>}. Only a digest of
 * the token is kept, and a presented header is compared digest to digest in constant time, so neither
 * the content nor the length of the token shows in response times. {@link #toString()} never reveals it.
 */
final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;

    BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the token must not be blank");
        }
        this.digest = sha256(token);
    }

    /** Whether an {@code Authorization} header value (null when absent) carries this token. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length())));
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
