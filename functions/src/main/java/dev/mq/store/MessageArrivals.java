package dev.mq.store;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the messages table's stream (Lambda's event model) for what push delivery wakes on: a message
 * item written or changed so that it is visible now (a send, a lease given back early). Leases taken
 * (visible later), acks (removals), lease notes and dedup records wake nothing; delayed messages and
 * leases that run out are found by the sweep, since no write marks the moment they come due.
 */
public final class MessageArrivals {
    private MessageArrivals() {}

    /** The queue incarnations that {@code records} show a message becoming visible in, by {@code now}. */
    public static Set<String> visibleIn(List<DynamodbEvent.DynamodbStreamRecord> records, Instant now) {
        Set<String> incarnations = new LinkedHashSet<>();
        if (records == null) {
            return incarnations;
        }
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            String name = record.getEventName();
            if (record.getDynamodb() == null || !("INSERT".equals(name) || "MODIFY".equals(name))) {
                continue;
            }
            String incarnation = visibleMessage(record.getDynamodb().getNewImage(), now);
            if (incarnation != null) {
                incarnations.add(incarnation);
            }
        }
        return incarnations;
    }

    /** The incarnation of the message in {@code image} when it is visible by {@code now}; else null. */
    private static String visibleMessage(Map<String, AttributeValue> image, Instant now) {
        if (image == null || !image.containsKey("body")) {
            return null; // lease notes and dedup records carry no body
        }
        AttributeValue pk = image.get("pk");
        AttributeValue visibleAt = image.get("visibleAt");
        if (pk == null || pk.getS() == null || visibleAt == null || visibleAt.getN() == null) {
            return null;
        }
        // <incarnation>#<shard> or <incarnation>#<shard>#p (MessageItems)
        String[] parts = pk.getS().split("#", -1);
        if (parts.length < 2 || parts.length > 3 || !parts[1].chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseLong(visibleAt.getN()) <= now.toEpochMilli() ? parts[0] : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
