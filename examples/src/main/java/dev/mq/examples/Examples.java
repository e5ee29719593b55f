package dev.mq.examples;

import dev.mq.client.MqClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar examples/target/mq-examples.jar [orders|notifications|logs|push|all]}: runs the brief's use
 * cases against a running queue (the local server by default). Each makes its own queues, with a random
 * prefix, and deletes them when it ends.
 */
@Command(
        name = "mq-examples",
        mixinStandardHelpOptions = true,
        description = "Run the example use cases against an mq endpoint.")
public final class Examples implements Callable<Integer> {
    @Parameters(
            paramLabel = "EXAMPLE",
            defaultValue = "all",
            description = "orders, notifications, logs, all (default: the first three) or push (local server only)")
    String example;

    @Option(
            names = "--endpoint",
            defaultValue = "${env:MQ_ENDPOINT:-http://127.0.0.1:8080}",
            description = "API base URL (env MQ_ENDPOINT; default ${DEFAULT-VALUE})")
    String endpoint;

    @Option(names = "--token", defaultValue = "${env:MQ_TOKEN}", description = "bearer token (env MQ_TOKEN)")
    String token;

    @Option(names = "--lines", defaultValue = "5000", description = "log lines the log example ships")
    int lines;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "  (log) %5$s%n");
        System.exit(new CommandLine(new Examples()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        MqClient mq = MqClient.builder().endpoint(endpoint).token(token).build();
        if (!mq.health()) {
            System.err.println("the queue at " + endpoint + " is not healthy");
            return 1;
        }
        String prefix = "ex-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36) + "-";
        List<String> chosen = example.equals("all") ? List.of("orders", "notifications", "logs") : List.of(example);
        for (String name : chosen) {
            System.out.println("== " + name);
            switch (name.toLowerCase(Locale.ROOT)) {
                case "orders" -> new OrderProcessing(mq, prefix, System.out).run(20);
                case "notifications" -> new Notifications(mq, prefix, System.out).run();
                case "logs" -> new LogProcessing(mq, prefix, System.out).run(lines);
                case "push" -> new PushPayments(mq, prefix, System.out).run(20);
                default -> {
                    System.err.println("no example " + name + ": orders, notifications, logs, push or all");
                    return 2;
                }
            }
        }
        return 0;
    }
}
