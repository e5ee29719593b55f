package dev.mq.cli;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.MqException;
import dev.mq.model.Responses.AckResult;
import dev.mq.model.Responses.BrowseResponse;
import dev.mq.model.Responses.BrowsedMessage;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.model.Responses.SendResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The message commands: send, receive, ack, nack, visibility, tail, peek, redrive. */
final class MessageCommands {
    private MessageCommands() {}

    /** Options every sent or published message takes. */
    static final class MessageOptions {
        @Option(names = "--attr", paramLabel = "NAME=VALUE", description = "a message attribute (repeatable)")
        Map<String, String> attributes = Map.of();

        @Option(
                names = "--attr-type",
                paramLabel = "NAME=TYPE",
                description =
                        "an attribute's SQS data type: Number, Binary (the value is base64), String.label... (repeatable)")
        Map<String, String> attributeTypes = Map.of();

        @Option(names = "--dedup-id", paramLabel = "ID", description = "deduplication id (one message only)")
        String dedupId;

        Message message(String body) {
            Message m = Message.of(body).withAttributes(attributes).withDeduplicationId(dedupId);
            return new Message(
                    m.body(),
                    m.attributes(),
                    m.delaySeconds(),
                    m.deliverAt(),
                    m.deduplicationId(),
                    m.groupId(),
                    attributeTypes);
        }
    }

    /** Options only a queue takes: a topic delivers at once and has no message groups (the server refuses both). */
    static final class QueueMessageOptions {
        @Option(names = "--group", paramLabel = "ID", description = "message group (FIFO queues)")
        String group;

        @Option(names = "--delay", paramLabel = "S", description = "deliver after this many seconds")
        Integer delay;

        Message apply(Message m) {
            Message grouped = m.withGroupId(group);
            return delay == null ? grouped : grouped.withDelaySeconds(delay);
        }
    }

    /**
     * Sending to a queue or publishing to a topic: bodies as arguments, or each non-empty line of a file or of
     * standard input, in batches of 10. Standard input is read for '-', and also when no bodies are given and
     * it is not a terminal ({@code seq 1 100 | mq send q}).
     */
    abstract static class Sending extends MqCli.Base {
        @Parameters(
                index = "1..*",
                paramLabel = "BODY",
                description = "message bodies; '-' (or none, when "
                        + "standard input is not a terminal) reads one message per line of standard input")
        List<String> bodies = List.of();

        @Option(names = "--file", paramLabel = "FILE", description = "one message per line")
        Path file;

        @Option(
                names = "--progress",
                negatable = true,
                description = "a progress bar on standard error while sending lines (default: when it is a terminal)")
        Boolean progress;

        @Option(
                names = "--parallel",
                paramLabel = "N",
                defaultValue = "4",
                description = "batches in flight at once (standard queues; FIFO queues send in order, one at a time)")
        int parallel;

        @Mixin
        MessageOptions options = new MessageOptions();

        /** The queue or topic, as the summary names it. */
        abstract String target();

        abstract Message message(String body);

        abstract List<SendResult> sendBatch(List<Message> batch);

        /** A FIFO queue keeps the lines' order: one batch in flight. */
        boolean ordered() {
            return false;
        }

        @Override
        public Integer call() throws IOException {
            if (file != null && !bodies.isEmpty()) {
                throw new IllegalArgumentException("give message bodies or --file, not both");
            }
            if (bodies.contains("-") && bodies.size() > 1) {
                throw new IllegalArgumentException("'-' reads the messages from standard input; give it alone");
            }
            boolean fromStdin = bodies.equals(List.of("-"))
                    || (bodies.isEmpty() && file == null && !root().terminal.input());
            if (!fromStdin && file == null && bodies.isEmpty()) {
                throw new IllegalArgumentException(
                        "give message bodies, --file FILE, or '-' (or a pipe) for one message per line of standard input");
            }
            boolean fromLines = fromStdin || file != null;
            if (options.dedupId != null && (fromLines || bodies.size() > 1)) {
                throw new IllegalArgumentException("--dedup-id names one message; it cannot apply to several");
            }
            if (fromLines) {
                return sendLines();
            }
            return sendArguments().stream().anyMatch(r -> r.error() != null) ? MqCli.API_ERROR : 0;
        }

