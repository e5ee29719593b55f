package dev.mq.bench;

import dev.mq.deploy.DeployedFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the measured work costs on AWS at on-demand prices, and what SQS and SNS charge for the same work.
 * Every price sits in {@link Prices}, with where and when it was read.
 */
final class Cost {
    private Cost() {}

    /** List prices in US dollars, us-east-1, on demand. */
    static final class Prices {
        static final String SOURCE = "AWS pricing pages for DynamoDB on-demand, Lambda (arm64), API Gateway REST "
                + "and HTTP APIs, SQS and SNS, us-east-1, as published in 2025; check them for your region and date";
        static final double DYNAMO_WRITE_UNIT = 0.625 / 1e6;
        static final double DYNAMO_READ_UNIT = 0.125 / 1e6;
        static final double LAMBDA_REQUEST = 0.20 / 1e6;
        static final double LAMBDA_GB_SECOND_ARM = 0.0000133334;
        /** The first 333 million requests of a month; less beyond. */
        static final double API_GATEWAY_REST_REQUEST = 3.50 / 1e6;
        /**
         * The first 300 million requests of a month ($0.90 beyond); a request or answer is metered in 512 KB
         * steps, so one of 10 1 KB messages is one request.
         */
        static final double API_GATEWAY_HTTP_REQUEST = 1.00 / 1e6;

        static final double SQS_REQUEST = 0.40 / 1e6;
        static final double SNS_PUBLISH = 0.50 / 1e6;
        static final double CLOUDWATCH_ALARM_MONTH = 0.10;
        /** A custom metric, for the first 10,000 of an account; EMF lines create one per name and dimensions. */
        static final double CLOUDWATCH_METRIC_MONTH = 0.30;
        /** Beyond the 3 dashboards an account has for free. */
        static final double CLOUDWATCH_DASHBOARD_MONTH = 3.00;

        static final double CLOUDWATCH_LOGS_INGESTED_GB = 0.50;
        static final double SECRETS_MANAGER_SECRET_MONTH = 0.40;

        private Prices() {}
    }

    /**
     * The kind of API Gateway API in front of the functions ({@code mq:apiKind}): the only part of the cost
     * that differs between them is the price of each request.
     */
    enum FrontDoor {
        REST_API("RestApi", Prices.API_GATEWAY_REST_REQUEST),
        HTTP_API("HttpApi", Prices.API_GATEWAY_HTTP_REQUEST);

        /** Ends the name of each figure that depends on the front door: {@code apiGatewayRestApi}. */
        final String suffix;

        final double perRequest;

        FrontDoor(String suffix, double perRequest) {
            this.suffix = suffix;
            this.perRequest = perRequest;
        }
    }

    /** Memory of the functions as the CDK stack sets it (MqStack), in GB. */
    static final double PUBLISH_GB = 1.0;

    static final double RECEIVE_GB = 0.5;
    static final double ACK_GB = 1.0;
    /** Seconds a long-polling consumer waits per receive. */
    static final int LONG_POLL_SECONDS = 20;

    static final double POLLS_PER_MONTH = 30.0 * 24 * 3600 / LONG_POLL_SECONDS;

    /**
     * The whole cost model over one run's measurements: per million messages, fanned out, an idle consumer
     * and an idle deployment, each figure that depends on the front door for both.
     *
     * @param capacity the capacity units per message of each path {@link Capacity#measure} measures, in its order
     * @param warm median warm handler durations in ms (see {@link #perMillionMessages})
     * @param idleReadUnitsPerPoll read units of one idle 20 s long poll
     * @param idle what an idle deployment does each minute
     */
    static Map<String, Object> of(
            List<Capacity.Units> capacity,
            Map<String, Double> warm,
            double idleReadUnitsPerPoll,
            IdleDeployment.Measured idle) {
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("prices", Prices.SOURCE);
        cost.put("warmHandlerMs", warm);
        cost.put("perMillionMessages", perMillionMessages(capacity.get(0), capacity.get(3), warm));
        cost.put("perMillionFannedOut", perMillionFannedOut(capacity.get(5)));
        cost.put("idleConsumerPerMonth", idleConsumerPerMonth(idleReadUnitsPerPoll));
        cost.put("idleDeploymentPerMonth", idleDeploymentPerMonth(idle));
        return cost;
    }

