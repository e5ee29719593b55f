package dev.mq.local;

import dev.mq.store.FaultInjector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar mq-local.jar}: runs {@link LocalServer} until Ctrl-C. Prints one line with the URL when
 * ready; Ctrl-C stops it cleanly through a shutdown hook, which prints {@value #STOPPED} once it has (the
 * JVM then exits with the usual status of an interrupted program). Exits 1 when the server cannot start
 * (among others, when its data directory is not writable or another server uses it), 2 on unusable options.
 */
@Command(
        name = "mq-local",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Runs the mq HTTP API, and its SQS-compatible endpoint on the same port, on this machine over an"
                + " embedded DynamoDB Local.")
public final class Main implements Callable<Integer> {
    static final int CANNOT_START = 1;
    static final int BAD_OPTIONS = 2;
    static final String STOPPED = "mq local server stopped";

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Storage storage = new Storage();

    @Option(
            names = "--bind",
            defaultValue = LocalServer.DEFAULT_BIND,
            paramLabel = "ADDRESS",
            description = "address to listen on; anything but loopback needs a token (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(
            names = "--token",
            defaultValue = "${env:MQ_TOKEN}",
            paramLabel = "TOKEN",
            description = "require Authorization: Bearer TOKEN on every request; SQS clients give the token as their"
                    + " access key id (default: $MQ_TOKEN; prefer it, as a command line is visible to other users of"
                    + " this machine)")
    String token;

    @Option(
            names = "--log-requests",
            description = "log one line per request to standard error: method, path, status, time taken, request id"
                    + " (never bodies or headers)")
    boolean logRequests;

    @Option(
            names = "--inject-faults",
            paramLabel = "RATE",
            hidden = true,
            description = "make this share (0..1) of DynamoDB calls fail, for reliability and soak runs")
    double faultRate;

    @Option(names = "--fault-seed", defaultValue = "1", hidden = true, description = "seed of the injected faults")
    long faultSeed;

    @Spec
    CommandLine.Model.CommandSpec spec;

    static final class Storage {
        @Option(
                names = "--data",
                paramLabel = "DIR",
                description = "directory for the database and receipt key, kept across restarts; one server at a time"
                        + " (default: ./data)")
        Path data = Path.of("data");

        @Option(names = "--in-memory", description = "keep everything in memory; it is gone when the server stops")
        boolean inMemory;
    }

    public static void main(String[] args) {
        LocalLogging.configureConsole();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LocalServer.Options options = options();
        LocalServer server;
        try {
            server = LocalServer.start(options);
        } catch (IllegalArgumentException e) {
            err.println("mq-local: " + e.getMessage());
            return BAD_OPTIONS;
        } catch (UnusableDataDirectoryException e) {
            err.println("mq-local: " + e.getMessage());
            return CANNOT_START;
        } catch (Exception e) {
            err.println("mq-local: cannot start: " + e);
            return CANNOT_START;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        PrintWriter out = spec.commandLine().getOut();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            // printed, not logged: the logging system shuts down in a hook of its own, maybe before
                            // this one
                            out.println(STOPPED);
                            out.flush();
                            stopped.countDown();
                        },
                        "mq-local-shutdown"));

        // the URL names where to send requests; say so when the server also listens elsewhere
        String bound = options.bind().equals(server.baseUrl().getHost()) ? "" : "bound to " + options.bind() + "; ";
        out.println("mq local server listening on " + server.baseUrl() + " (" + bound + "data: "
                + (options.dataDir() == null ? "in memory" : options.dataDir()) + ")");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    LocalServer.Options options() {
        Path dataDir = storage.inMemory ? null : storage.data.toAbsolutePath().normalize();
        String presentedToken = token == null || token.isBlank() ? null : token;
        return new LocalServer.Options(
                port,
                dataDir,
                bind,
                presentedToken,
                faultRate > 0 ? FaultInjector.all(faultRate, faultSeed) : null,
                logRequests);
    }

    /** The version Maven writes into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mq-local " + (version == null ? "(development build)" : version)};
        }
    }
}
