package dev.mq.local;

import com.sun.net.httpserver.HttpExchange;
import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body the way API Gateway admits it: at most {@link #MAX_BYTES} (API Gateway's payload
 * limit), and, as the API speaks JSON only, valid UTF-8. A body over the limit is refused from its
 * {@code Content-Length} without being read, and a body without one is read no further than the limit,
 * so an oversized request costs at most that much memory.
 */
final class RequestBodies {
    /** 10 MiB, API Gateway's limit for a REST API request. */
    static final int MAX_BYTES = 10 * 1024 * 1024;

    private RequestBodies() {}

    /** The body as text, or null when there is none (as API Gateway passes it). */
    static String read(HttpExchange exchange) throws IOException {
        refuseDeclaredOversize(exchange.getRequestHeaders().getFirst("Content-Length"));
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge();
        }
        return bytes.length == 0 ? null : utf8(bytes);
    }

    private static void refuseDeclaredOversize(String contentLength) {
        if (contentLength == null) {
            return;
        }
        try {
            if (Long.parseLong(contentLength.strip()) > MAX_BYTES) {
                throw tooLarge();
            }
        } catch (NumberFormatException e) {
            // the HTTP server itself answers a malformed length; nothing to add here
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw QueueException.invalid("request body is not valid UTF-8");
        }
    }

    private static QueueException tooLarge() {
        return new QueueException(
                ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + MAX_BYTES + " bytes (10 MiB)");
    }
}
