package dev.mq.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The answers of the API, as written on the wire. Times are ISO-8601 UTC strings. */
public final class Responses {
    private Responses() {}

    /**
     * {@code stats} is present on GET only; {@code tags} when the queue has any. {@code modifiedAt} is when
     * the attributes last changed ({@code createdAt} until they do).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueueDescription(
            String name,
            boolean fifo,
            String createdAt,
            String modifiedAt,
            QueueAttributes attributes,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> tags,
            QueueStats stats) {}

    public record QueueStats(long visible, long inFlight, long delayed, long oldestMessageAgeSeconds) {}

    public record QueueSummary(String name, boolean fifo, String createdAt) {}

    public record QueueList(List<QueueSummary> queues, String next) {}

    /** A sent message ({@code messageId}, {@code duplicate}) or, in a batch, a refused entry ({@code error}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SendResult(String messageId, Boolean duplicate, ErrorBody.Detail error) {
        public static SendResult sent(String messageId, boolean duplicate) {
            return new SendResult(messageId, duplicate, null);
        }

        public static SendResult failed(QueueException e) {
            return new SendResult(null, null, e.toBody().error());
        }
    }

    public record SendResponse(List<SendResult> results) {}

    public record ReceivedMessage(
            String messageId,
            String body,
            Map<String, String> attributes,
            String receiptHandle,
            int receiveCount,
            String sentAt,
            String firstReceivedAt,
            String groupId,
            String deduplicationId,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributeTypes) {

        public ReceivedMessage {
            attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
        }

        /** A message whose attributes are all of type {@code String}. */
        public ReceivedMessage(
                String messageId,
                String body,
                Map<String, String> attributes,
                String receiptHandle,
                int receiveCount,
                String sentAt,
                String firstReceivedAt,
                String groupId,
                String deduplicationId) {
            this(
                    messageId,
                    body,
                    attributes,
                    receiptHandle,
                    receiveCount,
                    sentAt,
                    firstReceivedAt,
                    groupId,
                    deduplicationId,
                    Map.of());
        }
    }

    public record ReceiveResponse(List<ReceivedMessage> messages) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AckResult(String receiptHandle, Boolean ok, ErrorBody.Detail error) {
        public static AckResult ok(String handle) {
            return new AckResult(handle, true, null);
        }

        public static AckResult failed(String handle, QueueException e) {
            return new AckResult(handle, null, e.toBody().error());
        }
    }

    public record AckResponse(List<AckResult> results) {}

    /** A message as browsing shows it: its state, no receipt handle. */
    public record BrowsedMessage(
            String messageId,
            String body,
            Map<String, String> attributes,
            String state,
            int receiveCount,
            String sentAt,
            String firstReceivedAt,
            String groupId,
            String deduplicationId,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributeTypes) {

        public BrowsedMessage {
            attributeTypes = attributeTypes == null ? Map.of() : attributeTypes;
        }

        /** A message whose attributes are all of type {@code String}. */
        public BrowsedMessage(
                String messageId,
                String body,
                Map<String, String> attributes,
                String state,
                int receiveCount,
                String sentAt,
                String firstReceivedAt,
                String groupId,
                String deduplicationId) {
            this(
                    messageId,
                    body,
                    attributes,
                    state,
                    receiveCount,
                    sentAt,
                    firstReceivedAt,
                    groupId,
                    deduplicationId,
                    Map.of());
        }
    }

    public record BrowseResponse(List<BrowsedMessage> messages, String next) {}

    public record RedriveResponse(int moved) {}

    public record Health(String status) {}

    public record TopicDescription(String name, String createdAt) {}

    public record TopicSummary(String name) {}

    public record TopicList(List<TopicSummary> topics, String next) {}

    /**
     * A subscription as answered: never its secret. {@code filterScope} ("attributes" or "body") is given
     * with a filter, and whenever it is "body".
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SubscriptionDescription(
            String topic,
            String name,
            String queue,
            String endpoint,
            com.fasterxml.jackson.databind.JsonNode filter,
            String filterScope,
            String deadLetterQueue,
            String createdAt) {}

    public record SubscriptionList(List<SubscriptionDescription> subscriptions, String next) {}

    /**
     * A push consumer as answered: never its secret. Either {@code function} or {@code endpoint} is
     * present.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConsumerDescription(
            String queue,
            String name,
            String function,
            String endpoint,
            int batchSize,
            int batchWindowSeconds,
            int maxConcurrency,
            String createdAt) {}

    public record ConsumerList(List<ConsumerDescription> consumers, String next) {}
}
