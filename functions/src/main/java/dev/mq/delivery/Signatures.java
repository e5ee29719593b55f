package dev.mq.delivery;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Signature} of an endpoint delivery: {@code sha256=} and the lowercase hex HMAC-SHA256 of
 * the raw request body, keyed with the subscription's secret (its UTF-8 bytes). A receiver computes the
 * same over the bytes it received and compares in constant time ({@link #verify}).
 */
public final class Signatures {
    public static final String HEADER = "X-Signature";
    private static final String PREFIX = "sha256=";

    private Signatures() {}

    /** The header value for {@code body} signed with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + hmacSha256Hex(secret.getBytes(StandardCharsets.UTF_8), body);
    }

    /** True when {@code header} is the signature of {@code body} with {@code secret}; constant time. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(
                sign(secret, body).getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }

    static String hmacSha256Hex(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
