package dev.mq.examples;

import dev.mq.client.MqClient;
import dev.mq.client.RequestAuth;
import dev.mq.client.sqs.MqSqsClients;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code java -jar examples/target/mq-examples.jar [orders|notifications|logs|push|jms|all]}: runs the brief's use
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
            description = "orders, notifications, logs, all (default: the first three), push (local server only) or "
                    + "jms (an SQS JMS application on the SQS endpoint)")
    String example;

    @Option(
            names = "--endpoint",
            defaultValue = "${env:MQ_ENDPOINT:-http://127.0.0.1:8080}",
            description = "API base URL (env MQ_ENDPOINT; default ${DEFAULT-VALUE})")
    String endpoint;

    @Option(names = "--token", defaultValue = "${env:MQ_TOKEN}", description = "bearer token (env MQ_TOKEN)")
    String token;

    @Option(
            names = "--sign-region",
            defaultValue = "${env:MQ_SIGN_REGION}",
            description = "sign for a deployment in this region (SigV4 for execute-api), with the default AWS "
                    + "credentials (env MQ_SIGN_REGION; the local server checks no signature)")
    String signRegion;

    @Option(names = "--lines", defaultValue = "5000", description = "log lines the log example ships")
    int lines;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "  (log) %5$s%n");
        System.exit(new CommandLine(new Examples()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        MqClient.Builder client = MqClient.builder().endpoint(endpoint).token(token);
        if (signRegion != null) {
            client.auth(RequestAuth.sigV4(signRegion));
        }
        MqClient mq = client.build();
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
                case "jms" -> {
                    try (SqsClient sqs = sqsClient()) {
                        new JmsOrders(sqs, prefix, System.out).run(20);
                    }
                }
                default -> {
                    System.err.println("no example " + name + ": orders, notifications, logs, push, jms or all");
                    return 2;
                }
            }
        }
        return 0;
    }

    /**
     * The SQS client the jms example is given: only its endpoint (and, for a deployment, its signing) says
     * it is mq. The local server takes any credentials.
     */
    private SqsClient sqsClient() {
        URI url = URI.create(endpoint);
        if (signRegion != null) {
            return MqSqsClients.forDeployment(
                    url,
                    Region.of(signRegion),
                    DefaultCredentialsProvider.builder().build());
        }
        return SqsClient.builder()
                .endpointOverride(url)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
