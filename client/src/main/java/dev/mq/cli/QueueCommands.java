package dev.mq.cli;

import dev.mq.client.MqClient.Created;
import dev.mq.client.MqException;
import dev.mq.model.Json;
import dev.mq.model.RedriveAllowPolicy;
import dev.mq.model.Responses.QueueDescription;
import dev.mq.model.Responses.QueueStats;
import dev.mq.model.Responses.QueueSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mq queue create|update|get|list|delete|purge}. */
@Command(
        name = "queue",
        description = "Create, change, inspect, list, delete and purge queues.",
        subcommands = {
            QueueCommands.Create.class,
            QueueCommands.Update.class,
            QueueCommands.Get.class,
            QueueCommands.ListQueues.class,
            QueueCommands.Delete.class,
            QueueCommands.Purge.class
        })
final class QueueCommands {

    /** A queue's settings as options; only those given are sent (docs/openapi.yaml lists each one's range and default). */
    static final class Settings {
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

        @Option(
                names = "--content-based-dedup",
                negatable = true,
                description = "a missing deduplication id is the body's SHA-256")
        Boolean contentBased;

        @Option(names = "--dead-letter-queue", paramLabel = "QUEUE")
        String deadLetterQueue;

        @Option(names = "--max-receives", paramLabel = "N", description = "receives before a message is dead-lettered")
        Integer maxReceives;

        Map<String, Object> attributes() {
            Map<String, Object> attributes = new LinkedHashMap<>();
            put(attributes, "visibilityTimeoutSeconds", visibility);
            put(attributes, "messageRetentionSeconds", retention);
            put(attributes, "delaySeconds", delay);
            put(attributes, "receiveWaitSeconds", receiveWait);
            put(attributes, "maxMessageBytes", maxBytes);
            put(attributes, "deduplicationWindowSeconds", dedupWindow);
            put(attributes, "contentBasedDeduplication", contentBased);
            put(attributes, "deadLetterQueue", deadLetterQueue);
            put(attributes, "maxReceiveCount", maxReceives);
            return attributes;
        }

        private static void put(Map<String, Object> attributes, String name, Object value) {
            if (value != null) {
                attributes.put(name, value);
            }
        }
    }

    @Command(name = "create", description = "Create a queue (a name ending in .fifo makes a FIFO queue).")
    static final class Create extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Mixin
        Settings settings = new Settings();

        @Override
        public Integer call() {
            Created<QueueDescription> created = client().createQueue(name, settings.attributes());
            root().print(
                            created.value(),
                            () -> root().out.println((created.created() ? "created queue " : "queue exists: ") + name));
            return 0;
        }
    }

    @Command(name = "update", description = "Change a queue's settings; those not given keep their values.")
    static final class Update extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String name;

        @Mixin
        Settings settings = new Settings();

        @Option(names = "--no-dead-letter-queue", description = "messages are no longer dead-lettered")
        boolean noDeadLetterQueue;

        @Override
        public Integer call() {
            Map<String, Object> changes = settings.attributes();
            if (noDeadLetterQueue) {
                if (settings.deadLetterQueue != null || settings.maxReceives != null) {
                    throw new IllegalArgumentException(
                            "--no-dead-letter-queue cannot go with --dead-letter-queue or --max-receives");
                }
                changes.put("deadLetterQueue", null); // null removes it (docs/openapi.yaml)
            }
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("give at least one setting to change (mq queue update --help)");
            }
            QueueDescription updated = client().updateQueue(name, changes);
            root().print(updated, () -> root().out.println("updated queue " + name));
            return 0;
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
                fields.put("modifiedAt", q.modifiedAt());
                Json.MAPPER.convertValue(q.attributes(), Map.class).forEach((k, v) -> fields.put((String) k, v));
                RedriveAllowPolicy policy = q.attributes().redriveAllowPolicy();
                fields.put(
                        "redriveAllowPolicy",
                        policy.permission().wireName()
                                + (policy.sourceQueues().isEmpty()
                                        ? ""
                                        : " " + String.join(",", policy.sourceQueues())));
                fields.put("tags", MqCli.attributes(q.tags()));
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

    @Command(name = "list", description = "Queues, sorted by name, with their message counts.")
    static final class ListQueues extends MqCli.Base {
        /** Each queue's counts are one request; this many run at once. */
        private static final int STATS_IN_FLIGHT = 8;

        @Option(names = "--prefix", description = "only names starting with this")
        String prefix;

        @Option(names = "--no-counts", description = "names only: no request per queue for its message counts")
        boolean noCounts;

        @Override
        public Integer call() {
            List<QueueSummary> queues = client().listAllQueues(prefix);
            root().print(Map.of("queues", queues), () -> {
                if (noCounts) {
                    root().table(
                                    List.of("NAME", "FIFO", "CREATED"),
                                    queues.stream()
                                            .map(q -> List.of(q.name(), q.fifo() ? "yes" : "no", q.createdAt()))
                                            .toList());
                    return;
                }
                List<QueueStats> stats = statsOf(queues);
                List<List<String>> rows = new ArrayList<>();
                for (int i = 0; i < queues.size(); i++) {
                    QueueSummary q = queues.get(i);
                    QueueStats s = stats.get(i);
                    rows.add(List.of(
                            q.name(),
                            q.fifo() ? "yes" : "no",
                            count(s, QueueStats::visible),
                            count(s, QueueStats::inFlight),
                            count(s, QueueStats::delayed),
                            q.createdAt()));
                }
                root().table(List.of("NAME", "FIFO", "VISIBLE", "IN-FLIGHT", "DELAYED", "CREATED"), rows);
            });
            return 0;
        }

        /** Each queue's stats in list order; null for one deleted since it was listed. */
        private List<QueueStats> statsOf(List<QueueSummary> queues) {
            if (queues.isEmpty()) {
                return List.of();
            }
            client(); // built once, before the threads ask for it
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(STATS_IN_FLIGHT, queues.size()));
            try {
                List<CompletableFuture<QueueStats>> pending = queues.stream()
                        .map(q -> CompletableFuture.supplyAsync(() -> stats(q.name()), pool))
                        .toList();
                return pending.stream().map(CompletableFuture::join).toList();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            } finally {
                pool.shutdownNow();
            }
        }

        private QueueStats stats(String queue) {
            try {
                return client().getQueue(queue).stats();
            } catch (MqException.QueueNotFound gone) {
                return null;
            }
        }

        private static String count(QueueStats stats, ToLongFunction<QueueStats> field) {
            return stats == null ? "-" : Long.toString(field.applyAsLong(stats));
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
