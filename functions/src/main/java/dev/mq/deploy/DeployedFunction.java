package dev.mq.deploy;

/**
 * The functions a deployment runs. PUBLISH, RECEIVE, ACK, ADMIN and SQS serve the API's routes (each route
 * names its function in {@code Routes.ALL}); the others consume the tables' streams or run on a schedule. The CDK app makes
 * one Lambda function of each, and {@code TableAccess} grants each the table actions it needs.
 */
public enum DeployedFunction {
    PUBLISH,
    RECEIVE,
    ACK,
    ADMIN,
    FANOUT,
    DELIVERY,
    METRICS,
    COUNTS,
    PUSH,
    /** Serves the SQS-compatible endpoint: every SQS action, so it may do what the four API functions do. */
    SQS
}