        /** Bodies given as arguments: one line per message, its id or why it was refused. */
        private List<SendResult> sendArguments() {
            List<SendResult> results = new ArrayList<>();
            List<Message> messages = bodies.stream().map(this::message).toList();
            for (int i = 0; i < messages.size(); i += 10) {
                results.addAll(sendBatch(messages.subList(i, Math.min(i + 10, messages.size()))));
            }
            root().print(
                            Map.of("results", results),
                            () -> results.forEach(r -> root().out
                                    .println(
                                            r.error() != null
                                                    ? "error: " + r.error().code() + ": "
                                                            + r.error().message()
                                                    : r.messageId()
                                                            + (Boolean.TRUE.equals(r.duplicate())
                                                                    ? " (duplicate)"
                                                                    : ""))));
            return results;
        }

        /**
         * Sends the lines in batches of 10, several batches at a time unless {@link #ordered()}; then prints a
         * summary line, and on standard error the input lines (numbered from 1, blank ones counted) that were not
         * sent or whose outcome is unknown, so a rerun can resume exactly. A batch that fails as a whole (an
         * unknown outcome, a refusal, a lost connection) stops the reading: batches in flight finish, no new one
         * starts. Per-message refusals (a body too large) do not stop it.
         */
        private int sendLines() throws IOException {
            long total = file == null ? -1 : countLines(file);
            boolean bar = progress != null ? progress : root().terminal.errors() && !root().json;
            Progress counter = new Progress(bar ? root().err : null, total);
            int inFlight = ordered() ? 1 : Math.max(1, parallel);
            client(); // built here, once, not raced for by the sending threads
            ExecutorService pool = Executors.newFixedThreadPool(inFlight);
            Semaphore window = new Semaphore(inFlight);
            AtomicReference<MqException> firstFailure = new AtomicReference<>();
            List<Future<List<LineResult>>> batches = new ArrayList<>();
            long notSentFrom = 0;
            long started = System.nanoTime();
            try (BufferedReader reader = file != null
                    ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                    : new BufferedReader(new InputStreamReader(root().in, StandardCharsets.UTF_8))) {
                List<Line> batch = new ArrayList<>(10);
                long number = 0;
                String text;
                while (notSentFrom == 0 && (text = reader.readLine()) != null) {
                    number++;
                    if (!text.isBlank()) {
                        batch.add(new Line(number, message(text)));
                    }
                    if (batch.size() == 10) {
                        notSentFrom = submit(pool, window, firstFailure, List.copyOf(batch), counter, batches);
                        batch.clear();
                    }
                }
                if (notSentFrom == 0 && !batch.isEmpty()) {
                    notSentFrom = submit(pool, window, firstFailure, List.copyOf(batch), counter, batches);
                }
                pool.shutdown(); // what is in flight finishes: its messages may be stored, so its answers count
                pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } finally {
                pool.shutdown();
                counter.finish();
            }
            List<LineResult> results = new ArrayList<>();
            for (Future<List<LineResult>> done : batches) {
                results.addAll(finished(done));
            }
            printSummary(results, notSentFrom, System.nanoTime() - started);
            MqException stopped = firstFailure.get();
            if (stopped != null) {
                return MqCli.exitCode(stopped);
            }
            return results.stream().allMatch(r -> r.outcome() == Outcome.SENT) ? 0 : MqCli.API_ERROR;
        }

        /**
         * Starts sending a batch once one of the window's places is free, unless a batch failed meanwhile.
         * Answers 0, or the number of the batch's first line when it was not started: the line to resume from.
         */
        private long submit(
                ExecutorService pool,
                Semaphore window,
                AtomicReference<MqException> firstFailure,
                List<Line> batch,
                Progress counter,
                List<Future<List<LineResult>>> batches)
                throws InterruptedException {
            window.acquire();
            if (firstFailure.get() != null) {
                window.release();
                return batch.get(0).number();
            }
            batches.add(pool.submit(() -> {
                try {
                    List<LineResult> answer = sendLineBatch(batch, firstFailure);
                    counter.completed(answer);
                    return answer;
                } finally {
                    window.release();
                }
            }));
            return 0;
        }

