package dev.mq.cli;

import dev.mq.client.MqClient;
import dev.mq.client.MqException;
import dev.mq.client.RequestAuth;
import dev.mq.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code mq} command line: {@code java -jar client/target/mq.jar <command> ...}. Tables for people by
 * default, {@code --json} for scripts. Exit codes: 0 done, 1 the API refused (its error code is printed)
 * or the command failed, 2 bad usage (an unusable endpoint URL, file or credentials), 3 no mq API could be
 * reached at the endpoint (no connection, or another server answered), 4 standard output failed (a closed
 * pipe: what was not written was not acked).
 */
// scope INHERIT gives every subcommand -h/--help (and -V): help never stops at a missing parameter
@Command(
        name = "mq",
        mixinStandardHelpOptions = true,
        versionProvider = MqCli.Version.class,
        scope = ScopeType.INHERIT,
        description = "Talk to an mq queue: the local server or a deployed stack.",
        subcommands = {
            QueueCommands.class,
            MessageCommands.Send.class,
            MessageCommands.Receive.class,
            MessageCommands.Ack.class,
            MessageCommands.Nack.class,
            MessageCommands.Visibility.class,
            MessageCommands.Tail.class,
            MessageCommands.Peek.class,
            MessageCommands.Redrive.class,
            ConsumerCommands.class,
            TopicCommands.class,
            SubscriptionCommands.class,
            CommandLine.HelpCommand.class
        })
public final class MqCli {
    static final int API_ERROR = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    /** Standard output failed (e.g. a closed pipe): nothing after the last line written was acked. */
    static final int OUTPUT_FAILED = 4;

    @Option(
            names = "--endpoint",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            defaultValue = "${env:MQ_ENDPOINT:-http://127.0.0.1:8080}",
            description = "API base URL (env MQ_ENDPOINT; default ${DEFAULT-VALUE})")
    String endpoint;

