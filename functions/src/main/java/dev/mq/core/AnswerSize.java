package dev.mq.core;

import java.util.Map;

/**
 * A safe estimate of the bytes a message takes in an answer whose JSON may itself be carried as a JSON
 * string (a Lambda proxy response): its text escaped once in the API's body and again around it. Pages
 * and receives stop adding messages before the edge's limit ({@link QueueService.Settings#maxAnswerBytes}).
 */
final class AnswerSize {
    /** Room for the other fields of a message: ids, handle, times, names. */
    private static final long PER_MESSAGE = 1_024;

    private AnswerSize() {}

    static long of(StoredMessage m) {
        long size = PER_MESSAGE + of(m.body());
        for (Map.Entry<String, String> a : m.attributes().entrySet()) {
            size += of(a.getKey()) + of(a.getValue());
        }
        // a typed attribute's name again, and its type, in attributeTypes
        for (Map.Entry<String, String> t : m.attributeTypes().entrySet()) {
            size += of(t.getKey()) + of(t.getValue());
        }
        return size;
    }

    private static long of(String text) {
        long size = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                size += 7; // a control character becomes a six-character escape, then its backslash is escaped again
            } else if (c == '"' || c == '\\') {
                size += 4;
            } else if (c < 0x80) {
                size += 1;
            } else {
                size += 7; // at worst written as a six-character escape, escaped again
            }
        }
        return size;
    }
}
