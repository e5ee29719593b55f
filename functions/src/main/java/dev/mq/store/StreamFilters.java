package dev.mq.store;

import dev.mq.core.TopicService;
import dev.mq.model.Json;
import java.util.List;
import java.util.Map;

/**
 * Lambda event-filter patterns over the tables' streams. They name item attributes, so they live beside
 * the item layout; the CDK stack takes them from here rather than repeating the layout.
 */
public final class StreamFilters {
    private StreamFilters() {}

    /**
     * New delivery jobs in the messages table: inserts whose attributes carry
     * {@link TopicService#DELIVERY_JOB_ATTRIBUTE}, never received ({@code rc} 0; a lease parks a job,
     * which inserts it again). Every other write to the table (sends, leases, acks) is dropped by Lambda
     * before it invokes, and is not billed.
     */
    public static String newDeliveryJobs() {
        return Json.write(Map.of(
                "eventName",
                List.of("INSERT"),
                "dynamodb",
                Map.of(
                        "NewImage",
                        Map.of(
                                "attrs",
                                        Map.of(
                                                "M",
                                                Map.of(TopicService.DELIVERY_JOB_ATTRIBUTE, Map.of("S", List.of("1")))),
                                "rc", Map.of("N", List.of("0"))))));
    }

    /**
     * Writes of message items (those with a {@code body}, before or after): what the queue counter counts
     * ({@link MessageCounts}). Lease notes and deduplication records are dropped before the counter is
     * invoked. Two patterns: Lambda passes a record that matches either.
     */
    public static List<String> messageWrites() {
        Map<String, Object> hasBody = Map.of("body", Map.of("S", List.of(Map.of("exists", true))));
        return List.of(
                Json.write(Map.of("dynamodb", Map.of("NewImage", hasBody))),
                Json.write(Map.of("dynamodb", Map.of("OldImage", hasBody))));
    }

    /**
     * Writes that may make a message visible, what push delivery wakes on ({@link MessageArrivals}): a
     * message item (it has a {@code body}) created or changed. Removals (acks), lease notes and dedup
     * records are dropped before the push function is invoked; whether the message is visible now (not
     * leased, not delayed) no static pattern can say, so the function reads {@code visibleAt} itself.
     */
    public static String visibleMessageWrites() {
        return Json.write(Map.of(
                "eventName",
                List.of("INSERT", "MODIFY"),
                "dynamodb",
                Map.of("NewImage", Map.of("body", Map.of("S", List.of(Map.of("exists", true)))))));
    }

    /** Writes of published topic messages; the log's TTL removals need no fan-out. */
    public static String publishedTopicMessages() {
        return Json.write(Map.of("eventName", List.of("INSERT", "MODIFY")));
    }
}