        /** One batch's result per line; a failure of the whole batch is recorded as the first, if it is. */
        private List<LineResult> sendLineBatch(List<Line> batch, AtomicReference<MqException> firstFailure) {
            List<SendResult> answers;
            try {
                answers = sendBatch(batch.stream().map(Line::message).toList());
            } catch (MqException failure) {
                firstFailure.compareAndSet(null, failure); // before the window opens: no batch starts after it
                Outcome outcome = failure instanceof MqException.OutcomeUnknown ? Outcome.UNKNOWN : Outcome.REFUSED;
                String why = root().describe(failure);
                return batch.stream()
                        .map(l -> new LineResult(l.number(), outcome, false, why))
                        .toList();
            }
            List<LineResult> results = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                SendResult r = answers.get(i);
                results.add(
                        r.error() == null
                                ? new LineResult(
                                        batch.get(i).number(), Outcome.SENT, Boolean.TRUE.equals(r.duplicate()), null)
                                : new LineResult(
                                        batch.get(i).number(),
                                        Outcome.REFUSED,
                                        false,
                                        r.error().code() + ": " + r.error().message()));
            }
            return results;
        }

        private static List<LineResult> finished(Future<List<LineResult>> batch) {
            try {
                return batch.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }

        /**
         * The summary line; then, on standard error, each group of lines not sent or of unknown outcome with the
         * reason, and the line to resume from when the reading stopped early. With --json the same as one object.
         */
        private void printSummary(List<LineResult> results, long notSentFrom, long nanos) {
            long sent =
                    results.stream().filter(r -> r.outcome() == Outcome.SENT).count();
            long failed =
                    results.stream().filter(r -> r.outcome() == Outcome.REFUSED).count();
            long unknown =
                    results.stream().filter(r -> r.outcome() == Outcome.UNKNOWN).count();
            long duplicates = results.stream().filter(LineResult::duplicate).count();
            double seconds = Math.max(nanos, 1_000_000) / 1e9;
            List<Failure> failures = failures(results);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("sent", sent);
            summary.put("duplicates", duplicates);
            summary.put("errors", failed);
            summary.put("unknown", unknown);
            summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
            summary.put("failures", failures);
            summary.put("resumeFrom", notSentFrom == 0 ? null : notSentFrom);
            root().print(
                            summary,
                            () -> root().out
                                    .println(String.format(
                                            "sent %d messages to %s%s, %d failed%s, in %.1f s (%d msg/s)",
                                            sent,
                                            target(),
                                            duplicates > 0 ? " (" + duplicates + " duplicates)" : "",
                                            failed,
                                            unknown > 0 ? ", " + unknown + " outcome unknown" : "",
                                            seconds,
                                            Math.round(sent / seconds))));
            for (Failure f : failures) {
                root().err.println("mq: " + f.describe());
            }
            if (notSentFrom > 0) {
                root().err
                        .println("mq: stopped at the first failure: lines from " + notSentFrom
                                + " on were not sent (resume with tail -n +" + notSentFrom + ")");
            }
        }

        private static List<Failure> failures(List<LineResult> results) {
            record Reason(Outcome outcome, String why) {}
            Map<Reason, List<Long>> lines = new LinkedHashMap<>();
            results.stream()
                    .filter(r -> r.outcome() != Outcome.SENT)
                    .sorted(Comparator.comparingLong(LineResult::line))
                    .forEach(r -> lines.computeIfAbsent(new Reason(r.outcome(), r.why()), k -> new ArrayList<>())
                            .add(r.line()));
            List<Failure> failures = new ArrayList<>();
            lines.forEach(
                    (reason, numbers) -> failures.add(new Failure(reason.outcome(), ranges(numbers), reason.why())));
            failures.sort(Comparator.comparingLong(f -> f.lines().get(0)[0]));
            return failures;
        }

        /** Ascending line numbers as ranges of consecutive ones: 1, 2, 3, 7 is [1, 3], [7, 7]. */
        static List<long[]> ranges(List<Long> ascending) {
            List<long[]> ranges = new ArrayList<>();
            for (long n : ascending) {
                long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && last[1] + 1 == n) {
                    last[1] = n;
                } else {
                    ranges.add(new long[] {n, n});
                }
            }
            return ranges;
        }

