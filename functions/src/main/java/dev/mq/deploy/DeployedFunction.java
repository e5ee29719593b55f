package dev.mq.deploy;

/**
 * The functions a deployment runs. The first four serve the API's routes (each route names its function
 * in {@code Routes.ALL}); the others consume the tables' streams or run on a schedule. The CDK app makes
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
    PUSH
}
