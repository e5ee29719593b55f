package dev.mq.cli;

import dev.mq.client.Message;
import dev.mq.model.Responses.AckResult;
import dev.mq.model.Responses.BrowseResponse;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.model.Responses.SendResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The message commands: send, receive, ack, tail, peek, redrive. */
final class MessageCommands {
    private MessageCommands() {}

    /** Options a sent or published message takes. */
    static final class MessageOptions {
        @Option(names = "--attr", paramLabel = "NAME=VALUE", description = "a message attribute (repeatable)")
        Map<String, String> attributes = Map.of();
        @Option(names = "--group", paramLabel = "ID", description = "message group (FIFO queues)")
        String group;
        @Option(names = "--dedup-id", paramLabel = "ID", description = "deduplication id (one message only)")
        String dedupId;
        @Option(names = "--delay", paramLabel = "S", description = "deliver after this many seconds")
        Integer delay;

        Message message(String body) {
            Message m = Message.of(body).withAttributes(attributes).withGroupId(group).withDeduplicationId(dedupId);
            return delay == null ? m : m.withDelaySeconds(delay);
        }
    }

    @Command(name = "send", description = {"Send messages: each BODY argument is one; with --file or '-' each "
            + "non-empty line of the file or of standard input is one, sent in batches of 10."})
    static final class Send extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "1..*", paramLabel = "BODY", description = "message bodies; '-' reads standard input")
        List<String> bodies = List.of();
        @Option(names = "--file", paramLabel = "FILE", description = "one message per line")
        Path file;
        @Option(names = "--progress", description = "show a progress bar (default: on a terminal)")
        Boolean progress;
        @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
                description = "batches in flight at once (standard queues; FIFO queues send in order, one at a time)")
        int parallel;
        @picocli.CommandLine.Mixin
        MessageOptions options = new MessageOptions();

        @Override
        public Integer call() throws IOException {
            boolean fromLines = file != null || bodies.equals(List.of("-"));
            if (!fromLines && bodies.isEmpty()) {
                throw new IllegalArgumentException("give message bodies, --file FILE, or '-' for standard input");
            }
            if (options.dedupId != null && (fromLines || bodies.size() > 1)) {
                throw new IllegalArgumentException("--dedup-id names one message; it cannot apply to several");
            }
            List<SendResult> results = new ArrayList<>();
            if (!fromLines) {
                List<Message> messages = bodies.stream().map(options::message).toList();
                for (int i = 0; i < messages.size(); i += 10) {
                    results.addAll(client().sendBatch(queue, messages.subList(i, Math.min(i + 10, messages.size()))));
                }
                root().print(Map.of("results", results), () -> results.forEach(r ->
                        root().out.println(r.error() == null ? r.messageId() : "error: " + r.error().code()
                                + ": " + r.error().message())));
            } else {
                sendLines(results);
                long errors = results.stream().filter(r -> r.error() != null).count();
                long duplicates = results.stream().filter(r -> Boolean.TRUE.equals(r.duplicate())).count();
                root().print(Map.of("sent", results.size() - errors, "duplicates", duplicates, "errors", errors),
                        () -> {
                            root().out.println("sent " + (results.size() - errors) + " messages to " + queue
                                    + (duplicates > 0 ? " (" + duplicates + " duplicates)" : "")
                                    + (errors > 0 ? ", " + errors + " refused" : ""));
                            results.stream().filter(r -> r.error() != null).limit(10).forEach(r -> root().err.println(
                                    "refused: " + r.error().code() + ": " + r.error().message()));
                        });
            }
            return results.stream().anyMatch(r -> r.error() != null) ? MqCli.API_ERROR : 0;
        }

        /**
         * Sends the lines in batches of 10, several batches at a time on a standard queue; one at a time on a
         * FIFO queue, whose order is the order of the lines.
         */
        private void sendLines(List<SendResult> results) throws IOException {
            long total = file == null ? -1 : countLines(file);
            boolean bar = progress != null ? progress : System.console() != null && !root().json;
            int inFlight = queue.endsWith(".fifo") ? 1 : Math.max(1, parallel);
            client(); // built here, once, not raced for by the sending threads
            ExecutorService pool = Executors.newFixedThreadPool(inFlight);
            Semaphore window = new Semaphore(inFlight);
            AtomicLong sent = new AtomicLong();
            List<Future<List<SendResult>>> batches = new ArrayList<>();
            try (BufferedReader reader = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                    : new BufferedReader(new InputStreamReader(root().in, StandardCharsets.UTF_8))) {
                List<Message> batch = new ArrayList<>(10);
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        batch.add(options.message(line));
                    }
                    if (batch.size() == 10) {
                        batches.add(submit(pool, window, List.copyOf(batch), sent, bar, total));
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    batches.add(submit(pool, window, List.copyOf(batch), sent, bar, total));
                }
                for (Future<List<SendResult>> done : batches) {
                    results.addAll(done.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
            if (bar) {
                root().err.println();
            }
        }

        private Future<List<SendResult>> submit(ExecutorService pool, Semaphore window, List<Message> batch,
                                                AtomicLong sent, boolean bar, long total) throws InterruptedException {
            window.acquire();
            return pool.submit(() -> {
                try {
                    List<SendResult> answer = client().sendBatch(queue, batch);
                    long done = sent.addAndGet(answer.size());
                    if (bar) {
                        progressBar(done, total);
                    }
                    return answer;
                } finally {
                    window.release();
                }
            });
        }

        private static long countLines(Path path) throws IOException {
            try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {
                return lines.filter(l -> !l.isBlank()).count();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        private synchronized void progressBar(long done, long total) {
            if (total <= 0) {
                root().err.print("\rsent " + done);
            } else {
                int width = 30;
                int filled = (int) (width * done / total);
                root().err.print(String.format("\r[%s%s] %d/%d %3d%%", "#".repeat(filled), " ".repeat(width - filled),
                        done, total, 100 * done / total));
            }
            root().err.flush();
        }
    }

    @Command(name = "receive", description = "Receive messages; each stays leased for its visibility timeout "
            + "until acked (mq ack) or, with --ack, is acked once printed.")
    static final class Receive extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;
        @Option(names = "--max", paramLabel = "N", defaultValue = "1", description = "1..10 (default ${DEFAULT-VALUE})")
        int max;
        @Option(names = "--wait", paramLabel = "S", defaultValue = "0", description = "long-poll wait, 0..20 s")
        int wait;
        @Option(names = "--visibility-timeout", paramLabel = "S", description = "lease (default: the queue's)")
        Integer visibility;
        @Option(names = "--ack", description = "ack each message after printing it")
        boolean ack;

        @Override
        public Integer call() {
            List<ReceivedMessage> messages = client().receive(queue, max, wait, visibility);
            root().print(Map.of("messages", messages), () -> {
                if (messages.isEmpty()) {
                    root().out.println("no messages");
                } else {
                    root().table(List.of("MESSAGE-ID", "RECEIVES", "BODY", "RECEIPT-HANDLE"), messages.stream()
                            .map(m -> List.of(m.messageId(), Integer.toString(m.receiveCount()),
                                    MqCli.shorten(m.body(), 60), m.receiptHandle())).toList());
                }
            });
            if (ack) {
                messages.forEach(m -> client().ack(queue, m.receiptHandle()));
            }
            return 0;
        }
    }

    @Command(name = "ack", description = "Acknowledge (delete) received messages by their receipt handles.")
    static final class Ack extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "RECEIPT-HANDLE")
        List<String> handles;

        @Override
        public Integer call() {
            List<AckResult> results = new ArrayList<>();
            for (int i = 0; i < handles.size(); i += 10) {
                results.addAll(client().ackBatch(queue, handles.subList(i, Math.min(i + 10, handles.size()))));
            }
            long failed = results.stream().filter(r -> r.error() != null).count();
            root().print(Map.of("results", results), () -> {
                root().out.println("acked " + (results.size() - failed) + " of " + results.size());
                results.stream().filter(r -> r.error() != null).forEach(r -> root().err.println(
                        "not acked: " + r.error().code() + ": " + r.error().message()));
            });
            return failed > 0 ? MqCli.API_ERROR : 0;
        }
    }

    @Command(name = "tail", description = "Consume continuously: print each message's body (a JSON line with "
            + "--json) and ack it. Ctrl-C stops.")
    static final class Tail extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;
        @Option(names = "--max", paramLabel = "N", description = "stop after N messages")
        Long max;
        @Option(names = "--wait", paramLabel = "S", defaultValue = "20", description = "long-poll wait per receive")
        int wait;
        @Option(names = "--idle-exit", paramLabel = "S", description = "stop after this many seconds with no message")
        Integer idleExit;

        @Override
        public Integer call() {
            long seen = 0;
            long idleSince = System.nanoTime();
            while (max == null || seen < max) {
                int batch = (int) Math.min(10, max == null ? 10 : max - seen);
                List<ReceivedMessage> messages = client().receive(queue, batch, wait);
                if (messages.isEmpty()) {
                    if (idleExit != null && System.nanoTime() - idleSince >= idleExit * 1_000_000_000L) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ReceivedMessage m : messages) {
                    root().print(m, () -> root().out.println(m.body()));
                    root().out.flush();
                    client().ack(queue, m.receiptHandle());
                    seen++;
                }
            }
            return 0;
        }
    }

    @Command(name = "peek", description = "Look at a queue's messages in send order without taking them.")
    static final class Peek extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "1..100 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            BrowseResponse page = client().browse(queue, limit, null);
            root().print(page, () -> {
                if (page.messages().isEmpty()) {
                    root().out.println("no messages");
                    return;
                }
                root().table(List.of("MESSAGE-ID", "STATE", "RECEIVES", "SENT", "BODY"), page.messages().stream()
                        .map(m -> List.of(m.messageId(), m.state(), Integer.toString(m.receiveCount()), m.sentAt(),
                                MqCli.shorten(m.body(), 60))).toList());
                if (page.next() != null) {
                    root().out.println("(more: use --json and the API's next token, or a larger --limit)");
                }
            });
            return 0;
        }
    }

    @Command(name = "redrive", description = "Move messages out of a dead-letter queue.")
    static final class Redrive extends MqCli.Base {
        @Parameters(paramLabel = "DEAD-LETTER-QUEUE")
        String queue;
        @Option(names = "--to", paramLabel = "QUEUE", description = "destination (default: where each came from)")
        String destination;
        @Option(names = "--max", paramLabel = "N", description = "at most N messages")
        Integer max;

        @Override
        public Integer call() {
            int moved = client().redrive(queue, destination, max);
            root().print(Map.of("moved", moved), () -> root().out.println("moved " + moved + " messages"));
            return 0;
        }
    }
}
