package dev.mq.cdk;

import dev.mq.deploy.DeployedFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarms an operator needs and one dashboard: messages in dead-letter queues, a message waiting too
 * long (a stopped consumer), function errors and throttles, stream consumers falling behind, stream
 * records given up on, and API server errors. The queue figures come from the metrics function
 * (embedded metric format). Every alarm notifies the alarm topic, when there is one.
 */
final class Monitoring extends Construct {
    private final List<Alarm> alarms = new ArrayList<>();
    private final MqServiceProps props;
    private final String deployment;
    private final ITopic topic;

    Monitoring(
            Construct scope,
            String id,
            MqServiceProps props,
            String deployment,
            Map<DeployedFunction, Alias> functions,
            ApiFront api,
            IQueue streamFailures,
            ITopic topic) {
        super(scope, id);
        this.props = props;
        this.deployment = deployment;
        this.topic = topic;
        Metric deadLetters = queueMetric("DeadLetterMessages");
        Metric oldest = queueMetric("OldestMessageAgeSeconds");
        alarm("DeadLetters", "Messages are waiting in a dead-letter queue", deadLetters, 0, 1);
        alarm(
                "OldestMessage",
                "A message has waited longer than " + props.oldestMessageAlarmSeconds() + " s",
                oldest,
                props.oldestMessageAlarmSeconds(),
                3);

        List<IMetric> errors = new ArrayList<>();
        List<IMetric> iteratorAges = new ArrayList<>();
        functions.forEach((which, alias) -> {
            IFunction function = alias.getVersion().getLambda();
            String name = which.name().charAt(0) + which.name().substring(1).toLowerCase();
            Metric functionErrors = function.metricErrors(sum());
            errors.add(functionErrors);
            alarm(name + "Errors", "The " + name.toLowerCase() + " function failed", functionErrors, 0, 1);
            alarm(
                    name + "Throttles",
                    "The " + name.toLowerCase() + " function was throttled",
                    function.metricThrottles(sum()),
                    0,
                    1);
            if (which == DeployedFunction.FANOUT
                    || which == DeployedFunction.DELIVERY
                    || which == DeployedFunction.COUNTS
                    || which == DeployedFunction.PUSH) {
                Metric age = function.metric(
                        "IteratorAge",
                        MetricOptions.builder()
                                .statistic("Maximum")
                                .period(Duration.minutes(1))
                                .build());
                iteratorAges.add(age);
                alarm(
                        name + "IteratorAge",
                        "The " + name.toLowerCase() + " function is more than a minute behind its stream",
                        age,
                        60_000,
                        5);
            }
        });
        // a fan-out, delivery job or count its consumer gave up on: replay it (README) before the stream
        // forgets the record (24 hours)
        alarm(
                "StreamFailures",
                "A stream record was given up on and parked in the stream-failures queue",
                streamFailures.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(1))
                        .build()),
                0,
                1);
        Metric serverErrors = api.metricServerError(sum());
        alarm("ApiServerErrors", "The API answered 5xx", serverErrors, 0, 1);

        Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(props.prefix() != null ? props.prefix() + "-queues" : null)
                .widgets(List.of(
                        List.of(graph("Dead-letter messages", deadLetters), graph("Oldest message age (s)", oldest)),
                        List.of(
                                graph("API requests", api.metricCount(sum())),
                                graph(
                                        "API latency p99 (ms)",
                                        api.metricLatency(MetricOptions.builder()
                                                .statistic("p99")
                                                .build())),
                                graph("API 5xx", serverErrors)),
                        List.of(
                                GraphWidget.Builder.create()
                                        .title("Function errors")
                                        .left(errors)
                                        .width(12)
                                        .build(),
                                GraphWidget.Builder.create()
                                        .title("Stream iterator age (ms)")
                                        .left(iteratorAges)
                                        .width(12)
                                        .build())))
                .build();
    }

    List<Alarm> alarms() {
        return alarms;
    }

    private Metric queueMetric(String name) {
        return Metric.Builder.create()
                .namespace(MqService.METRICS_NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of("Deployment", deployment))
                .statistic("Maximum")
                .period(Duration.minutes(1))
                .build();
    }

    private static MetricOptions sum() {
        return MetricOptions.builder()
                .statistic("Sum")
                .period(Duration.minutes(1))
                .build();
    }

    private static GraphWidget graph(String title, IMetric metric) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(List.of(metric))
                .width(8)
                .build();
    }

    private void alarm(String id, String description, Metric metric, double threshold, int periods) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmName(props.prefix() != null ? props.prefix() + "-" + id : null)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(periods)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (topic != null) {
            alarm.addAlarmAction(new SnsAction(topic));
        }
        alarms.add(alarm);
    }
}
