package dev.mq.cli;

import dev.mq.client.Message;
import dev.mq.client.MqClient.Created;
import dev.mq.model.Responses.SendResult;
import dev.mq.model.Responses.TopicDescription;
import dev.mq.model.Responses.TopicSummary;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mq topic create|list|delete|publish}. */
@Command(
        name = "topic",
        description = "Create, list and delete topics; publish to them.",
        subcommands = {
            TopicCommands.Create.class,
            TopicCommands.ListTopics.class,
            TopicCommands.Delete.class,
            TopicCommands.Publish.class
        })
final class TopicCommands {

    @Command(name = "create", description = "Create a topic.")
    static final class Create extends MqCli.Base {
        @Parameters(paramLabel = "TOPIC")
        String name;

        @Override
        public Integer call() {
            Created<TopicDescription> created = client().createTopic(name);
            root().print(
                            created.value(),
                            () -> root().out.println((created.created() ? "created topic " : "topic exists: ") + name));
            return 0;
        }
    }

    @Command(name = "list", description = "Topics, sorted by name.")
    static final class ListTopics extends MqCli.Base {
        @Override
        public Integer call() {
            List<TopicSummary> topics = client().listAllTopics();
            root().print(
                            Map.of("topics", topics),
                            () -> root().table(
                                            List.of("NAME"),
                                            topics.stream()
                                                    .map(t -> List.of(t.name()))
                                                    .toList()));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a topic and its subscriptions.")
    static final class Delete extends MqCli.Base {
        @Parameters(paramLabel = "TOPIC")
        String name;

        @Override
        public Integer call() {
            client().deleteTopic(name);
            root().print(Map.of("deleted", name), () -> root().out.println("deleted topic " + name));
            return 0;
        }
    }

    @Command(
            name = "publish",
            description = {
                "Publish messages to every matching subscription: each BODY "
                        + "argument is one; with --file, '-', or a pipe into standard input each non-empty line is one, "
                        + "published in batches of 10. A topic delivers at once and has no message groups."
            })
    static final class Publish extends MessageCommands.Sending {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String topic;

        @Override
        String target() {
            return "topic " + topic;
        }

        @Override
        Message message(String body) {
            return options.message(body);
        }

        @Override
        List<SendResult> sendBatch(List<Message> batch) {
            return client().publishBatch(topic, batch);
        }
    }
}
