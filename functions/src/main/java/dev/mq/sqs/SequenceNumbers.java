package dev.mq.sqs;

/**
 * FIFO messages' {@code SequenceNumber}: the message id's first 14 hex digits (microseconds since the
 * epoch, increasing in send order) as a decimal, zero-padded to 20 digits as SQS's are.
 */
final class SequenceNumbers {
    private static final int TIME_DIGITS = 14;

    private SequenceNumbers() {}

    static String of(String messageId) {
        long micros;
        try {
            micros = Long.parseLong(messageId.substring(0, Math.min(TIME_DIGITS, messageId.length())), 16);
        } catch (NumberFormatException notOurs) {
            micros = 0;
        }
        return String.format("%020d", micros);
    }
}
