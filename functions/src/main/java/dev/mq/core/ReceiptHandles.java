package dev.mq.core;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Receipt handles name queue, incarnation, message and lease token, and carry an HMAC so a handle that
 * was altered or made up is refused before it reaches the store. The handle is URL-safe, so it can
 * stand in a path.
 */
public final class ReceiptHandles {
    private static final String VERSION = "1";
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public ReceiptHandles(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the receipt key must hold at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public record Receipt(String queue, MessageKey key, String leaseToken) {}

    public String issue(String queue, MessageKey message, String leaseToken) {
        String payload = String.join(
                "|",
                VERSION,
                queue,
                message.incarnation(),
                Integer.toString(message.shard()),
                message.position(),
                leaseToken);
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
    }

    /** Opens a handle presented to {@code queue}; anything not issued by that queue is InvalidReceiptHandle. */
    public Receipt open(String queue, String handle) {
        try {
            int dot = handle.indexOf('.');
            if (dot < 0 || handle.length() > 1024) {
                throw invalid();
            }
            byte[] payload = DECODER.decode(handle.substring(0, dot));
            byte[] presented = DECODER.decode(handle.substring(dot + 1));
            if (!MessageDigest.isEqual(presented, mac(payload))) {
                throw invalid();
            }
            // Base64 lets the last character of a segment vary in bits it drops: only the one spelling
            // this class issues is accepted, so no changed handle works, not even an equivalent one.
            if (!handle.equals(ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(presented))) {
                throw invalid();
            }
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 6 || !VERSION.equals(parts[0]) || !parts[1].equals(queue)) {
                throw invalid();
            }
            return new Receipt(parts[1], new MessageKey(parts[2], Integer.parseInt(parts[3]), parts[4]), parts[5]);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    public static QueueException invalid() {
        return new QueueException(ErrorCode.INVALID_RECEIPT_HANDLE, "the receipt handle was not issued by this queue");
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(payload), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
