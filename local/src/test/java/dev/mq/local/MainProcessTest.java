package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mq-local} run as separate processes, as users run it. */
class MainProcessTest {
    @TempDir
    Path dataDir;

    @Test
    void secondProcess_onTheSameDataDirectory_exitsOne_namingTheDirectoryAndTheFirstProcess() throws Exception {
        try (LocalProcess first = LocalProcess.run("--data", dataDir.toString(), "--port", "0")) {
            first.awaitListening();

            try (LocalProcess second = LocalProcess.run("--data", dataDir.toString(), "--port", "0")) {
                assertThat(second.awaitExit()).isEqualTo(Main.CANNOT_START);
                assertThat(second.err()).containsExactly("mq-local: cannot use " + dataDir + " as the data directory: "
                        + "another mq local server (pid " + first.pid() + ") is using it; stop that one or choose "
                        + "another directory");
                assertThat(second.out()).isEmpty();
            }
        }
    }
}
