package dev.mq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mq.client.HangingUpServer;
import dev.mq.client.Message;
import dev.mq.client.MqClient;
import dev.mq.client.TestServer;
import dev.mq.local.LocalServer;
import dev.mq.model.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mq command line run in-process against the local server: each command's output and exit code. */
class MqCliTest {
    final MqClient mq = TestServer.client();

    /** One run: exit code, standard output, standard error. */
    record Run(int code, String out, String err) {
        JsonNode json() {
            return Json.MAPPER.valueToTree(Json.parseObject(out));
        }
    }

    private Run mq(String... args) {
        return mqWithInput("", args);
    }

    private Run mqWithInput(String stdin, String... args) {
        return mqOn(MqCli.Terminal.NONE, stdin, args);
    }

    /** A run whose standard input and error are, or are not, an interactive terminal. */
    private Run mqOn(MqCli.Terminal terminal, String stdin, String... args) {
        return runAt(TestServer.url().toString(), terminal, stdin, args);
    }

    /** A run whose standard output takes {@code lines} lines and then fails, as a closed pipe does. */
    private Run mqWithOutputClosedAfter(int lines, StringWriter written, String... args) {
        StringWriter err = new StringWriter();
        int code = MqCli.run(
                new PrintWriter(new ClosingAfter(lines, written)),
                new PrintWriter(err),
                new ByteArrayInputStream(new byte[0]),
                withEndpoint(TestServer.url().toString(), args));
        return new Run(code, written.toString(), err.toString());
    }