    /**
     * Dollars per million messages through a standard queue (send, receive, ack), one per request and in
     * batches of 10.
     *
     * @param warm median warm handler durations in ms: send, receive, ack, send10, receive10, ack10
     */
    static Map<String, Object> perMillionMessages(
            Capacity.Units single, Capacity.Units batched, Map<String, Double> warm) {
        double million = 1e6;
        double dynamoSingle = million
                * (single.writeUnits() * Prices.DYNAMO_WRITE_UNIT + single.readUnits() * Prices.DYNAMO_READ_UNIT);
        double dynamoBatched = million
                * (batched.writeUnits() * Prices.DYNAMO_WRITE_UNIT + batched.readUnits() * Prices.DYNAMO_READ_UNIT);
        double lambdaRequestsSingle = 3 * million * Prices.LAMBDA_REQUEST;
        double lambdaRequestsBatched = lambdaRequestsSingle / 10;
        double gbSecondsSingle = million
                * (warm.get("send") * PUBLISH_GB + warm.get("receive") * RECEIVE_GB + warm.get("ack") * ACK_GB)
                / 1000;
        double gbSecondsBatched = million
                / 10
                * (warm.get("send10") * PUBLISH_GB + warm.get("receive10") * RECEIVE_GB + warm.get("ack10") * ACK_GB)
                / 1000;
        double restOfSingle = dynamoSingle + lambdaRequestsSingle + gbSecondsSingle * Prices.LAMBDA_GB_SECOND_ARM;
        double restOfBatched = dynamoBatched + lambdaRequestsBatched + gbSecondsBatched * Prices.LAMBDA_GB_SECOND_ARM;
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("dynamoDb", pair(dynamoSingle, dynamoBatched));
        cost.put("lambdaRequests", pair(lambdaRequestsSingle, lambdaRequestsBatched));
        cost.put(
                "lambdaDuration",
                pair(gbSecondsSingle * Prices.LAMBDA_GB_SECOND_ARM, gbSecondsBatched * Prices.LAMBDA_GB_SECOND_ARM));
        for (FrontDoor front : FrontDoor.values()) {
            double api = 3 * million * front.perRequest;
            cost.put("apiGateway" + front.suffix, pair(api, api / 10));
        }
        for (FrontDoor front : FrontDoor.values()) {
            double api = 3 * million * front.perRequest;
            cost.put("total" + front.suffix, pair(restOfSingle + api, restOfBatched + api / 10));
        }
        cost.put("sqsForTheSameWork", pair(3 * million * Prices.SQS_REQUEST, 0.3 * million * Prices.SQS_REQUEST));
        return cost;
    }

    /** Dollars per million messages published to a topic with three queue subscribers, each copy received and acked. */
    static Map<String, Object> perMillionFannedOut(Capacity.Units fanOut) {
        double million = 1e6;
        double dynamo = million
                * (fanOut.writeUnits() * Prices.DYNAMO_WRITE_UNIT + fanOut.readUnits() * Prices.DYNAMO_READ_UNIT);
        double requests = 1 + 3 * 2; // publish, and receive + ack per copy
        // the fan-out function takes up to 100 stream records per invocation
        double lambda = (requests + 0.01) * million * Prices.LAMBDA_REQUEST;
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("dynamoDb", round(dynamo));
        cost.put("lambdaRequests", round(lambda));
        for (FrontDoor front : FrontDoor.values()) {
            cost.put("apiGateway" + front.suffix, round(requests * million * front.perRequest));
        }
        for (FrontDoor front : FrontDoor.values()) {
            double api = requests * million * front.perRequest;
            cost.put("totalWithoutLambdaDuration" + front.suffix, round(dynamo + api + lambda));
        }
        cost.put("snsPlusSqsForTheSameWork", round(million * (Prices.SNS_PUBLISH + 6 * Prices.SQS_REQUEST)));
        return cost;
    }

    /** Dollars a month for one consumer that long-polls an empty queue around the clock. */
    static Map<String, Object> idleConsumerPerMonth(double readUnitsPerPoll) {
        Map<String, Object> cost = new LinkedHashMap<>();
        double lambdaRequests = POLLS_PER_MONTH * Prices.LAMBDA_REQUEST;
        double lambdaDuration = POLLS_PER_MONTH * LONG_POLL_SECONDS * RECEIVE_GB * Prices.LAMBDA_GB_SECOND_ARM;
        double dynamo = POLLS_PER_MONTH * readUnitsPerPoll * Prices.DYNAMO_READ_UNIT;
        cost.put("receiveCallsPerMonth", Math.round(POLLS_PER_MONTH));
        cost.put("dynamoReadUnitsPerPoll", round(readUnitsPerPoll));
        cost.put("lambdaRequests", round(lambdaRequests));
        cost.put("lambdaDuration", round(lambdaDuration));
        cost.put("dynamoDb", round(dynamo));
        for (FrontDoor front : FrontDoor.values()) {
            cost.put("apiGateway" + front.suffix, round(POLLS_PER_MONTH * front.perRequest));
        }
        for (FrontDoor front : FrontDoor.values()) {
            double api = POLLS_PER_MONTH * front.perRequest;
            cost.put("total" + front.suffix, round(api + lambdaRequests + lambdaDuration + dynamo));
        }
        cost.put("sqsForTheSameWork", round(POLLS_PER_MONTH * Prices.SQS_REQUEST));
        return cost;
    }

