package dev.mq.cdk;

import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;

/**
 * What {@link MqService} and its alarms need of the API in front, whichever kind it is: {@link RestApiFront}
 * ({@link ApiKind#REST}, the default) or {@link HttpApiFront} ({@link ApiKind#HTTP}).
 */
interface ApiFront {
    /** The base URL the routes hang below. */
    String url();

    /** The API's id, as {@code execute-api} ARNs and the console name it. */
    String id();

    Metric metricCount(MetricOptions options);

    Metric metricServerError(MetricOptions options);

    Metric metricLatency(MetricOptions options);
}