        private static long countLines(Path path) throws IOException {
            try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {
                return lines.filter(l -> !l.isBlank()).count();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    /** What became of a line's message. */
    enum Outcome {
        SENT,
        REFUSED,
        UNKNOWN;

        @JsonValue
        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A message and the number of the input line it came from (from 1, blank lines counted). */
    record Line(long number, Message message) {}

    /** What became of one input line's message; {@code why} names the refusal or the unknown outcome's cause. */
    record LineResult(long line, Outcome outcome, boolean duplicate, String why) {}

    /** Input lines with the same fate and reason, as ranges of line numbers ({@code [[41, 50], [61, 61]]}). */
    record Failure(Outcome outcome, List<long[]> lines, String error) {
        String describe() {
            String numbers = lines.stream()
                    .map(r -> r[0] == r[1] ? Long.toString(r[0]) : r[0] + "-" + r[1])
                    .collect(Collectors.joining(", "));
            return (lines.size() == 1 && lines.get(0)[0] == lines.get(0)[1] ? "line " : "lines ")
                    + numbers
                    + (outcome == Outcome.UNKNOWN ? ": outcome unknown, may or may not be stored: " : ": not sent: ")
                    + error;
        }
    }

    /**
     * Counts the messages of completed batches and draws them as a bar on standard error. Counting and drawing
     * happen under one lock, so batches finishing on several threads never draw a smaller count after a larger.
     */
    static final class Progress {
        private static final int WIDTH = 30;
        private final PrintWriter bar;
        private final long total;
        private long sent;
        private long failed;

        /** @param bar where to draw, or null for no bar; @param total messages to send, or -1 if unknown */
        Progress(PrintWriter bar, long total) {
            this.bar = bar;
            this.total = total;
        }

        synchronized void completed(List<LineResult> batch) {
            for (LineResult r : batch) {
                if (r.outcome() == Outcome.SENT) {
                    sent++;
                } else {
                    failed++;
                }
            }
            if (bar != null) {
                bar.print("\r" + line());
                bar.flush();
            }
        }

        synchronized String line() {
            long done = sent + failed;
            String failures = failed > 0 ? " (" + failed + " failed)" : "";
            if (total <= 0) {
                return "sent " + done + failures;
            }
            int filled = (int) (WIDTH * done / total);
            return String.format(
                    "[%s%s] %d/%d %3d%%%s",
                    "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, 100 * done / total, failures);
        }

        synchronized void finish() {
            if (bar != null && sent + failed > 0) {
                bar.println();
                bar.flush();
            }
        }
    }

    @Command(
            name = "send",
            description = {
                "Send messages to a queue: each BODY argument is one; with --file, "
                        + "'-', or a pipe into standard input each non-empty line is one, sent in batches of 10."
            })
    static final class Send extends Sending {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Mixin
        QueueMessageOptions queueOptions = new QueueMessageOptions();

        @Override
        String target() {
            return "queue " + queue;
        }

        @Override
        Message message(String body) {
            return queueOptions.apply(options.message(body));
        }

        @Override
        List<SendResult> sendBatch(List<Message> batch) {
            return client().sendBatch(queue, batch);
        }

        @Override
        boolean ordered() {
            return queue.endsWith(".fifo");
        }
    }

    @Command(
            name = "receive",
            description = "Receive messages; each stays leased for its visibility timeout "
                    + "until acked (mq ack), released (mq nack) or, with --ack, acked once printed.")
    static final class Receive extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(names = "--max", paramLabel = "N", defaultValue = "1", description = "1..10 (default ${DEFAULT-VALUE})")
        int max;

        @Option(names = "--wait", paramLabel = "S", defaultValue = "0", description = "long-poll wait, 0..20 s")
        int wait;

        @Option(names = "--visibility-timeout", paramLabel = "S", description = "lease (default: the queue's)")
        Integer visibility;

        @Option(names = "--ack", description = "ack the messages once they were printed")
        boolean ack;

        @Override
        public Integer call() {
            List<ReceivedMessage> messages = client().receive(queue, max, wait, visibility);
            root().print(Map.of("messages", messages), () -> {
                if (messages.isEmpty()) {
                    root().out.println("no messages");
                    return;
                }
                boolean groups = messages.stream().anyMatch(m -> m.groupId() != null);
                List<String> headers = new ArrayList<>(List.of("MESSAGE-ID", "RECEIVES"));
                if (groups) {
                    headers.add("GROUP");
                }
                headers.addAll(List.of("ATTRIBUTES", "BODY", "RECEIPT-HANDLE"));
                root().table(
                                headers,
                                messages.stream()
                                        .map(m -> {
                                            List<String> row = new ArrayList<>(
                                                    List.of(m.messageId(), Integer.toString(m.receiveCount())));
                                            if (groups) {
                                                row.add(Objects.requireNonNullElse(m.groupId(), "-"));
                                            }
                                            row.addAll(List.of(
                                                    MqCli.attributes(m.attributes()),
                                                    MqCli.shorten(m.body(), 60),
                                                    m.receiptHandle()));
                                            return row;
                                        })
                                        .toList());
            });
            if (!ack || messages.isEmpty()) {
                return 0;
            }
            if (!root().outputWritten()) {
                release(client(), queue, messages);
                return root().outputFailed("no message was acked; they are back in the queue");
            }
            List<String> handles =
                    messages.stream().map(ReceivedMessage::receiptHandle).toList();
            List<AckResult> results = client().ackBatch(queue, handles);
            results.stream()
                    .filter(r -> r.error() != null)
                    .forEach(r -> root().err
                            .println("not acked: " + r.error().code() + ": "
                                    + r.error().message()));
            return results.stream().anyMatch(r -> r.error() != null) ? MqCli.API_ERROR : 0;
        }
    }

    /**
     * Gives received messages back at once (visibility 0) when they could not be handed on. Best effort: one
     * that cannot be released comes back anyway when its lease ends.
     */
    static void release(MqClient client, String queue, List<ReceivedMessage> messages) {
        for (ReceivedMessage m : messages) {
            try {
                client.changeVisibility(queue, m.receiptHandle(), 0);
            } catch (MqException e) {
                // its lease ends by itself
            }
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
                results.stream()
                        .filter(r -> r.error() != null)
                        .forEach(r -> root().err
                                .println("not acked: " + r.error().code() + ": "
                                        + r.error().message()));
            });
            return failed > 0 ? MqCli.API_ERROR : 0;
        }
    }

    @Command(
            name = "nack",
            description = "Give received messages back to the queue at once (visibility 0), "
                    + "to be received again, by their receipt handles.")
    static final class Nack extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "RECEIPT-HANDLE")
        List<String> handles;

