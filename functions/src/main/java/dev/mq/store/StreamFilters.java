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
        return Json.write(Map.of("eventName", List.of("INSERT"),
                "dynamodb", Map.of("NewImage", Map.of(
                        "attrs", Map.of("M", Map.of(TopicService.DELIVERY_JOB_ATTRIBUTE, Map.of("S", List.of("1")))),
                        "rc", Map.of("N", List.of("0"))))));
    }

    /** Writes of published topic messages; the log's TTL removals need no fan-out. */
    public static String publishedTopicMessages() {
        return Json.write(Map.of("eventName", List.of("INSERT", "MODIFY")));
    }
}