    private static String[] withEndpoint(String endpoint, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--endpoint";
        all[1] = endpoint;
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** Takes a number of lines, then throws on every write (what a pipe does once its reader is gone). */
    private static final class ClosingAfter extends Writer {
        private final StringWriter written;
        private int linesLeft;

        ClosingAfter(int lines, StringWriter written) {
            this.linesLeft = lines;
            this.written = written;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (linesLeft == 0) {
                    throw new IOException("Broken pipe");
                }
                written.write(chars[i]);
                if (chars[i] == '\n') {
                    linesLeft--;
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @Test
    void queueCommands_createGetListPurgeDelete() {
        String q = TestServer.unique("cli");

        Run created = mq(
                "queue",
                "create",
                q,
                "--visibility-timeout",
                "45",
                "--max-receives",
                "3",
                "--dead-letter-queue",
                make("cli-dlq"));
        assertThat(created.code()).isZero();
        assertThat(created.out()).isEqualTo("created queue " + q + System.lineSeparator());
        assertThat(mq(
                                "queue",
                                "create",
                                q,
                                "--visibility-timeout",
                                "45",
                                "--max-receives",
                                "3",
                                "--dead-letter-queue",
                                mq.getQueue(q).attributes().deadLetterQueue())
                        .out())
                .startsWith("queue exists");

        Run get = mq("queue", "get", q);
        assertThat(get.out())
                .contains("visibilityTimeoutSeconds    45")
                .contains("maxReceiveCount             3")
                .contains("redriveAllowPolicy          allowAll")
                .contains("tags                        -")
                .containsPattern("modifiedAt +20")
                .contains("visible ");
        assertThat(mq("--json", "queue", "get", q)
                        .json()
                        .at("/attributes/visibilityTimeoutSeconds")
                        .asInt())
                .isEqualTo(45);

        Run list = mq("queue", "list", "--prefix", q);
        assertThat(list.out().lines().toList()).hasSize(2);
        assertThat(list.out()).startsWith("NAME").contains(q);

        mq.send(q, "x");
        assertThat(mq("queue", "purge", q).out()).contains("purged queue " + q);
        assertThat(mq.browse(q, 10, null).messages()).isEmpty();
        assertThat(mq("queue", "delete", q).out()).contains("deleted queue " + q);

        Run missing = mq("queue", "get", q);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("mq: QueueNotFound: queue " + q + " does not exist (request ");
    }

    @Test
    void send_withAttributeTypes() {
        String q = make("cli");
        Run sent = mq("send", q, "typed", "--attr", "price=12.50", "--attr-type", "price=Number");
        assertThat(sent.code()).isZero();

        Run received = mq("--json", "receive", q, "--wait", "1");
        assertThat(received.json()
                        .get("messages")
                        .get(0)
                        .at("/attributeTypes/price")
                        .asText())
                .isEqualTo("Number");
        Run refused = mq("send", q, "typed", "--attr", "price=cheap", "--attr-type", "price=Number");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out() + refused.err()).contains("not a number");
    }

    @Test
    void send_receive_ack_peek() {
        String q = make("cli");
        Run sent = mq("send", q, "first", "second", "--attr", "type=order");
        assertThat(sent.code()).isZero();
        assertThat(sent.out().lines().toList()).hasSize(2).allMatch(id -> id.matches("[0-9a-f]+-[0-9a-f]+"));

        Run peek = mq("peek", q);
        assertThat(peek.out().lines().toList()).hasSize(3);
        assertThat(peek.out()).contains("visible").contains("first").contains("second");

        Run received = mq("--json", "receive", q, "--max", "2", "--wait", "1");
        JsonNode messages = received.json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).at("/attributes/type").asText()).isEqualTo("order");

        Run acked = mq(
                "ack",
                q,
                messages.get(0).get("receiptHandle").asText(),
                messages.get(1).get("receiptHandle").asText());
        assertThat(acked.code()).isZero();
        assertThat(acked.out()).contains("acked 2 of 2");
        assertThat(mq("receive", q).out()).contains("no messages");

        Run forged = mq("ack", q, "forged");
        assertThat(forged.code()).isEqualTo(1);
        assertThat(forged.err()).contains("InvalidReceiptHandle");
    }

    @Test
    void receive_table_andAckOption() {
        String q = make("cli");
        mq.send(q, "hello");
        Run received = mq("receive", q, "--wait", "1", "--ack");
        assertThat(received.out()).startsWith("MESSAGE-ID").contains("hello").contains("RECEIPT-HANDLE");
        assertThat(mq.browse(q, 10, null).messages()).isEmpty();
    }

    @Test
    void send_tenThousandLinesFromAFile_arriveComplete(@TempDir Path dir) throws Exception {
        String q = make("bulk");
        Path file = dir.resolve("lines.txt");
        Files.writeString(
                file,
                IntStream.rangeClosed(1, 10_000)
                        .mapToObj(i -> "line " + i)
                        .collect(Collectors.joining("\n", "", "\n")));

        Run sent = mq("send", q, "--file", file.toString(), "--progress", "--no-auto-dedup", "--parallel", "8");

        assertThat(sent.code()).isZero();
        assertThat(sent.out())
                .matches("sent 10000 messages to queue " + q + ", 0 failed, in \\d+\\.\\d s \\(\\d+ msg/s\\)"
                        + System.lineSeparator());
        assertThat(sent.err()).contains("10000/10000 100%");
        List<Long> drawn = Pattern.compile("\\] (\\d+)/10000")
                .matcher(sent.err())
                .results()
                .map(m -> Long.parseLong(m.group(1)))
                .toList();
        assertThat(drawn).as("the bar never goes backwards").isSorted().endsWith(10_000L);
        assertThat(mq.getQueue(q).stats().visible()).isEqualTo(10_000);
        java.util.Set<String> bodies = new java.util.HashSet<>();
        String next = null;
        do {
            var page = mq.browse(q, 100, next);
            page.messages().forEach(m -> bodies.add(m.body()));
            next = page.next();
        } while (next != null);
        assertThat(bodies).hasSize(10_000).contains("line 1", "line 10000");
    }

    @Test
    void send_fromStandardInput_skipsBlankLines() {
        String q = make("stdin");
        Run sent = mqWithInput("a\n\nb\nc\n", "send", q, "-");
        assertThat(sent.out()).contains("sent 3 messages");
        assertThat(mq.browse(q, 10, null).messages()).extracting(m -> m.body()).containsExactly("a", "b", "c");
    }

    @Test
    void tail_printsAndAcks_untilMax() {
        String q = make("tail");
        mq.send(q, "one");
        mq.send(q, "two");
        Run tail = mq("tail", q, "--max", "2", "--wait", "1");
        assertThat(tail.out().lines().toList()).containsExactlyInAnyOrder("one", "two");
        assertThat(mq.browse(q, 10, null).messages()).isEmpty();
        assertThat(mq("tail", q, "--wait", "1", "--idle-exit", "1").code()).isZero();
    }

    @Test
    void redrive_movesDeadLetters() {
        String dlq = make("dlq");
        String q = TestServer.unique("work");
        mq("queue", "create", q, "--dead-letter-queue", dlq, "--max-receives", "1");
        mq.send(q, "poison");
        mq.receive(q, 1, 0, 0);
        mq.receive(q, 1, 0);
        Run redrive = mq("redrive", dlq);
        assertThat(redrive.out()).isEqualTo("moved 1 messages" + System.lineSeparator());
        assertThat(mq("--json", "redrive", dlq).json().get("moved").asInt()).isZero();
    }

    @Test
    void topicAndSubscriptionCommands() {
        String topic = TestServer.unique("news");
        String copies = make("copies");
        assertThat(mq("topic", "create", topic).out()).contains("created topic " + topic);
        assertThat(mq("topic", "list").out()).contains(topic);
        Run sub = mq("sub", "create", topic, "orders", "--queue", copies, "--filter", "{\"type\":[\"order\"]}");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("created subscription " + topic + "/orders");
        assertThat(mq("sub", "list", topic).out()).contains("queue " + copies).contains("{\"type\":[\"order\"]}");

        Run published = mq("topic", "publish", topic, "an order", "--attr", "type=order");
        assertThat(published.code()).isZero();
        assertThat(mq("tail", copies, "--max", "1", "--wait", "5").out().strip())
                .isEqualTo("an order");

        assertThat(mq("sub", "delete", topic, "orders").out()).contains("deleted subscription");
        assertThat(mq("topic", "delete", topic).out()).contains("deleted topic " + topic);
        assertThat(mq("sub", "create", topic, "x", "--queue", copies, "--filter", "not json")
                        .code())
                .isEqualTo(2);
    }

    @Test
    void consumerCommands_addListRemove() {
        String q = make("pushed");

        Run added = mq(
                "consumer",
                "add",
                q,
                "hook",
                "--endpoint-url",
                "http://127.0.0.1:9/hook",
                "--secret",
                "s3cret",
                "--batch-size",
                "4",
                "--batch-window",
                "2",
                "--max-concurrency",
                "3");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("added consumer " + q + "/hook");
        assertThat(mq(
                                "consumer",
                                "add",
                                q,
                                "hook",
                                "--endpoint-url",
                                "http://127.0.0.1:9/hook",
                                "--secret",
                                "s3cret",
                                "--batch-size",
                                "4",
                                "--batch-window",
                                "2",
                                "--max-concurrency",
                                "3")
                        .out())
                .contains("consumer exists with these settings: " + q + "/hook");
        Run conflict = mq("consumer", "add", q, "hook", "--endpoint-url", "http://127.0.0.1:9/hook", "--secret", "x");
        assertThat(conflict.code()).isEqualTo(1);
        assertThat(conflict.err()).contains("ConsumerAlreadyExists");

        Run listed = mq("consumer", "list", q);
        assertThat(listed.out())
                .contains("NAME", "DELIVERS-TO", "BATCH", "WINDOW", "CONCURRENCY")
                .contains("hook", "endpoint http://127.0.0.1:9/hook", "4", "2s", "3")
                .doesNotContain("s3cret");
        JsonNode json = mq("--json", "consumer", "list", q).json();
        assertThat(json.at("/consumers/0/name").asText()).isEqualTo("hook");
        assertThat(json.at("/consumers/0/batchSize").asInt()).isEqualTo(4);

        assertThat(mq("consumer", "remove", q, "hook").out()).contains("removed consumer " + q + "/hook");
        assertThat(mq("--json", "consumer", "list", q).json().path("consumers")).isEmpty();
        Run again = mq("consumer", "remove", q, "hook");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("ConsumerNotFound");
    }

    @Test
    void consumerAdd_needsAFunctionOrAnEndpointWithASecret_andTheLocalServerSaysToUseAnEndpoint() {
        String q = make("pushed");

        assertThat(mq("consumer", "add", q, "c").code()).as("no target").isEqualTo(2);
        assertThat(mq("consumer", "add", q, "c", "--endpoint-url", "http://127.0.0.1:9/hook")
                        .code())
                .as("an endpoint without --secret")
                .isEqualTo(2);
        assertThat(mq(
                                "consumer",
                                "add",
                                q,
                                "c",
                                "--function",
                                "arn:aws:lambda:eu-west-1:123456789012:function:f",
                                "--endpoint-url",
                                "http://127.0.0.1:9/hook",
                                "--secret",
                                "s")
                        .code())
                .as("both targets")
                .isEqualTo(2);
        assertThat(mq(
                                "consumer",
                                "add",
                                q,
                                "c",
                                "--endpoint-url",
                                "http://127.0.0.1:9/hook",
                                "--secret",
                                "s",
                                "--batch-size",
                                "many")
                        .code())
                .isEqualTo(2);

        Run function = mq("consumer", "add", q, "c", "--function", "arn:aws:lambda:eu-west-1:123456789012:function:f");
        assertThat(function.code()).isEqualTo(1);
        assertThat(function.err()).startsWith("mq: InvalidRequest: ").contains("endpoint");
        Run outOfRange = mq(
                "consumer",
                "add",
                q,
                "c",
                "--endpoint-url",
                "http://127.0.0.1:9/hook",
                "--secret",
                "s",
                "--batch-size",
                "11");
        assertThat(outOfRange.code()).isEqualTo(1);
        assertThat(outOfRange.err()).contains("batchSize");
    }

    @Test
    void subCreate_withFilterScopeBody_filtersOnTheJsonBody_andListShowsTheScope() {
        String topic = TestServer.unique("news");
        String copies = make("copies");
        mq("topic", "create", topic);
        Run sub = mq(
                "sub",
                "create",
                topic,
                "big",
                "--queue",
                copies,
                "--filter",
                "{\"total\":[{\"numeric\":[\">\",100]}]}",
                "--filter-scope",
                "body");
        assertThat(sub.code()).isZero();
        assertThat(mq("sub", "list", topic).out()).contains("{\"total\":[{\"numeric\":[\">\",100]}]} on body");

        mq("topic", "publish", topic, "{\"total\": 5}");
        mq("topic", "publish", topic, "{\"total\": 500}");
        assertThat(mq("tail", copies, "--max", "1", "--wait", "5").out().strip())
                .isEqualTo("{\"total\": 500}");

        assertThat(mq("sub", "create", topic, "x", "--queue", copies, "--filter-scope", "MessageBody")
                        .code())
                .isEqualTo(2);
        mq("topic", "delete", topic);
    }

    @Test
    void usageErrors_areExitCode2_andAnUnreachableEndpoint3() {
        assertThat(mq("queue").code()).isEqualTo(2);
        assertThat(mqOn(new MqCli.Terminal(true, false), "", "send", "q").code())
                .as("no bodies, and standard input is a terminal")
                .isEqualTo(2);
        assertThat(mq("sub", "create", "t", "s").code())
                .as("needs --queue or --endpoint-url")
                .isEqualTo(2);

        StringWriter err = new StringWriter();
        int code = MqCli.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                new ByteArrayInputStream(new byte[0]),
                "--endpoint",
                "http://127.0.0.1:1",
                "queue",
                "list");
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).startsWith("mq: cannot connect to http://127.0.0.1:1");
    }

    @Test
    void tail_whoseOutputCloses_acksOnlyTheMessagesWritten_andExitsNonZero() {
        String q = make("pipe");
        List<String> bodies =
                IntStream.rangeClosed(1, 30).mapToObj(i -> "m" + i).toList();
        bodies.forEach(b -> mq.send(q, b));

        StringWriter written = new StringWriter();
        Run tail = mqWithOutputClosedAfter(3, written, "tail", q, "--wait", "1", "--idle-exit", "1");

        assertThat(tail.code()).isEqualTo(MqCli.OUTPUT_FAILED);
        assertThat(tail.err()).contains("standard output was closed");
        List<String> printed = tail.out().lines().toList();
        assertThat(printed).hasSize(3);
        var left = mq.browse(q, 100, null).messages();
        assertThat(left)
                .as("every message not written is still queued, none acked")
                .extracting(m -> m.body())
                .hasSize(27)
                .doesNotContainAnyElementsOf(printed);
        assertThat(left)
                .as("the received but unwritten ones are given back at once")
                .allMatch(m -> m.state().equals("visible"));
    }

    @Test
    void receiveAck_whoseOutputFails_acksNothing() {
        String q = make("pipe");
        mq.send(q, "a");
        mq.send(q, "b");

        Run received =
                mqWithOutputClosedAfter(0, new StringWriter(), "receive", q, "--max", "10", "--wait", "1", "--ack");

        assertThat(received.code()).isEqualTo(MqCli.OUTPUT_FAILED);
        assertThat(mq.browse(q, 10, null).messages())
                .hasSize(2)
                .allMatch(m -> m.state().equals("visible"));
    }

    @Test
    void help_atEveryLevel_exitsZero_evenWithoutRequiredParameters() {
        for (String[] args : new String[][] {
            {"--help"},
            {"send", "--help"},
            {"send", "-h"},
            {"queue", "--help"},
            {"queue", "create", "--help"},
            {"queue", "update", "-h"},
            {"sub", "create", "--help"},
            {"consumer", "add", "--help"},
            {"topic", "publish", "--help"},
            {"peek", "-h"},
            {"help", "send"}
        }) {
            Run help = mq(args);
            assertThat(help.code()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args)).startsWith("Usage: mq");
        }
    }

    @Test
    void send_withoutBodies_readsStandardInput_whenItIsNoTerminal() {
        String q = make("stdin");
        Run sent = mqWithInput("1\n2\n3\n", "send", q);
        assertThat(sent.code()).isZero();
        assertThat(sent.out()).startsWith("sent 3 messages to queue " + q + ", 0 failed");
        assertThat(mq.browse(q, 10, null).messages()).extracting(m -> m.body()).containsExactly("1", "2", "3");

        Run onTerminal = mqOn(new MqCli.Terminal(true, true), "4\n", "send", q);
        assertThat(onTerminal.code()).isEqualTo(2);
        assertThat(onTerminal.err()).contains("give message bodies");
    }

    @Test
    void topicPublish_readsStandardInput_andOffersNoGroupOrDelay() {
        String topic = TestServer.unique("shop");
        String copies = make("copies");
        mq.createTopic(topic);
        mq("sub", "create", topic, "all", "--queue", copies);

        assertThat(mqWithInput("hi\n", "topic", "publish", topic, "-").code()).isZero();
        assertThat(mqWithInput("there\nyou\n", "topic", "publish", topic).out())
                .startsWith("sent 2 messages to topic " + topic);
        assertThat(mq("tail", copies, "--max", "3", "--wait", "5").out().lines().toList())
                .as("copies reach the subscription shortly after")
                .containsExactlyInAnyOrder("hi", "there", "you");

        assertThat(mq("topic", "publish", topic, "x", "--group", "g").code()).isEqualTo(2);
        assertThat(mq("topic", "publish", topic, "x", "--delay", "5").code()).isEqualTo(2);
        assertThat(mq("topic", "publish", "--help").out())
                .doesNotContain("--group")
                .doesNotContain("--delay");
    }

    @Test
    void peek_pagesWithNext_andAll() {
        String q = make("pages");
        List<String> bodies =
                IntStream.rangeClosed(1, 25).mapToObj(i -> "b" + i).toList();
        mq.sendBatch(q, bodies.subList(0, 10).stream().map(Message::of).toList());
        mq.sendBatch(q, bodies.subList(10, 20).stream().map(Message::of).toList());
        mq.sendBatch(q, bodies.subList(20, 25).stream().map(Message::of).toList());

        Run first = mq("peek", q, "--limit", "10");
        List<String> lines = first.out().lines().toList();
        assertThat(lines).hasSize(12);
        assertThat(lines.get(11)).startsWith("more: mq peek " + q + " --next ");
        String token = lines.get(11).substring(lines.get(11).lastIndexOf(' ') + 1);

        Run second = mq("--json", "peek", q, "--limit", "10", "--next", token);
        assertThat(second.json().get("messages"))
                .extracting(m -> m.get("body").asText())
                .containsExactlyElementsOf(bodies.subList(10, 20));

        Run all = mq("--json", "peek", q, "--all", "--limit", "7");
        assertThat(all.json().get("messages"))
                .extracting(m -> m.get("body").asText())
                .containsExactlyElementsOf(bodies);
        assertThat(all.json().get("next").isNull()).isTrue();
        assertThat(mq("peek", q, "--all").out().lines().toList()).hasSize(26);
    }

    @Test
    void queueUpdate_changesSettings_andRemovesTheDeadLetterQueue() {
        String q = make("settings");
        String dlq = make("settings-dlq");

        Run updated = mq(
                "queue",
                "update",
                q,
                "--visibility-timeout",
                "90",
                "--dead-letter-queue",
                dlq,
                "--max-receives",
                "2",
                "--content-based-dedup");
        assertThat(updated.code()).isZero();
        assertThat(updated.out()).contains("updated queue " + q);
        var attributes = mq.getQueue(q).attributes();
        assertThat(attributes.visibilityTimeoutSeconds()).isEqualTo(90);
        assertThat(attributes.deadLetterQueue()).isEqualTo(dlq);
        assertThat(attributes.contentBasedDeduplication()).isTrue();

        assertThat(mq("queue", "update", q, "--no-dead-letter-queue", "--no-content-based-dedup")
                        .code())
                .isZero();
        attributes = mq.getQueue(q).attributes();
        assertThat(attributes.deadLetterQueue()).isNull();
        assertThat(attributes.contentBasedDeduplication()).isFalse();
        assertThat(attributes.visibilityTimeoutSeconds()).isEqualTo(90);

        assertThat(mq("queue", "update", q).code()).as("nothing to change").isEqualTo(2);
        assertThat(mq("queue", "update", q, "--visibility-timeout", "-1").code())
                .isEqualTo(1);
    }

    @Test
    void nackAndVisibility_giveMessagesBack() {
        String q = make("nack");
        mq.send(q, "a");
        mq.send(q, "b");
        var leased = mq.receive(q, 10, 1, 600);
        assertThat(leased).hasSize(2);

        Run nack = mq("nack", q, leased.get(0).receiptHandle());
        assertThat(nack.code()).isZero();
        assertThat(nack.out()).contains("released 1 of 1");
        Run visibility = mq("visibility", q, leased.get(1).receiptHandle(), "0");
        assertThat(visibility.code()).isZero();
        assertThat(mq.browse(q, 10, null).messages()).allMatch(m -> m.state().equals("visible"));

        var again = mq.receive(q, 1, 1, 600);
        assertThat(mq("visibility", q, again.get(0).receiptHandle(), "900").code())
                .isZero();
        assertThat(mq.browse(q, 10, null).messages()).extracting(m -> m.state()).contains("inFlight");

        Run forged = mq("nack", q, "forged");
        assertThat(forged.code()).isEqualTo(1);
        assertThat(forged.err()).contains("InvalidReceiptHandle");
    }

    @Test
    void progressBar_isDrawnByDefault_whenStandardErrorIsATerminal() {
        String q = make("bar");
        String lines = IntStream.rangeClosed(1, 25).mapToObj(i -> "l" + i).collect(Collectors.joining("\n"));
        Run onTerminal = mqOn(new MqCli.Terminal(false, true), lines, "send", q);
        assertThat(onTerminal.err()).contains("\rsent 25");
        assertThat(onTerminal.out()).matches("sent 25 messages to queue " + q + ", 0 failed, in .*msg/s\\)\\s*");

        Run piped = mqOn(MqCli.Terminal.NONE, lines, "send", q);
        assertThat(piped.err()).isEmpty();
        assertThat(mqOn(new MqCli.Terminal(false, true), lines, "send", q, "--no-progress")
                        .err())
                .isEmpty();
    }

    @Test
    void humanOutput_showsAttributesAndGroups_andQueueListShowsCounts() {
        String q = make("human");
        mq.send(q, Message.of("hello").withAttribute("type", "order").withAttribute("region", "eu"));
        assertThat(mq("peek", q).out()).contains("ATTRIBUTES").contains("region=eu,type=order");
        List<String> list = mq("queue", "list", "--prefix", q).out().lines().toList();
        assertThat(list).hasSize(2);
        assertThat(list.get(0)).matches("NAME\\s+FIFO\\s+VISIBLE\\s+IN-FLIGHT\\s+DELAYED\\s+CREATED");
        assertThat(list.get(1)).matches(Pattern.quote(q) + "\\s+no\\s+1\\s+0\\s+0\\s+\\S+");
        assertThat(mq("receive", q, "--wait", "1", "--visibility-timeout", "0").out())
                .contains("region=eu,type=order");
        assertThat(mq("tail", q, "--max", "1", "--wait", "1", "--long").out())
                .matches("\\S+  region=eu,type=order  hello\\s*");

        String fifo = TestServer.unique("human") + ".fifo";
        mq.createQueue(fifo);
        mq.send(fifo, Message.of("in order").withGroupId("customer-7"));
        assertThat(mq("peek", fifo).out()).contains("GROUP").contains("customer-7");
        assertThat(mq("receive", fifo, "--wait", "1").out()).contains("GROUP").contains("customer-7");
    }

    // ------------------------------------------------------------ failures: one line, the right exit code

    @Test
    void aMissingFile_isOneLine_exit2(@TempDir Path dir) {
        Path missing = dir.resolve("nope.txt");

        Run sent = mq("send", make("file"), "--file", missing.toString());

        assertThat(sent.code()).isEqualTo(2);
        assertThat(sent.err()).isEqualTo("mq: no such file: " + missing + System.lineSeparator());
    }

    @Test
    void anUnresolvableHost_saysItDoesNotResolve_exit3() {
        Run run = mqAt("http://no-such-host.invalid:8080", "queue", "list");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err())
                .isEqualTo("mq: cannot connect to http://no-such-host.invalid:8080: the host "
                        + "no-such-host.invalid does not resolve" + System.lineSeparator());
    }

    @Test
    void anEndpointWithoutScheme_orMalformed_isExit2_withAValidExample() {
        Run noScheme = mqAt("localhost:8080", "queue", "list");
        Run malformed = mqAt("http://local host:8080", "queue", "list");
        Run noHost = mqAt("http:///v1", "queue", "list");

        assertThat(noScheme.code()).isEqualTo(2);
        assertThat(noScheme.err())
                .startsWith("mq: endpoint 'localhost:8080' is not a valid URL")
                .contains("give one like http://localhost:8080")
                .hasLineCount(1);
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err())
                .startsWith("mq: endpoint 'http://local host:8080' is not a valid URL")
                .contains("http://127.0.0.1:8080")
                .hasLineCount(1);
        assertThat(noHost.code()).isEqualTo(2);
        assertThat(noHost.err()).contains("names no host").hasLineCount(1);
    }

    @Test
    void aServerThatIsNoMqApi_isNamedWithItsStatusAndContentType_exit3() throws Exception {
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", exchange -> {
            // a web server: a page for its home, "not found" pages elsewhere
            boolean home = exchange.getRequestURI().getPath().startsWith("/home/");
            byte[] page =
                    "<!DOCTYPE html>\n<html><body><h1>Welcome</h1></body></html>\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(home ? 200 : 404, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        web.start();
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort();

            Run notFound = mqAt(url, "queue", "list");
            Run ok = mqAt(url + "/home", "queue", "get", "q");

            assertThat(notFound.code()).isEqualTo(3);
            assertThat(notFound.err())
                    .isEqualTo("mq: " + url + " is not an mq API: GET /v1/queues?limit=1000"
                            + " answered 404 with text/html, not the API's JSON (check the endpoint)"
                            + System.lineSeparator());
            assertThat(ok.code()).isEqualTo(3);
            assertThat(ok.err())
                    .isEqualTo("mq: " + url + "/home is not an mq API: GET /v1/queues/q"
                            + " answered 200 with text/html, not the API's JSON (check the endpoint)"
                            + System.lineSeparator());
        } finally {
            web.stop(0);
        }
    }

    @Test
    void unauthorized_pointsAtTheTokenOptions() throws Exception {
        try (LocalServer guarded = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", "the-token"))) {
            String url = guarded.baseUrl().toString();

            Run none = mqAt(url, "queue", "list");
            Run wrong = mqAt(url, "--token", "not-the-token", "queue", "list");
            Run right = mqAt(url, "--token", "the-token", "queue", "list");

            assertThat(none.code()).isEqualTo(1);
            assertThat(none.err())
                    .startsWith("mq: Unauthorized: ")
                    .endsWith("; give the server's token with --token or MQ_TOKEN" + System.lineSeparator())
                    .hasLineCount(1);
            assertThat(wrong.err())
                    .endsWith("; the token given (--token or MQ_TOKEN) is not this server's" + System.lineSeparator());
            assertThat(right.code()).isZero();
        }
    }

    @Test
    void aRefusedSigV4Signature_pointsAtTheAwsCredentials() throws Exception {
        // API Gateway refuses a request IAM does not allow with 403 and a body of its own
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", exchange -> {
            byte[] body = "{\"message\":\"The security token included in the request is invalid.\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "UnrecognizedClientException");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        try {
            String url = "http://127.0.0.1:" + gateway.getAddress().getPort() + "/prod";

            Run refused = mqAt(url, "--auth", "sigv4", "--region", "eu-west-1", "queue", "list");

            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err())
                    .isEqualTo("mq: Forbidden: API Gateway: The security token "
                            + "included in the request is invalid.; requests are signed with SigV4 for eu-west-1: check the "
                            + "AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and that they "
                            + "may call execute-api:Invoke on this API" + System.lineSeparator());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            gateway.stop(0);
        }
    }

    @Test
    void send_whenBatchesFail_stopsReading_andReportsEachLineNotSent_soARerunResumesExactly() throws Exception {
        String q = make("faults");
        List<String> input = numberedLines(1000);
        Run sent;
        try (FailingSendProxy proxy = new FailingSendProxy()) {
            sent = mqAtWithInput(proxy.url(), String.join("\n", input) + "\n", "send", q, "--parallel", "4");
        }

        assertThat(sent.code()).isEqualTo(1);
        Matcher summary = Pattern.compile("sent (\\d+) messages to queue " + q + ", 10 failed, 10 outcome unknown,"
                        + " in \\d+\\.\\d s \\(\\d+ msg/s\\)" + System.lineSeparator())
                .matcher(sent.out());
        assertThat(summary.matches()).as(sent.out()).isTrue();
        Set<Long> refused = linesOf(sent.err(), ": not sent: Throttled: injected 429");
        Set<Long> unknown = linesOf(sent.err(), ": outcome unknown, may or may not be stored: Unavailable: ");
        Matcher stopped = Pattern.compile("mq: stopped at the first failure: lines from (\\d+) on were not sent "
                        + "\\(resume with tail -n \\+(\\d+)\\)")
                .matcher(sent.err());
        assertThat(stopped.find()).as(sent.err()).isTrue();
        long resumeFrom = Long.parseLong(stopped.group(1));
        assertThat(stopped.group(2)).isEqualTo(stopped.group(1));
        assertThat(resumeFrom).as("reading stopped well before the end").isLessThan(500);
        assertThat(refused).hasSize(10);
        assertThat(unknown).hasSize(10).doesNotContainAnyElementsOf(refused);

        // stored: every line read before the stop but the refused ones; the unknown ones reached the store
        List<String> read = bodies(input.subList(0, (int) resumeFrom - 1), n -> !refused.contains(n));
        assertThat(storedBodies(q)).containsExactlyInAnyOrderElementsOf(read);
        assertThat(Long.parseLong(summary.group(1))).isEqualTo(read.size() - unknown.size());

        // a rerun of the refused lines and of the rest (tail -n +N) completes the queue, nothing twice
        String rerun = input.stream()
                        .filter(l -> !l.isBlank() && refused.contains(lineOf(l)))
                        .map(l -> l + "\n")
                        .collect(Collectors.joining())
                + String.join("\n", input.subList((int) resumeFrom - 1, input.size()));
        assertThat(mqWithInput(rerun, "send", q).code()).isZero();
        assertThat(storedBodies(q)).containsExactlyInAnyOrderElementsOf(bodies(input, n -> true));
    }

    @Test
    void send_whenBatchesFail_jsonCarriesTheSameCountsAndLines() throws Exception {
        String q = make("faults-json");
        List<String> input = numberedLines(1000);
        Run sent;
        try (FailingSendProxy proxy = new FailingSendProxy()) {
            sent = mqAtWithInput(proxy.url(), String.join("\n", input) + "\n", "--json", "send", q, "--parallel", "4");
        }

        assertThat(sent.code()).isEqualTo(1);
        JsonNode summary = sent.json();
        assertThat(summary.get("errors").asLong()).isEqualTo(10);
        assertThat(summary.get("unknown").asLong()).isEqualTo(10);
        long resumeFrom = summary.get("resumeFrom").asLong();
        assertThat(resumeFrom).isBetween(2L, 500L);
        JsonNode failures = summary.get("failures");
        assertThat(failures).hasSize(2);
        java.util.Map<String, Set<Long>> lines = new java.util.HashMap<>();
        for (JsonNode f : failures) {
            Set<Long> numbers = new java.util.HashSet<>();
            f.get("lines")
                    .forEach(r -> LongStream.rangeClosed(
                                    r.get(0).asLong(), r.get(1).asLong())
                            .forEach(numbers::add));
            lines.put(f.get("outcome").asText(), numbers);
        }
        assertThat(lines.keySet()).containsExactlyInAnyOrder("refused", "unknown");
        assertThat(lines.get("refused")).hasSize(10);
        List<String> read = bodies(
                input.subList(0, (int) resumeFrom - 1),
                n -> !lines.get("refused").contains(n));
        assertThat(storedBodies(q)).containsExactlyInAnyOrderElementsOf(read);
        assertThat(summary.get("sent").asLong()).isEqualTo(read.size() - 10);
    }

    @Test
    void aConnectionThatBreaksMidSend_isAnUnknownOutcome_exit3() throws Exception {
        try (HangingUpServer hangsUp = new HangingUpServer()) {
            Run sent = mqAt(hangsUp.url().toString(), "send", "q", "x");

            assertThat(sent.code()).as(sent.err()).isEqualTo(3);
            assertThat(sent.err())
                    .startsWith("mq: outcome unknown: POST ")
                    .contains("may or may not")
                    .hasLineCount(1);
        }
    }

    /** Input lines: line n is "m&lt;n&gt;", but lines 1 and 13 are blank (line numbers are not message numbers). */
    private static List<String> numberedLines(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(n -> n == 1 || n == 13 ? "" : "m" + n)
                .toList();
    }

    private static long lineOf(String body) {
        return Long.parseLong(body.substring(1));
    }

    private static List<String> bodies(List<String> lines, java.util.function.LongPredicate keep) {
        return lines.stream().filter(l -> !l.isBlank() && keep.test(lineOf(l))).toList();
    }

    /** The line numbers a failure line of standard error names ("mq: lines 3-12, 20: ..."). */
    private static Set<Long> linesOf(String err, String reason) {
        String line = err.lines()
                .filter(l -> l.contains(reason))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + reason + "' in:\n" + err));
        Matcher m = Pattern.compile("^mq: lines? ([0-9, -]+)" + Pattern.quote(reason))
                .matcher(line);
        assertThat(m.find()).as(line).isTrue();
        Set<Long> numbers = new java.util.TreeSet<>();
        for (String range : m.group(1).split(", ")) {
            String[] ends = range.split("-");
            LongStream.rangeClosed(Long.parseLong(ends[0]), Long.parseLong(ends[ends.length - 1]))
                    .forEach(numbers::add);
        }
        return numbers;
    }

    /** Every body in the queue, one per stored message. */
    private List<String> storedBodies(String q) {
        List<String> bodies = new java.util.ArrayList<>();
        String next = null;
        do {
            var page = mq.browse(q, 100, next);
            page.messages().forEach(m -> bodies.add(m.body()));
            next = page.next();
        } while (next != null);
        return bodies;
    }

    // ------------------------------------------------------------ start-up

    @Test
    void aCommandOnAPlainHttpEndpoint_loadsNeitherTheAwsSdkNorTheJdksTrustStore() throws Exception {
        // a JVM of its own: this one has loaded both for other tests
        Process mq = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xlog:class+load=info",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MqCli.class.getName(),
                        "--endpoint",
                        TestServer.url().toString(),
                        "queue",
                        "list",
                        "--prefix",
                        "none-")
                .redirectErrorStream(true)
                .start();
        String loaded = new String(mq.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(mq.waitFor()).isZero();
        assertThat(loaded)
                .contains("dev.mq.client.MqClient ")
                .doesNotContain("software.amazon.awssdk")
                .doesNotContain("sun.security.ssl.TrustStoreManager");
    }

    /** A run against another endpoint than the test server. */
    private static Run mqAt(String endpoint, String... args) {
        return mqAtWithInput(endpoint, "", args);
    }

    /** A run against another endpoint than the test server, with this standard input. */
    private static Run mqAtWithInput(String endpoint, String stdin, String... args) {
        return runAt(endpoint, MqCli.Terminal.NONE, stdin, args);
    }

    private static Run runAt(String endpoint, MqCli.Terminal terminal, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MqCli.run(
                new PrintWriter(out),
                new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                terminal,
                withEndpoint(endpoint, args));
        return new Run(code, out.toString(), err.toString());
    }

    private String make(String hint) {
        String name = TestServer.unique(hint);
        mq.createQueue(name);
        return name;
    }
}
