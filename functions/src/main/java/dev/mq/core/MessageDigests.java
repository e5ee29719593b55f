package dev.mq.core;

import dev.mq.model.AttributeTypes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SQS's digests of a message, as SQS answers them and its SDKs check them: {@code MD5OfMessageBody} and
 * {@code MD5OfMessageAttributes}, in lower-case hex.
 */
public final class MessageDigests {
    private static final byte STRING_TRANSPORT = 1;
    private static final byte BINARY_TRANSPORT = 2;

    private MessageDigests() {}

    /** The MD5 of the body's UTF-8 bytes. */
    public static String md5OfBody(String body) {
        return md5Hex(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The MD5 of the message attributes, or null when there are none: over the attributes sorted by name,
     * each name, data type and value length-prefixed (4 bytes, big-endian), the value after its transport
     * type, 1 for {@code String} and {@code Number} (the value's UTF-8 bytes), 2 for {@code Binary} (the
     * bytes the base64 value stands for).
     *
     * @param types the type of each attribute not of plain {@code String} (see {@link AttributeTypes})
     */
    public static String md5OfAttributes(Map<String, String> attributes, Map<String, String> types) {
        if (attributes == null || attributes.isEmpty()) {
            return null;
        }
        Map<String, String> typed = types == null ? Map.of() : types;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TreeMap<>(attributes).forEach((name, value) -> {
            String type = AttributeTypes.typeOf(name, typed);
            lengthPrefixed(bytes, name.getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(bytes, type.getBytes(StandardCharsets.UTF_8));
            if (AttributeTypes.BINARY.equals(AttributeTypes.baseType(type))) {
                bytes.write(BINARY_TRANSPORT);
                lengthPrefixed(bytes, Base64.getDecoder().decode(value));
            } else {
                bytes.write(STRING_TRANSPORT);
                lengthPrefixed(bytes, value.getBytes(StandardCharsets.UTF_8));
            }
        });
        return md5Hex(bytes.toByteArray());
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }

    private static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is unavailable", e);
        }
    }
}
