package dev.mq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The HTTP-client comparison in its smallest run: every client starts the publish function in a fresh JVM
 * and answers, and each gets its row. No figure is judged here; the choice is read from real runs.
 */
class LambdaHttpClientsTest {
    @Test
    void oneRunOfEachClient_printsARowOfFiguresForEach() {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new LambdaHttpClients());
        command.setOut(new PrintWriter(out));

        int code = command.execute("--runs", "1", "--warm-calls", "5");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("| client | cold start to first answer");
        for (String client : HttpClientProbe.CLIENTS) {
            assertThat(out.toString())
                    .containsPattern(
                            "(?m)^\\| " + client + " \\| \\d+ \\(\\d+\\) ms \\| .* \\| [\\d.]+ (KiB|MiB) \\|$");
        }
    }

    @Test
    void crtPackageSize_countsLambdasNativeLibraryOnly() throws Exception {
        Path crtJar = Path.of(software.amazon
                .awssdk
                .crt
                .CRT
                .class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());

        long added = LambdaHttpClients.packageBytes("crt");

        // the published jar carries a native library for each of a dozen platforms; Lambda needs one
        assertThat(added).isGreaterThan(1 << 20).isLessThan(Files.size(crtJar) / 4);
    }
}
