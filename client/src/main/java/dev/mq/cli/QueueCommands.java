package dev.mq.cli;

import dev.mq.client.MqClient.Created;
import dev.mq.model.Json;
import dev.mq.model.Responses.QueueDescription;
import dev.mq.model.Responses.QueueSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mq queue create|get|list|delete|purge}. */
@Command(name = "queue", description = "Create, inspect, list, delete and purge queues.",
        subcommands = {QueueCommands.Create.class, QueueCommands.Get.class, QueueCommands.ListQueues.class,
                QueueCommands.Delete.class, QueueCommands.Purge.class})
final class QueueCommands {

    @Command(name = "create", description = "Create a queue (a name ending in .fifo makes a FIFO queue).")
    static final class Create extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String name;
        @Option(names = "--visibility-timeout", paramLabel = "S", description = "lease of a received message (s)")
        Integer visibility;
        @Option(names = "--retention", paramLabel = "S", description = "how long a message is kept (s)")
        Integer retention;
        @Option(names = "--delay", paramLabel = "S", description = "delay of every message (s)")
        Integer delay;
        @Option(names = "--receive-wait", paramLabel = "S", description = "default long-poll wait (s)")
        Integer receiveWait;
        @Option(names = "--max-message-bytes", paramLabel = "N")
        Integer maxBytes;
        @Option(names = "--dedup-window", paramLabel = "S")
        Integer dedupWindow;
        @Option(names = "--content-based-dedup", description = "a missing deduplication id is the body's SHA-256")
        boolean contentBased;
        @Option(names = "--dead-letter-queue", paramLabel = "QUEUE")
        String deadLetterQueue;
        @Option(names = "--max-receives", paramLabel = "N", description = "receives before a message is dead-lettered")
        Integer maxReceives;

        @Override
        public Integer call() {
            Map<String, Object> attributes = new LinkedHashMap<>();
            put(attributes, "visibilityTimeoutSeconds", visibility);
            put(attributes, "messageRetentionSeconds", retention);
            put(attributes, "delaySeconds", delay);
            put(attributes, "receiveWaitSeconds", receiveWait);
            put(attributes, "maxMessageBytes", maxBytes);
            put(attributes, "deduplicationWindowSeconds", dedupWindow);
            put(attributes, "contentBasedDeduplication", contentBased ? Boolean.TRUE : null);
            put(attributes, "deadLetterQueue", deadLetterQueue);
            put(attributes, "maxReceiveCount", maxReceives);
            Created<QueueDescription> created = client().createQueue(name, attributes);
            root().print(created.value(), () -> root().out.println(
                    (created.created() ? "created queue " : "queue exists: ") + name));
            return 0;
        }

        private static void put(Map<String, Object> attributes, String name, Object value) {
            if (value != null) {
                attributes.put(name, value);
            }
        }
    }

    @Command(name = "get", description = "A queue's attributes and message counts.")
    static final class Get extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Override
        public Integer call() {
            QueueDescription q = client().getQueue(name);
            root().print(q, () -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("name", q.name());
                fields.put("fifo", q.fifo());
                fields.put("createdAt", q.createdAt());
                Json.MAPPER.convertValue(q.attributes(), Map.class).forEach((k, v) -> fields.put((String) k, v));
                if (q.stats() != null) {
                    fields.put("visible", q.stats().visible());
                    fields.put("inFlight", q.stats().inFlight());
                    fields.put("delayed", q.stats().delayed());
                    fields.put("oldestMessageAgeSeconds", q.stats().oldestMessageAgeSeconds());
                }
                root().fields(fields);
            });
            return 0;
        }
    }

    @Command(name = "list", description = "Queues, sorted by name.")
    static final class ListQueues extends MqCli.Base {
        @Option(names = "--prefix", description = "only names starting with this")
        String prefix;

        @Override
        public Integer call() {
            List<QueueSummary> queues = client().listAllQueues(prefix);
            root().print(Map.of("queues", queues), () -> root().table(List.of("NAME", "FIFO", "CREATED"),
                    queues.stream().map(q -> List.of(q.name(), q.fifo() ? "yes" : "no", q.createdAt())).toList()));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a queue and its messages.")
    static final class Delete extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Override
        public Integer call() {
            client().deleteQueue(name);
            root().print(Map.of("deleted", name), () -> root().out.println("deleted queue " + name));
            return 0;
        }
    }

    @Command(name = "purge", description = "Delete every message of a queue, keeping the queue.")
    static final class Purge extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Override
        public Integer call() {
            client().purgeQueue(name);
            root().print(Map.of("purged", name), () -> root().out.println("purged queue " + name));
            return 0;
        }
    }
}