    @Option(
            names = "--token",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:MQ_TOKEN}",
            description = "bearer token of the local server (env MQ_TOKEN)")
    String token;

    @Option(
            names = "--auth",
            scope = ScopeType.INHERIT,
            paramLabel = "none|bearer|sigv4",
            description = "how to sign requests; default: sigv4 for execute-api URLs, bearer with a token, else none")
    String auth;

    @Option(
            names = "--region",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:AWS_REGION}",
            description = "AWS region for SigV4 when the URL names none (env AWS_REGION)")
    String region;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the API's JSON answers")
    boolean json;

    @Option(
            names = "--auto-dedup",
            negatable = true,
            scope = ScopeType.INHERIT,
            description = "give each send without --dedup-id a random deduplication id, so it is retried after a lost "
                    + "answer and stored once; each send is then a transaction (twice the write units) and a "
                    + "queue's content-based deduplication no longer applies (default: off)")
    boolean autoDedup;

    final PrintWriter out;
    final PrintWriter err;
    final InputStream in;
    final Terminal terminal;
    private MqClient client;
    /** The region requests are signed for with SigV4, or null when they are not. */
    private String sigV4Region;

    MqCli(PrintWriter out, PrintWriter err, InputStream in, Terminal terminal) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, System.in, Terminal.detect(), args));
    }

    /** Runs one command line on streams that are no terminal; answers its exit code. */
    static int run(PrintWriter out, PrintWriter err, InputStream in, String... args) {
        return run(out, err, in, Terminal.NONE, args);
    }

    /** Runs one command line; answers its exit code. */
    static int run(PrintWriter out, PrintWriter err, InputStream in, Terminal terminal, String... args) {
        MqCli cli = new MqCli(out, err, in, terminal);
        CommandLine line = new CommandLine(cli)
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> cli.failed(e));
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The one line a failed command prints, and its exit code: no stack trace for anything a user can
     * cause (an endpoint, a file, a token); those of bugs are left to picocli.
     */
    private int failed(Exception e) throws Exception {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof MqException failure) {
            err.println("mq: " + describe(failure));
            return exitCode(failure);
        }
        if (cause instanceof NoSuchFileException missing) {
            err.println("mq: no such file: " + missing.getFile());
            return USAGE;
        }
        if (cause instanceof AccessDeniedException denied) {
            err.println("mq: cannot read " + denied.getFile() + ": permission denied");
            return USAGE;
        }
        if (cause instanceof FileSystemException file) {
            err.println("mq: " + file.getFile() + ": " + file.getReason());
            return USAGE;
        }
        if (cause instanceof IOException io) {
            err.println("mq: " + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage()));
            return API_ERROR;
        }
        if (cause instanceof IllegalArgumentException bad) {
            err.println("mq: " + bad.getMessage());
            return USAGE;
        }
        throw e;
    }

    /** A failed request in one line: the API's code (when it answered), the message, request id and a hint. */
    String describe(MqException failure) {
        return (failure.answeredByApi() ? failure.code().code() + ": " : "")
                + failure.getMessage()
                + (failure.requestId() == null ? "" : " (request " + failure.requestId() + ")")
                + credentialsHint(failure);
    }

    /**
     * The exit code of a failed request: {@link #API_ERROR} for the API's answer, {@link #UNREACHABLE} when
     * the endpoint could not be reached, the connection broke (also mid-send, leaving the outcome unknown) or
     * another server answered, {@link #USAGE} for what failed before anything was sent (no credentials).
     */
    static int exitCode(MqException failure) {
        if (failure.answeredByApi()) {
            return API_ERROR;
        }
        boolean noConnection = failure instanceof MqException.ConnectionFailed
                || failure.getCause() instanceof MqException.ConnectionFailed;
        return failure.status() == 0 && !noConnection ? USAGE : UNREACHABLE;
    }

    /** A refusal of credentials says where this command line takes them from. */
    private String credentialsHint(MqException failure) {
        boolean refused = failure instanceof MqException.Unauthorized || failure instanceof MqException.Forbidden;
        if (!refused || client == null) {
            return "";
        }
        if (sigV4Region != null) {
            return failure.status() == 0
                    ? ""
                    : "; requests are signed with SigV4 for " + sigV4Region
                            + ": check the AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                            + " and that they may call execute-api:Invoke on this API";
        }
        if (failure instanceof MqException.Forbidden) {
            return "";
        }
        return token == null || token.isBlank()
                ? "; give the server's token with --token or MQ_TOKEN"
                : "; the token given (--token or MQ_TOKEN) is not this server's";
    }

    /** The client for this command line's endpoint and credentials. */
    synchronized MqClient client() {
        if (client == null) {
            URI uri = MqClient.parseEndpoint(endpoint);
            MqClient.Builder builder =
                    MqClient.builder().endpoint(uri).token(token).autoDeduplication(autoDedup);
            if (auth != null) {
                builder.auth(
                        switch (auth) {
                            case "none" -> RequestAuth.none();
                            case "bearer" -> {
                                if (token == null || token.isBlank()) {
                                    throw new IllegalArgumentException("--auth bearer needs --token or MQ_TOKEN");
                                }
                                yield RequestAuth.bearer(token);
                            }
                            case "sigv4" -> RequestAuth.sigV4(regionFor(uri));
                            default -> throw new IllegalArgumentException("--auth must be none, bearer or sigv4");
                        });
            }
            client = builder.build();
            sigV4Region = auth == null ? MqClient.regionOf(uri) : auth.equals("sigv4") ? regionFor(uri) : null;
        }
        return client;
    }

    /** The region in an execute-api URL signs for it; otherwise --region or AWS_REGION. */
    private String regionFor(URI uri) {
        String fromUrl = MqClient.regionOf(uri);
        if (fromUrl != null) {
            return fromUrl;
        }
        if (region != null && !region.isBlank()) {
            return region;
        }
        throw new IllegalArgumentException("--auth sigv4 needs --region or AWS_REGION");
    }

    /** Prints an answer as JSON (with {@code --json}) or hands it to {@code human}. */
    void print(Object answer, Runnable human) {
        if (json) {
            out.println(Json.write(answer));
        } else {
            human.run();
        }
    }

    /**
     * Whether everything printed so far reached standard output. A {@link PrintWriter} never throws: a closed
     * pipe (EPIPE) or a full disk only shows here, so a command checks this before it acks what it printed.
     */
    boolean outputWritten() {
        return !out.checkError(); // flushes first
    }

    /** Ends a command whose output failed: says what was kept and answers {@link #OUTPUT_FAILED}. */
    int outputFailed(String kept) {
        err.println("mq: standard output was closed or failed; " + kept);
        err.flush();
        return OUTPUT_FAILED;
    }

    /** A table with a header row; columns as wide as their widest cell. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
            }
        }
        printRow(headers, widths);
        for (List<String> row : rows) {
            printRow(row, widths);
        }
    }

    private void printRow(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = String.valueOf(cells.get(i));
            line.append(i == cells.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
        }
        out.println(line.toString().stripTrailing());
    }

    /** Name/value lines, for one resource. */
    void fields(Map<String, ?> values) {
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        values.forEach((k, v) -> out.println(String.format("%-" + width + "s  %s", k, v == null ? "-" : v)));
    }

    /** A body on one line, cut to {@code max} characters. */
    static String shorten(String body, int max) {
        String flat = body.replace('\n', ' ').replace('\r', ' ');
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    /** Attributes as {@code name=value,...}, or "-" when there are none. */
    static String attributes(Map<String, String> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return "-";
        }
        StringBuilder line = new StringBuilder();
        new TreeMap<>(attributes)
                .forEach((k, v) -> line.append(line.isEmpty() ? "" : ",")
                        .append(k)
                        .append('=')
                        .append(v));
        return line.toString();
    }

    /**
     * Which standard streams are an interactive terminal: standard input decides whether {@code mq send}
     * without bodies reads it, standard error whether a progress bar is drawn.
     */
    record Terminal(boolean input, boolean errors) {
        static final Terminal NONE = new Terminal(false, false);

        /**
         * Linux names each stream's file in /proc; elsewhere Java 17 only tells (through System.console())
         * that standard input and output both are terminals, taken then to mean standard error is one too.
         */
        static Terminal detect() {
            boolean console = System.console() != null;
            return new Terminal(isTerminal(0, console), isTerminal(2, console));
        }

        private static boolean isTerminal(int fd, boolean console) {
            Path link = Path.of("/proc/self/fd/" + fd);
            if (Files.isSymbolicLink(link)) {
                try {
                    String file = Files.readSymbolicLink(link).toString();
                    return file.startsWith("/dev/pts/") || file.startsWith("/dev/tty") || file.equals("/dev/console");
                } catch (IOException | SecurityException e) {
                    return console;
                }
            }
            return console;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MqCli.class.getPackage().getImplementationVersion();
            return new String[] {"mq " + (version == null ? "development build" : version)};
        }
    }

    /** Base of the commands: the root command's client and output. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        MqCli root() {
            return (MqCli) spec.root().userObject();
        }

        MqClient client() {
            return root().client();
        }
    }
}
