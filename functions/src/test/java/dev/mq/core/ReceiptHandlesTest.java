package dev.mq.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import org.junit.jupiter.api.Test;

/** Receipt handles are tamper-evident: every altered handle is refused, even one that decodes the same. */
class ReceiptHandlesTest {
    final ReceiptHandles handles = new ReceiptHandles("0123456789abcdef0123456789abcdef".getBytes());
    final MessageKey key = new MessageKey("inc-1", 1, "0661-abc");

    @Test
    void anIssuedHandle_opensToWhatItNames() {
        ReceiptHandles.Receipt receipt = handles.open("orders", handles.issue("orders", key, "lease-1"));
        assertThat(receipt.key()).isEqualTo(key);
        assertThat(receipt.leaseToken()).isEqualTo("lease-1");
    }

    @Test
    void everySingleCharacterChange_isRefused() {
        String handle = handles.issue("orders", key, "lease-1");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.";
        int tried = 0;
        for (int i = 0; i < handle.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == handle.charAt(i)) {
                    continue;
                }
                String changed = handle.substring(0, i) + c + handle.substring(i + 1);
                assertThatThrownBy(() -> handles.open("orders", changed))
                        .as(changed)
                        .isInstanceOfSatisfying(
                                QueueException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RECEIPT_HANDLE));
                tried++;
            }
        }
        assertThat(tried).isGreaterThan(1000);
    }

    @Test
    void paddedOrOtherQueuesHandles_areRefused() {
        String handle = handles.issue("orders", key, "lease-1");
        assertThatThrownBy(() -> handles.open("orders", handle + "=")).isInstanceOf(QueueException.class);
        assertThatThrownBy(() -> handles.open("payments", handle)).isInstanceOf(QueueException.class);
        assertThatThrownBy(
                        () -> new ReceiptHandles("another-key-of-32-bytes-00000000".getBytes()).open("orders", handle))
                .isInstanceOf(QueueException.class);
    }
}
