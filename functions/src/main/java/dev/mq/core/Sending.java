package dev.mq.core;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sending: validation against the queue's settings, delays (a delayed standard message is parked until
 * due), deduplication, FIFO order of writes, batches, and the copies topics put into queues.
 */
final class Sending {
    private final QueueStore store;
    private final QueueCatalog catalog;
    private final MessageIds ids;
    private final MessageSignal signal;
    private final ParkedSchedule parkedSchedule;

    Sending(
            QueueStore store,
            QueueCatalog catalog,
            MessageIds ids,
            MessageSignal signal,
            ParkedSchedule parkedSchedule) {
        this.store = store;
        this.catalog = catalog;
        this.ids = ids;
        this.signal = signal;
        this.parkedSchedule = parkedSchedule;
    }

    /**
     * Sends each message; in a batch ({@code batch}), a message refused by validation or by the store
     * gets its error as its outcome and the others are still sent, while a single message's refusal is
     * thrown. Outcomes are in the order given. A FIFO queue's messages are written one by one in that
     * order, and a store failure fails every later one, so a retry can never put a group's messages out
     * of order.
     */
    List<SendOutcome> send(String queue, List<MessageToSend> messages, boolean batch) {
        QueueConfig config = catalog.requireQueue(queue);
        Instant now = catalog.now();
        SendOutcome[] results = new SendOutcome[messages.size()];
        List<StoredMessage> batched = new ArrayList<>();
        List<Integer> batchedAt = new ArrayList<>();
        QueueException storeFailure = null;
        for (int i = 0; i < messages.size(); i++) {
            try {
                if (storeFailure != null) {
                    throw storeFailure;
                }
                StoredMessage message = prepare(config, messages.get(i), now);
                if (message.key().isParked()) {
                    parkedSchedule.parked(config.incarnation(), message.key().shard(), message.visibleAt());
                }
                if (config.fifo() || message.deduplicationId() != null) {
                    try {
                        results[i] = write(config, message, now);
                    } catch (QueueException e) {
                        if (config.fifo()) {
                            storeFailure = e;
                        }
                        throw e;
                    }
                } else {
                    batched.add(message);
                    batchedAt.add(i);
                    results[i] = SendOutcome.sent(message.messageId(), false);
                }
            } catch (QueueException e) {
                if (!batch) {
                    throw e; // a single message's refusal is the answer itself
                }
                results[i] = SendOutcome.refused(e);
            }
        }
        writeBatch(batched, batchedAt, results, batch);
        signal.wake(config.incarnation(), results.length);
        return List.of(results);
    }

    private SendOutcome write(QueueConfig config, StoredMessage message, Instant now) {
        if (message.deduplicationId() == null) {
            store.put(message);
            return SendOutcome.sent(message.messageId(), false);
        }
        Instant window = now.plusSeconds(config.attributes().deduplicationWindowSeconds());
        Optional<String> first = store.putDeduplicated(message, message.deduplicationId(), window, now);
        return SendOutcome.sent(first.orElse(message.messageId()), first.isPresent());
    }

    /** Standard messages without deduplication go in one batch write; what it could not store is failed. */
    private void writeBatch(
            List<StoredMessage> messages, List<Integer> positions, SendOutcome[] results, boolean batch) {
        if (messages.isEmpty()) {
            return;
        }
        Set<String> unwritten;
        QueueException failure;
        try {
            unwritten = store.putAll(messages);
            failure = new QueueException(ErrorCode.THROTTLED, "the store is busy; send this message again");
        } catch (QueueException e) {
            unwritten = messages.stream().map(StoredMessage::messageId).collect(Collectors.toSet());
            failure = e;
        }
        if (unwritten.isEmpty()) {
            return;
        }
        if (!batch) {
            throw failure;
        }
        for (int k = 0; k < messages.size(); k++) {
            if (unwritten.contains(messages.get(k).messageId())) {
                results[positions.get(k)] = SendOutcome.refused(failure);
            }
        }
    }

    private StoredMessage prepare(QueueConfig config, MessageToSend request, Instant now) {
        QueueAttributes attributes = config.attributes();
        if (config.fifo()) {
            if (request.groupId() == null) {
                throw QueueException.invalid("groupId is required on a FIFO queue");
            }
            if (request.delaySeconds() != null || request.deliverAt() != null) {
                throw QueueException.invalid(
                        "a FIFO queue refuses per-message delaySeconds and deliverAt; its queue delaySeconds applies");
            }
        } else if (request.groupId() != null) {
            throw QueueException.invalid("groupId is only allowed on FIFO queues");
        }
        request.requireSizeAtMost(attributes.maxMessageBytes(), "this queue");
        Instant visibleAt;
        if (request.deliverAt() != null) {
            if (request.deliverAt().isAfter(now.plusSeconds(attributes.messageRetentionSeconds()))) {
                throw QueueException.invalid("deliverAt is beyond this queue's retention period of "
                        + attributes.messageRetentionSeconds() + " seconds");
            }
            visibleAt = request.deliverAt().isBefore(now) ? now : request.deliverAt();
        } else {
            int delay = request.delaySeconds() != null ? request.delaySeconds() : attributes.delaySeconds();
            visibleAt = now.plusSeconds(delay);
        }
        String dedupId = request.deduplicationId();
        if (dedupId == null && attributes.contentBasedDeduplication()) {
            dedupId = sha256Hex(request.body());
        }
        String messageId = ids.next(now);
        int shard = config.shardFor(request.groupId());
        // a delayed standard message is parked until due, so no receive reads it before
        MessageKey key = !config.fifo() && visibleAt.isAfter(now)
                ? MessageKey.parked(config.incarnation(), shard, visibleAt, messageId)
                : new MessageKey(config.incarnation(), shard, messageId);
        // Retention counts from when the message becomes deliverable, so a scheduled message is never
        // due and expired at once.
        return StoredMessage.sent(
                        key,
                        messageId,
                        request.body(),
                        request.attributes(),
                        now,
                        visibleAt,
                        visibleAt.plusSeconds(attributes.messageRetentionSeconds()))
                .inGroup(request.groupId())
                .deduplicatedBy(dedupId)
                .typed(request.attributeTypes());
    }

    /**
     * Puts a copy of a topic message into a standard queue, once: {@code copyKey} names the copy (message
     * and subscription), and a second call with it within {@code window} writes nothing. The copy is
     * known by {@code messageId}, the published message's id, in every queue it reaches.
     */
    void deliverCopy(
            String queue,
            String messageId,
            String body,
            Map<String, String> attributes,
            Map<String, String> attributeTypes,
            String copyKey,
            Duration window) {
        QueueConfig config = catalog.requireQueue(queue);
        Instant now = catalog.now();
        MessageKey key = new MessageKey(config.incarnation(), config.shardFor(null), ids.next(now));
        StoredMessage copy = StoredMessage.sent(
                        key,
                        messageId,
                        body,
                        Map.copyOf(attributes),
                        now,
                        now,
                        now.plusSeconds(config.attributes().messageRetentionSeconds()))
                .typed(Map.copyOf(attributeTypes));
        store.putDeduplicated(copy, copyKey, now.plus(window), now);
        signal.wake(config.incarnation(), 1);
    }

    static String sha256Hex(String body) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
