package dev.mq.cli;

import dev.mq.client.MqClient.Created;
import dev.mq.model.Responses.SendResult;
import dev.mq.model.Responses.TopicDescription;
import dev.mq.model.Responses.TopicSummary;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mq topic create|list|delete|publish}. */
@Command(name = "topic", description = "Create, list and delete topics; publish to them.",
        subcommands = {TopicCommands.Create.class, TopicCommands.ListTopics.class, TopicCommands.Delete.class,
                TopicCommands.Publish.class})
final class TopicCommands {

    @Command(name = "create", description = "Create a topic.")
    static final class Create extends MqCli.Base {
        @Parameters(paramLabel = "TOPIC")
        String name;

        @Override
        public Integer call() {
            Created<TopicDescription> created = client().createTopic(name);
            root().print(created.value(), () -> root().out.println(
                    (created.created() ? "created topic " : "topic exists: ") + name));
            return 0;
        }
    }

    @Command(name = "list", description = "Topics, sorted by name.")
    static final class ListTopics extends MqCli.Base {
        @Override
        public Integer call() {
            List<TopicSummary> topics = client().listAllTopics();
            root().print(Map.of("topics", topics), () -> root().table(List.of("NAME"),
                    topics.stream().map(t -> List.of(t.name())).toList()));
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

    @Command(name = "publish", description = "Publish a message to every matching subscription.")
    static final class Publish extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "TOPIC")
        String topic;
        @Parameters(index = "1", paramLabel = "BODY")
        String body;
        @Mixin
        MessageCommands.MessageOptions options = new MessageCommands.MessageOptions();

        @Override
        public Integer call() {
            SendResult result = client().publish(topic, options.message(body));
            root().print(result, () -> root().out.println(result.messageId()
                    + (Boolean.TRUE.equals(result.duplicate()) ? " (duplicate)" : "")));
            return 0;
        }
    }
}
