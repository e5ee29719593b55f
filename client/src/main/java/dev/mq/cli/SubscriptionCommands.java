package dev.mq.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.mq.client.MqClient.Created;
import dev.mq.client.MqClient.FilterScope;
import dev.mq.client.MqClient.Subscription;
import dev.mq.model.Json;
import dev.mq.model.QueueException;
import dev.mq.model.Responses.SubscriptionDescription;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mq sub create|list|delete}. */
@Command(
        name = "sub",
        description = "Subscribe queues and HTTPS endpoints to topics.",
        subcommands = {
            SubscriptionCommands.Create.class,
            SubscriptionCommands.ListSubscriptions.class,
            SubscriptionCommands.Delete.class
        })
final class SubscriptionCommands {

    @Command(name = "create", description = "Create or replace a subscription.")
    static final class Create extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String topic;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--secret", description = "HMAC key that signs endpoint deliveries")
        String secret;

        @Option(
                names = "--filter",
                paramLabel = "JSON",
                description = "SNS-style filter, e.g. '{\"type\":[\"order\"]}'")
        String filter;

        @Option(
                names = "--filter-scope",
                paramLabel = "SCOPE",
                description = "what the filter matches: ${COMPLETION-CANDIDATES} (default attributes; body: the JSON"
                        + " body)")
        Scope filterScope;

        @Option(names = "--dead-letter-queue", paramLabel = "QUEUE")
        String deadLetterQueue;

        /** The scopes as the command line writes them. */
        enum Scope {
            attributes(FilterScope.ATTRIBUTES),
            body(FilterScope.BODY);

            final FilterScope scope;

            Scope(FilterScope scope) {
                this.scope = scope;
            }
        }

        static final class Target {
            @Option(names = "--queue", required = true, description = "deliver copies into this standard queue")
            String queue;

            @Option(
                    names = "--endpoint-url",
                    required = true,
                    paramLabel = "URL",
                    description = "POST each message to this HTTPS URL")
            String endpoint;
        }

        @Override
        public Integer call() {
            Subscription subscription = target.queue != null
                    ? Subscription.toQueue(target.queue)
                    : Subscription.toEndpoint(target.endpoint, secret);
            if (filter != null) {
                Map<String, Object> parsed;
                try {
                    parsed = Json.MAPPER.convertValue(Json.parseObject(filter), new TypeReference<>() {});
                } catch (QueueException e) {
                    throw new IllegalArgumentException("--filter: " + e.getMessage());
                }
                subscription = subscription.withFilter(parsed);
            }
            if (filterScope != null) {
                subscription = subscription.withFilterScope(filterScope.scope);
            }
            if (deadLetterQueue != null) {
                subscription = subscription.withDeadLetterQueue(deadLetterQueue);
            }
            Created<SubscriptionDescription> created = client().subscribe(topic, name, subscription);
            root().print(
                            created.value(),
                            () -> root().out
                                    .println((created.created() ? "created subscription " : "replaced subscription ")
                                            + topic + "/" + name));
            return 0;
        }
    }

    @Command(name = "list", description = "A topic's subscriptions.")
    static final class ListSubscriptions extends MqCli.Base {
        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Override
        public Integer call() {
            List<SubscriptionDescription> all = client().listAllSubscriptions(topic);
            root().print(
                            Map.of("subscriptions", all),
                            () -> root().table(
                                            List.of("NAME", "DELIVERS-TO", "FILTER"),
                                            all.stream()
                                                    .map(s -> List.of(
                                                            s.name(),
                                                            s.queue() != null
                                                                    ? "queue " + s.queue()
                                                                    : "endpoint " + s.endpoint(),
                                                            filterColumn(s)))
                                                    .toList()));
            return 0;
        }

        private static String filterColumn(SubscriptionDescription s) {
            if (s.filter() == null) {
                return "-";
            }
            return s.filter() + ("body".equals(s.filterScope()) ? " on body" : "");
        }
    }

    @Command(name = "delete", description = "Delete a subscription.")
    static final class Delete extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String topic;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            client().unsubscribe(topic, name);
            root().print(
                            Map.of("deleted", topic + "/" + name),
                            () -> root().out.println("deleted subscription " + topic + "/" + name));
            return 0;
        }
    }
}
