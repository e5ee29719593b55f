package dev.mq.bench;

import java.util.LinkedHashMap;
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
                + "APIs, SQS and SNS, us-east-1, as published in 2025; check them for your region and date";
        static final double DYNAMO_WRITE_UNIT = 0.625 / 1e6;
        static final double DYNAMO_READ_UNIT = 0.125 / 1e6;
        static final double LAMBDA_REQUEST = 0.20 / 1e6;
        static final double LAMBDA_GB_SECOND_ARM = 0.0000133334;
        static final double API_GATEWAY_REST_REQUEST = 3.50 / 1e6;
        static final double SQS_REQUEST = 0.40 / 1e6;
        static final double SNS_PUBLISH = 0.50 / 1e6;

        private Prices() {}
    }

    /** Memory of the functions as the CDK stack sets it (MqStack), in GB. */
    static final double PUBLISH_GB = 1.0;
    static final double RECEIVE_GB = 0.5;
    static final double ACK_GB = 1.0;
    /** Seconds a long-polling consumer waits per receive. */
    static final int LONG_POLL_SECONDS = 20;
    static final double POLLS_PER_MONTH = 30.0 * 24 * 3600 / LONG_POLL_SECONDS;

    /**
     * Dollars per million messages through a standard queue (send, receive, ack), one per request and in
     * batches of 10.
     *
     * @param warm median warm handler durations in ms: send, receive, ack, send10, receive10, ack10
     */
    static Map<String, Object> perMillionMessages(Capacity.Units single, Capacity.Units batched, Map<String, Double> warm) {
        double million = 1e6;
        double dynamoSingle = million * (single.writeUnits() * Prices.DYNAMO_WRITE_UNIT + single.readUnits() * Prices.DYNAMO_READ_UNIT);
        double dynamoBatched = million * (batched.writeUnits() * Prices.DYNAMO_WRITE_UNIT + batched.readUnits() * Prices.DYNAMO_READ_UNIT);
        double apiSingle = 3 * million * Prices.API_GATEWAY_REST_REQUEST;
        double apiBatched = apiSingle / 10;
        double lambdaRequestsSingle = 3 * million * Prices.LAMBDA_REQUEST;
        double lambdaRequestsBatched = lambdaRequestsSingle / 10;
        double gbSecondsSingle = million * (warm.get("send") * PUBLISH_GB + warm.get("receive") * RECEIVE_GB
                + warm.get("ack") * ACK_GB) / 1000;
        double gbSecondsBatched = million / 10 * (warm.get("send10") * PUBLISH_GB + warm.get("receive10") * RECEIVE_GB
                + warm.get("ack10") * ACK_GB) / 1000;
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("dynamoDb", pair(dynamoSingle, dynamoBatched));
        cost.put("apiGateway", pair(apiSingle, apiBatched));
        cost.put("lambdaRequests", pair(lambdaRequestsSingle, lambdaRequestsBatched));
        cost.put("lambdaDuration", pair(gbSecondsSingle * Prices.LAMBDA_GB_SECOND_ARM,
                gbSecondsBatched * Prices.LAMBDA_GB_SECOND_ARM));
        cost.put("total", pair(dynamoSingle + apiSingle + lambdaRequestsSingle + gbSecondsSingle * Prices.LAMBDA_GB_SECOND_ARM,
                dynamoBatched + apiBatched + lambdaRequestsBatched + gbSecondsBatched * Prices.LAMBDA_GB_SECOND_ARM));
        cost.put("sqsForTheSameWork", pair(3 * million * Prices.SQS_REQUEST, 0.3 * million * Prices.SQS_REQUEST));
        return cost;
    }

    /** Dollars per million messages published to a topic with three queue subscribers, each copy received and acked. */
    static Map<String, Object> perMillionFannedOut(Capacity.Units fanOut) {
        double million = 1e6;
        double dynamo = million * (fanOut.writeUnits() * Prices.DYNAMO_WRITE_UNIT + fanOut.readUnits() * Prices.DYNAMO_READ_UNIT);
        double requests = 1 + 3 * 2; // publish, and receive + ack per copy
        double api = requests * million * Prices.API_GATEWAY_REST_REQUEST;
        // the fan-out function takes up to 100 stream records per invocation
        double lambda = (requests + 0.01) * million * Prices.LAMBDA_REQUEST;
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("dynamoDb", round(dynamo));
        cost.put("apiGateway", round(api));
        cost.put("lambdaRequests", round(lambda));
        cost.put("totalWithoutLambdaDuration", round(dynamo + api + lambda));
        cost.put("snsPlusSqsForTheSameWork", round(million * (Prices.SNS_PUBLISH + 6 * Prices.SQS_REQUEST)));
        return cost;
    }

    /** Dollars a month for one consumer that long-polls an empty queue around the clock. */
    static Map<String, Object> idleConsumerPerMonth(double readUnitsPerPoll) {
        Map<String, Object> cost = new LinkedHashMap<>();
        double api = POLLS_PER_MONTH * Prices.API_GATEWAY_REST_REQUEST;
        double lambdaRequests = POLLS_PER_MONTH * Prices.LAMBDA_REQUEST;
        double lambdaDuration = POLLS_PER_MONTH * LONG_POLL_SECONDS * RECEIVE_GB * Prices.LAMBDA_GB_SECOND_ARM;
        double dynamo = POLLS_PER_MONTH * readUnitsPerPoll * Prices.DYNAMO_READ_UNIT;
        cost.put("receiveCallsPerMonth", Math.round(POLLS_PER_MONTH));
        cost.put("dynamoReadUnitsPerPoll", round(readUnitsPerPoll));
        cost.put("apiGateway", round(api));
        cost.put("lambdaRequests", round(lambdaRequests));
        cost.put("lambdaDuration", round(lambdaDuration));
        cost.put("dynamoDb", round(dynamo));
        cost.put("total", round(api + lambdaRequests + lambdaDuration + dynamo));
        cost.put("sqsForTheSameWork", round(POLLS_PER_MONTH * Prices.SQS_REQUEST));
        return cost;
    }

    private static Map<String, Double> pair(double single, double batched) {
        return Map.of("onePerRequest", round(single), "batchesOf10", round(batched));
    }

    static double round(double dollars) {
        return Math.round(dollars * 10_000) / 10_000.0;
    }
}