    /** Scheduled invocations a month: the stack's rule runs the metrics and delivery functions every minute. */
    static final double MINUTES_PER_MONTH = 30.0 * 24 * 60;
    /** Memory of the metrics and delivery functions as MqStack sets it, in GB. */
    static final double SCHEDULED_GB = 0.5;
    /**
     * Alarms MqService creates (Monitoring): errors and throttles of each function (the SQS endpoint's
     * included), iterator age of the four
     * stream consumers (fan-out, delivery, counts, push), dead letters, oldest message, stream failures, API 5xx.
     */
    static final int ALARMS = 2 * DeployedFunction.values().length + 4 + 4;
    /** Metrics the metrics function writes (MetricsHandler): per deployment, and per queue. */
    static final int DEPLOYMENT_METRICS = 3;

    static final int QUEUE_METRICS = 4;

    /**
     * Dollars a month for a deployment that does nothing: no message, no consumer polling. Lambda, API
     * Gateway (a REST API and an HTTP API alike) and DynamoDB on demand bill nothing at rest, so this is the
     * same for both front doors; what remains is the schedule's work, the
     * CloudWatch alarms, metrics and dashboard, and the receipt key's secret. Storage of retained
     * messages (DynamoDB $0.25 per GB-month, point-in-time recovery $0.20) comes on top.
     */
    static Map<String, Object> idleDeploymentPerMonth(IdleDeployment.Measured measured) {
        Map<String, Object> cost = new LinkedHashMap<>();
        // the schedule starts three functions a minute: metrics, the delivery sweep and the push sweep (the
        // push sweep's run time and its one query of the consumers are not measured here; with no consumer
        // it reads one empty partition)
        Map<String, Double> deployment = idleParts(measured.deployment(), 3, DEPLOYMENT_METRICS);
        deployment.put("alarms", round(ALARMS * Prices.CLOUDWATCH_ALARM_MONTH));
        deployment.put("dashboard (free for an account's first 3)", Prices.CLOUDWATCH_DASHBOARD_MONTH);
        deployment.put("receiptKeySecret", Prices.SECRETS_MANAGER_SECRET_MONTH);
        deployment.put(
                "total",
                round(deployment.values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum()));
        Map<String, Double> perQueue = idleParts(measured.perQueue(), 0, QUEUE_METRICS);
        perQueue.put(
                "total",
                round(perQueue.values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum()));
        cost.put("perDeployment", deployment);
        cost.put("perQueue", perQueue);
        cost.put("measuredPerMinute", measured);
        cost.put("sqsPerIdleQueue", 0.0);
        return cost;
    }

    private static Map<String, Double> idleParts(IdleDeployment.Minute minute, int invocations, int metrics) {
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put(
                "scheduledLambda",
                round(MINUTES_PER_MONTH
                        * (invocations * Prices.LAMBDA_REQUEST
                                + (minute.metricsMs() + minute.sweepMs())
                                        / 1000
                                        * SCHEDULED_GB
                                        * Prices.LAMBDA_GB_SECOND_ARM)));
        parts.put("dynamoDbReads", round(MINUTES_PER_MONTH * minute.readUnits() * Prices.DYNAMO_READ_UNIT));
        parts.put("customMetrics", round(metrics * Prices.CLOUDWATCH_METRIC_MONTH));
        parts.put(
                "metricLogs", round(MINUTES_PER_MONTH * minute.logBytes() / 1e9 * Prices.CLOUDWATCH_LOGS_INGESTED_GB));
        return parts;
    }

    private static Map<String, Double> pair(double single, double batched) {
        return Map.of("onePerRequest", round(single), "batchesOf10", round(batched));
    }

    static double round(double dollars) {
        return Math.round(dollars * 10_000) / 10_000.0;
    }
}
