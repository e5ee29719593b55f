package dev.mq.store;

/**
 * The DynamoDB tables of one deployment. Names come from the environment so several deployments can
 * share an account.
 */
public record Tables(String catalog, String messages) {
    public static final String CATALOG_ENV = "MQ_CATALOG_TABLE";
    public static final String MESSAGES_ENV = "MQ_MESSAGES_TABLE";

    public static Tables fromEnvironment() {
        return new Tables(env(CATALOG_ENV, "mq-catalog"), env(MESSAGES_ENV, "mq-messages"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
