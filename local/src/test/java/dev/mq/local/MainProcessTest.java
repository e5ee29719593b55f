package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mq-local} run as separate processes, as users run it. One run, with {@code --log-requests}:
 * started, used, refused a second server on its directory, and stopped with SIGTERM, as Ctrl-C does;
 * each test looks at one part of what it printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MainProcessTest {
    private Path dataDir;
    private long firstPid;
    private int secondExitCode;
    private List<String> secondOut;
    private List<String> secondErr;
    private String requestId;
    private List<String> out;
    private List<String> err;

    @BeforeAll
    void runAServer(@TempDir Path temp) throws Exception {
        dataDir = Files.createDirectories(temp.resolve("data"));
        try (LocalProcess server = LocalProcess.run("--data", dataDir.toString(), "--port", "0", "--log-requests")) {
            firstPid = server.pid();
            URI baseUrl = server.awaitListening();
            HttpTestClient http = new HttpTestClient(baseUrl);
            http.put("/v1/queues/orders", "{}");
            http.post("/v1/queues/orders/messages", "{\"body\": \"hello\"}");
            HttpResponse<String> received = http.post("/v1/queues/orders/receive", "{\"maxMessages\": 1}");
            requestId = received.headers().firstValue("X-Request-Id").orElseThrow();

            try (LocalProcess second = LocalProcess.run("--data", dataDir.toString(), "--port", "0")) {
                secondExitCode = second.awaitExit();
                secondOut = second.out();
                secondErr = second.err();
            }

            server.stop();
            out = server.out();
            err = server.err();
        }
    }

    @Test
    void secondServer_onTheSameDataDirectory_exitsOne_namingTheDirectoryAndTheFirstsPid() {
        assertThat(secondExitCode).isEqualTo(Main.CANNOT_START);
        assertThat(secondErr)
                .containsExactly(
                        "mq-local: cannot use " + dataDir + " as the data directory: " + "another mq local server (pid "
                                + firstPid + ") is using it; stop that one or choose another directory");
        assertThat(secondOut).isEmpty();
    }

    @Test
    void start_printsNoJaxbWarning() {
        assertThat(err).noneMatch(line -> line.contains("JAXB"));
    }

    @Test
    void stop_printsAStoppedLine_last() {
        assertThat(out).first().asString().startsWith("mq local server listening on http://127.0.0.1:");
        assertThat(out).as("standard error: %s", err).last().isEqualTo(Main.STOPPED);
    }

    @Test
    void logRequests_printsOneLinePerRequest_onStandardError() {
        assertThat(err).filteredOn(line -> line.contains(RequestLog.LOGGER)).hasSize(3);
        assertThat(err)
                .filteredOn(line -> line.contains(requestId))
                .singleElement()
                .asString()
                .matches("\\d\\d:\\d\\d:\\d\\d INFO " + RequestLog.LOGGER
                        + ": POST /v1/queues/orders/receive 200 \\d+ ms " + requestId);
    }
}
