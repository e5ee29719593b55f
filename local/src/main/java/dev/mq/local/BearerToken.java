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
    private static final String SIGV4 = "AWS4-HMAC-SHA256 ";
    private static final String CREDENTIAL = "Credential=";

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

    /**
     * Whether an {@code Authorization} header is an AWS Signature Version 4 one (as SQS SDKs send) whose
     * access key id is this token. The signature itself is not checked: the server knows no secret key; the
     * access key id stands for the token, as the bearer header does.
     */
    boolean acceptsSigV4(String authorization) {
        if (authorization == null || !authorization.startsWith(SIGV4)) {
            return false;
        }
        int credential = authorization.indexOf(CREDENTIAL);
        if (credential < 0) {
            return false;
        }
        int start = credential + CREDENTIAL.length();
        int end = authorization.indexOf('/', start);
        return end > start && MessageDigest.isEqual(digest, sha256(authorization.substring(start, end)));
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
