package dev.mq.cli;

import dev.mq.client.MqClient.Consumer;
import dev.mq.client.MqClient.Created;
import dev.mq.model.Responses.ConsumerDescription;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mq consumer add|list|remove}. */
@Command(
        name = "consumer",
        description = "Push consumers: a queue hands its messages to a Lambda function or an endpoint, nothing polls.",
        subcommands = {ConsumerCommands.Add.class, ConsumerCommands.ListConsumers.class, ConsumerCommands.Remove.class})
final class ConsumerCommands {

    @Command(
            name = "add",
            description = "Add a push consumer to a queue (again with the same settings: nothing changes).")
    static final class Add extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--batch-size", paramLabel = "N", description = "messages a batch, 1-10 (default 10)")
        Integer batchSize;

        @Option(
                names = "--batch-window",
                paramLabel = "SECONDS",
                description = "how long a partly filled batch may wait for more, 0-20 (default 0)")
        Integer batchWindow;

        @Option(
                names = "--max-concurrency",
                paramLabel = "N",
                description = "batches handed over at once, 1-100 (default 5)")
        Integer maxConcurrency;

        static final class Target {
            @Option(
                    names = "--function",
                    required = true,
                    paramLabel = "ARN",
                    description = "invoke this Lambda function (not on the local server)")
            String function;

            @ArgGroup(exclusive = false, multiplicity = "1")
            Endpoint endpoint;
        }

        static final class Endpoint {
            @Option(
                    names = "--endpoint-url",
                    required = true,
                    paramLabel = "URL",
                    description = "POST each batch to this URL (https; the local server also takes http://127.0.0.1)")
            String url;

            @Option(
                    names = "--secret",
                    required = true,
                    paramLabel = "KEY",
                    description = "HMAC key that signs the POSTs")
            String secret;
        }

        @Override
        public Integer call() {
            Consumer consumer = target.function != null
                    ? Consumer.toFunction(target.function)
                    : Consumer.toEndpoint(target.endpoint.url, target.endpoint.secret);
            if (batchSize != null) {
                consumer = consumer.withBatchSize(batchSize);
            }
            if (batchWindow != null) {
                consumer = consumer.withBatchWindowSeconds(batchWindow);
            }
            if (maxConcurrency != null) {
                consumer = consumer.withMaxConcurrency(maxConcurrency);
            }
            Created<ConsumerDescription> created = client().putConsumer(queue, name, consumer);
            root().print(
                            created.value(),
                            () -> root().out
                                    .println((created.created()
                                                    ? "added consumer "
                                                    : "consumer exists with these settings: ")
                                            + queue + "/" + name));
            return 0;
        }
    }

    @Command(name = "list", description = "A queue's push consumers.")
    static final class ListConsumers extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Override
        public Integer call() {
            List<ConsumerDescription> all = client().listAllConsumers(queue);
            root().print(
                            Map.of("consumers", all),
                            () -> root().table(
                                            List.of("NAME", "DELIVERS-TO", "BATCH", "WINDOW", "CONCURRENCY"),
                                            all.stream()
                                                    .map(c -> List.of(
                                                            c.name(),
                                                            c.function() != null
                                                                    ? "function " + c.function()
                                                                    : "endpoint " + c.endpoint(),
                                                            Integer.toString(c.batchSize()),
                                                            c.batchWindowSeconds() + "s",
                                                            Integer.toString(c.maxConcurrency())))
                                                    .toList()));
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a push consumer from a queue.")
    static final class Remove extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            client().deleteConsumer(queue, name);
            root().print(
                            Map.of("removed", queue + "/" + name),
                            () -> root().out.println("removed consumer " + queue + "/" + name));
            return 0;
        }
    }
}