        @Override
        public Integer call() {
            Map<String, String> refused = new LinkedHashMap<>();
            for (String handle : handles) {
                try {
                    client().changeVisibility(queue, handle, 0);
                } catch (MqException.ConnectionFailed unreachable) {
                    throw unreachable;
                } catch (MqException e) {
                    refused.put(handle, e.code().code() + ": " + e.getMessage());
                }
            }
            int released = handles.size() - refused.size();
            root().print(Map.of("released", released, "refused", refused), () -> {
                root().out.println("released " + released + " of " + handles.size());
                refused.values().forEach(why -> root().err.println("not released: " + why));
            });
            return refused.isEmpty() ? 0 : MqCli.API_ERROR;
        }
    }

    @Command(
            name = "visibility",
            description = "Change a received message's lease: it stays invisible for "
                    + "SECONDS from now (0 gives it back at once).")
    static final class Visibility extends MqCli.Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1", paramLabel = "RECEIPT-HANDLE")
        String handle;

        @Parameters(index = "2", paramLabel = "SECONDS", description = "0..43200")
        int seconds;

        @Override
        public Integer call() {
            client().changeVisibility(queue, handle, seconds);
            root().print(
                            Map.of("visibilityTimeoutSeconds", seconds),
                            () -> root().out
                                    .println(
                                            seconds == 0
                                                    ? "released the message"
                                                    : "the message stays invisible for " + seconds + " s"));
            return 0;
        }
    }

    @Command(
            name = "tail",
            description =
                    "Consume continuously: print each message's body (a JSON line with "
                            + "--json) and ack it once printed. Ctrl-C stops; so does a closed output, leaving the rest queued.")
    static final class Tail extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(names = "--max", paramLabel = "N", description = "stop after N messages")
        Long max;

        @Option(names = "--wait", paramLabel = "S", defaultValue = "20", description = "long-poll wait per receive")
        int wait;

        @Option(names = "--idle-exit", paramLabel = "S", description = "stop after this many seconds with no message")
        Integer idleExit;

        @Option(
                names = {"-l", "--long"},
                description = "print each message's id, group and attributes before its body")
        boolean longFormat;

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
                for (int i = 0; i < messages.size(); i++) {
                    ReceivedMessage m = messages.get(i);
                    root().print(m, () -> root().out.println(longFormat ? describe(m) : m.body()));
                    if (!root().outputWritten()) {
                        release(client(), queue, messages.subList(i, messages.size()));
                        return root().outputFailed("acked the " + seen + " messages written; the rest stay queued");
                    }
                    client().ack(queue, m.receiptHandle());
                    seen++;
                }
            }
            return 0;
        }

        private static String describe(ReceivedMessage m) {
            return m.messageId() + (m.groupId() == null ? "" : "  group=" + m.groupId()) + "  "
                    + MqCli.attributes(m.attributes()) + "  " + m.body();
        }
    }

    @Command(
            name = "peek",
            description =
                    "Look at a queue's messages in the order they arrived in the queue (a redriven message arrives again), without taking them.")
    static final class Peek extends MqCli.Base {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(
                names = "--limit",
                paramLabel = "N",
                description = "messages per page, 1..100 (default 20, with --all 100)")
        Integer limit;

        @Option(names = "--next", paramLabel = "TOKEN", description = "the page after the one that printed TOKEN")
        String next;

        @Option(names = "--all", description = "every message, page after page")
        boolean all;

        @Override
        public Integer call() {
            int pageSize = limit != null ? limit : all ? 100 : 20;
            BrowseResponse page = client().browse(queue, pageSize, next);
            if (all) {
                List<BrowsedMessage> every = new ArrayList<>(page.messages());
                while (page.next() != null) {
                    page = client().browse(queue, pageSize, page.next());
                    every.addAll(page.messages());
                }
                page = new BrowseResponse(every, null);
            }
            BrowseResponse shown = page;
            root().print(shown, () -> {
                if (shown.messages().isEmpty()) {
                    root().out.println("no messages");
                    return;
                }
                boolean groups = shown.messages().stream().anyMatch(m -> m.groupId() != null);
                List<String> headers = new ArrayList<>(List.of("MESSAGE-ID", "STATE", "RECEIVES", "SENT"));
                if (groups) {
                    headers.add("GROUP");
                }
                headers.addAll(List.of("ATTRIBUTES", "BODY"));
                root().table(
                                headers,
                                shown.messages().stream()
                                        .map(m -> {
                                            List<String> row = new ArrayList<>(List.of(
                                                    m.messageId(),
                                                    m.state(),
                                                    Integer.toString(m.receiveCount()),
                                                    m.sentAt()));
                                            if (groups) {
                                                row.add(Objects.requireNonNullElse(m.groupId(), "-"));
                                            }
                                            row.addAll(List.of(
                                                    MqCli.attributes(m.attributes()), MqCli.shorten(m.body(), 60)));
                                            return row;
                                        })
                                        .toList());
                if (shown.next() != null) {
                    root().out.println("more: mq peek " + queue + " --next " + shown.next());
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
