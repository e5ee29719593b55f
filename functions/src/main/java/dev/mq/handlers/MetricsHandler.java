package dev.mq.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.mq.core.QueueMetrics;
import dev.mq.model.Json;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Run by the stack's schedule (EventBridge, every minute): writes every queue's depth, and the
 * deployment's dead-letter and oldest-message totals, as CloudWatch embedded-metric-format lines on
 * standard output, which Lambda's log stream turns into metrics without a PutMetricData call.
 * Names only, never message bodies.
 */
public final class MetricsHandler implements RequestHandler<Map<String, Object>, Void> {
    /** Metric namespace; the stack sets it. */
    public static final String NAMESPACE_ENV = "MQ_METRICS_NAMESPACE";
    /** The {@code Deployment} dimension: one stack's metrics apart from another's in the same account. */
    public static final String DEPLOYMENT_ENV = "MQ_DEPLOYMENT";

    private final QueueMetrics metrics;
    private final String namespace;
    private final String deployment;
    private final Clock clock;
    private final Consumer<String> out;

    public MetricsHandler() {
        this(
                new QueueMetrics(FunctionRuntime.service()),
                env(NAMESPACE_ENV, "mq"),
                env(DEPLOYMENT_ENV, "mq"),
                Clock.systemUTC(),
                System.out::println);
        Priming.register(() -> FunctionRuntime.service().checkHealth());
    }

    public MetricsHandler(
            QueueMetrics metrics, String namespace, String deployment, Clock clock, Consumer<String> out) {
        this.metrics = metrics;
        this.namespace = namespace;
        this.deployment = deployment;
        this.clock = clock;
        this.out = out;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        QueueMetrics.Snapshot snapshot = metrics.snapshot();
        long now = clock.millis();
        for (QueueMetrics.QueueDepth q : snapshot.queues()) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("Queue", q.queue());
            values.put("VisibleMessages", q.stats().visible());
            values.put("InFlightMessages", q.stats().inFlight());
            values.put("DelayedMessages", q.stats().delayed());
            values.put("OldestMessageAgeSeconds", q.stats().oldestMessageAgeSeconds());
            out.accept(emf(now, List.of("Deployment", "Queue"), values));
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("DeadLetterMessages", snapshot.deadLetterMessages());
        totals.put("OldestMessageAgeSeconds", snapshot.oldestMessageAgeSeconds());
        totals.put("Queues", (long) snapshot.queues().size());
        out.accept(emf(now, List.of("Deployment"), totals));
        return null;
    }

    /** One EMF document: the metric values are the numeric entries, the rest are dimensions. */
    private String emf(long timestamp, List<String> dimensions, Map<String, Object> values) {
        List<Map<String, String>> definitions = values.entrySet().stream()
                .filter(e -> e.getValue() instanceof Long)
                .map(e -> Map.of("Name", e.getKey(), "Unit", e.getKey().endsWith("Seconds") ? "Seconds" : "Count"))
                .toList();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(
                "_aws",
                Map.of(
                        "Timestamp",
                        timestamp,
                        "CloudWatchMetrics",
                        List.of(Map.of(
                                "Namespace", namespace, "Dimensions", List.of(dimensions), "Metrics", definitions))));
        document.put("Deployment", deployment);
        document.putAll(values);
        return Json.write(document);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
