package dev.mq.store;

/**
 * The DynamoDB tables of one deployment. Names come from the environment so several deployments can
 * share an account.
 *
 * @param catalog  queues, topics and subscriptions
 * @param messages queue messages and their deduplication records
 * @param topicLog published topic messages; its stream drives the fan-out
 */
public record Tables(String catalog, String messages, String topicLog) {
    public static final String CATALOG_ENV = "MQ_CATALOG_TABLE";
    public static final String MESSAGES_ENV = "MQ_MESSAGES_TABLE";
    public static final String TOPIC_LOG_ENV = "MQ_TOPIC_LOG_TABLE";

    public static Tables fromEnvironment() {
        return new Tables(
                env(CATALOG_ENV, "mq-catalog"), env(MESSAGES_ENV, "mq-messages"), env(TOPIC_LOG_ENV, "mq-topic-log"));
    }

    /** Tables named {@code <prefix>-catalog}, {@code <prefix>-messages}, {@code <prefix>-topic-log}. */
    public static Tables withPrefix(String prefix) {
        return new Tables(prefix + "-catalog", prefix + "-messages", prefix + "-topic-log");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
