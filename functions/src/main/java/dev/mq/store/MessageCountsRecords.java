package dev.mq.store;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads the messages table's stream records (Lambda's event model) into what {@link MessageCounts} counts. */
public final class MessageCountsRecords {
    private MessageCountsRecords() {}

    /** The attributes the counter reads; a body is only looked for, never kept. */
    private static final Set<String> STRINGS = Set.of("pk", "sk");

    private static final Set<String> NUMBERS = Set.of("v", "rc", "visibleAt");

    public static MessageCounts.Change change(DynamodbEvent.DynamodbStreamRecord record) {
        return new MessageCounts.Change(
                record.getDynamodb().getSequenceNumber(),
                image(record.getDynamodb().getOldImage()),
                image(record.getDynamodb().getNewImage()));
    }

    private static Map<String, AttributeValue> image(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        if (image == null) {
            return null;
        }
        Map<String, AttributeValue> kept = new HashMap<>();
        image.forEach((name, value) -> {
            if (STRINGS.contains(name) && value.getS() != null) {
                kept.put(name, AttributeValue.fromS(value.getS()));
            } else if (NUMBERS.contains(name) && value.getN() != null) {
                kept.put(name, AttributeValue.fromN(value.getN()));
            } else if ("body".equals(name)) {
                kept.put(name, AttributeValue.fromS(""));
            }
        });
        return kept;
    }
}
