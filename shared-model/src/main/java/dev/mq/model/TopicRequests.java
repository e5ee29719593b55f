package dev.mq.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** Parses the bodies of the topic and subscription operations. */
public final class TopicRequests {
    private static final Set<String> SUBSCRIPTION_FIELDS =
            Set.of("queue", "endpoint", "secret", "filter", "filterScope", "deadLetterQueue");

    private TopicRequests() {}

    /**
     * A subscription: to a standard queue, or to an HTTPS endpoint with the secret its deliveries are
     * signed with. {@code filter} (null when there is none) and {@code filterScope} (null: the default)
     * are as written: the service checks them, as only it knows the filter syntax.
     */
    public record SubscriptionRequest(
            String queue,
            String endpoint,
            String secret,
            JsonNode filter,
            String filterScope,
            String deadLetterQueue) {}

    public static SubscriptionRequest parseSubscription(String body) {
        ObjectNode node = Json.parseObject(body);
        Fields.onlyKnown(node, SUBSCRIPTION_FIELDS);
        String queue = Fields.optString(node, "queue");
        String endpoint = Fields.optString(node, "endpoint");
        String secret = Fields.optString(node, "secret");
        if ((queue == null) == (endpoint == null)) {
            throw QueueException.invalid("give either queue or endpoint (with secret)");
        }
        if (queue != null) {
            Names.requireUserQueueName(queue);
            if (Names.isFifo(queue)) {
                throw QueueException.invalid("FIFO queues cannot subscribe to topics yet");
            }
            if (secret != null) {
                throw QueueException.invalid("secret belongs to endpoint subscriptions only");
            }
        } else if (secret == null || secret.isEmpty() || secret.length() > 256) {
            throw QueueException.invalid("an endpoint subscription needs a secret of 1-256 characters");
        }
        JsonNode filter = Fields.present(node, "filter") ? node.get("filter") : null;
        String filterScope = Fields.optString(node, "filterScope");
        String dlq = Fields.optString(node, "deadLetterQueue");
        if (dlq != null) {
            Names.requireUserQueueName(dlq);
        }
        return new SubscriptionRequest(queue, endpoint, secret, filter, filterScope, dlq);
    }
}
