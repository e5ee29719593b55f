package dev.mq.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mq-local} as a separate process, as a user runs it: this module's classes on a new JVM, its
 * standard output and error collected line by line. What only a real process shows is tested with it:
 * OS file locks between processes, what the libraries print on start, what is printed on SIGTERM.
 */
final class LocalProcess implements AutoCloseable {
    /** Generous: two cores shared with other builds can make a JVM and DynamoDB Local slow to start. */
    private static final long PATIENCE_SECONDS = 120;

    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private LocalProcess(Process process) {
        this.process = process;
        this.outReader = collect(process.getInputStream(), out);
        this.errReader = collect(process.getErrorStream(), err);
    }

    /** Starts {@code mq-local} with {@code args}; see {@link #awaitListening()} and {@link #awaitExit()}. */
    static LocalProcess run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new LocalProcess(new ProcessBuilder(command).start());
    }

    long pid() {
        return process.pid();
    }

    /** The server's URL once it says it listens; fails when it exits first. */
    URI awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (System.nanoTime() < deadline) {
            for (String line : out()) {
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    return URI.create(listening.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("mq-local exited " + process.exitValue() + " before listening: " + err());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mq-local did not listen within " + PATIENCE_SECONDS + " s: " + out() + err());
    }

    /** Waits for the process to end by itself and returns its exit code; fails when it keeps running. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("mq-local still runs after " + PATIENCE_SECONDS + " s: " + out() + err());
        }
        outReader.join();
        errReader.join();
        return process.exitValue();
    }

    /** Sends SIGTERM, as Ctrl-C or {@code kill} would, and waits for the process to end. */
    int stop() throws InterruptedException {
        // Process.destroy() would also close the pipes, losing what the process prints while it stops
        process.toHandle().destroy();
        return awaitExit();
    }

    List<String> out() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> err() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Thread collect(InputStream stream, List<String> lines) {
        Thread reader = new Thread(
                () -> {
                    try (var text =
                            new java.io.BufferedReader(new java.io.InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        for (String line; (line = text.readLine()) != null; ) {
                            synchronized (lines) {
                                lines.add(line);
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                "mq-local-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
