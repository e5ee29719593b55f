package dev.mq.store;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.mq.core.TopicMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the topic log's stream images (Lambda's event model) back into published messages. */
public final class TopicLogRecords {
    private TopicLogRecords() {}

    /** The message in a new image, or empty for the log's other items (deduplication records). */
    public static Optional<TopicMessage> fromImage(Map<String, AttributeValue> image) {
        if (image == null
                || image.get("sk") == null
                || !DynamoDbTopicStore.MESSAGE_SK.equals(image.get("sk").getS())) {
            return Optional.empty();
        }
        Map<String, String> attributes = new HashMap<>();
        if (image.get("attrs") != null && image.get("attrs").getM() != null) {
            image.get("attrs").getM().forEach((k, v) -> attributes.put(k, v.getS()));
        }
        Map<String, String> attributeTypes = new HashMap<>();
        if (image.get("atypes") != null && image.get("atypes").getM() != null) {
            image.get("atypes").getM().forEach((k, v) -> attributeTypes.put(k, v.getS()));
        }
        return Optional.of(new TopicMessage(
                image.get("topic").getS(),
                image.get("tinc").getS(),
                image.get("mid").getS(),
                image.get("body").getS(),
                Map.copyOf(attributes),
                Instant.ofEpochMilli(Long.parseLong(image.get("publishedAt").getN())),
                Map.copyOf(attributeTypes)));
    }
}
