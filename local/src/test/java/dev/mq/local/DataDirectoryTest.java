package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A data directory is used by one server at a time, and one that cannot be used stops the start at once
 * with one line. (Two separate processes on one directory: {@link MainProcessTest}.)
 */
class DataDirectoryTest {
    private static final long THIS_PID = ProcessHandle.current().pid();

    @TempDir
    Path temp;

    @Test
    void secondServer_onTheSameDirectory_isRefused_namingTheDirectoryAndTheOwnersPid() throws Exception {
        Path dataDir = temp.resolve("data");
        try (LocalServer first = start(dataDir)) {
            assertThatThrownBy(() -> start(dataDir))
                    .isInstanceOf(UnusableDataDirectoryException.class)
                    .hasMessageContaining(dataDir.toString())
                    .hasMessageContaining("another mq local server (pid " + THIS_PID + ") is using it");

            // the refused start leaves the first one serving
            assertThat(new HttpTestClient(first.baseUrl()).get("/health").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void secondServer_onTheSameDirectoryByAnotherName_isRefused_andTheFirstKeepsItsLock() throws Exception {
        Path dataDir = temp.resolve("data");
        Files.createDirectories(dataDir);
        Path alias = Files.createSymbolicLink(temp.resolve("alias"), dataDir);
        try (LocalServer first = start(dataDir)) {
            assertThatThrownBy(() -> start(alias))
                    .isInstanceOf(UnusableDataDirectoryException.class)
                    .hasMessageContaining("is using it");

            // the refusal closed no descriptor of the lock file (which would drop this process's OS lock):
            // another process is still refused
            try (LocalProcess other = LocalProcess.run("--data", dataDir.toString(), "--port", "0")) {
                assertThat(other.awaitExit()).isEqualTo(Main.CANNOT_START);
            }
            assertThat(new HttpTestClient(first.baseUrl()).get("/health").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void command_onADirectoryInUse_exitsOne_withOneLine() throws Exception {
        Path dataDir = temp.resolve("data");
        try (LocalServer ignored = start(dataDir)) {
            Run run = runCommand("--data", dataDir.toString(), "--port", "0");

            assertThat(run.exitCode()).isEqualTo(Main.CANNOT_START);
            assertThat(run.errLines())
                    .containsExactly("mq-local: cannot use " + dataDir + " as the data directory: another mq "
                            + "local server (pid " + THIS_PID
                            + ") is using it; stop that one or choose another directory");
            assertThat(run.out()).isEmpty();
        }
    }

    @Test
    void directory_isFreeAgain_onceItsServerStopped() throws Exception {
        Path dataDir = temp.resolve("data");
        start(dataDir).close();

        try (LocalServer second = start(dataDir)) {
            assertThat(new HttpTestClient(second.baseUrl()).get("/health").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void lockFile_namesTheOwnersPid_whileItRuns() throws Exception {
        Path dataDir = temp.resolve("data");
        try (LocalServer ignored = start(dataDir)) {
            assertThat(Files.readString(dataDir.resolve(DataDirectory.LOCK_FILE))
                            .strip())
                    .isEqualTo(Long.toString(THIS_PID));
        }
    }

    @Test
    void lockHeldByOtherCodeOfThisProcess_refusesTheDirectory() throws Exception {
        // a lock this JVM holds makes tryLock throw OverlappingFileLockException rather than return null
        Path dataDir = Files.createDirectories(temp.resolve("data"));
        try (FileChannel channel = FileChannel.open(
                        dataDir.resolve(DataDirectory.LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var ignored = channel.lock()) {
            assertThatThrownBy(() -> DataDirectory.claim(dataDir))
                    .isInstanceOf(UnusableDataDirectoryException.class)
                    .hasMessageContaining("another mq local server (pid " + THIS_PID + ") is using it");
        }
    }

    @Test
    void pathThatIsAFile_isRefused_withOneLine() throws Exception {
        Path file = Files.createFile(temp.resolve("not-a-directory"));

        Run run = runCommand("--data", file.toString(), "--port", "0");

        assertThat(run.exitCode()).isEqualTo(Main.CANNOT_START);
        assertThat(run.errLines())
                .containsExactly(
                        "mq-local: cannot use " + file + " as the data directory: " + "it is a file, not a directory");
    }

    @Test
    void pathBelowAFile_isRefused_namingTheFileInTheWay() throws Exception {
        Path file = Files.createFile(temp.resolve("a-file"));
        Path dataDir = file.resolve("data");

        Run run = runCommand("--data", dataDir.toString(), "--port", "0");

        assertThat(run.exitCode()).isEqualTo(Main.CANNOT_START);
        assertThat(run.errLines())
                .containsExactly("mq-local: cannot use " + dataDir + " as the data directory: " + "cannot create it: "
                        + file + " is a file, not a directory");
    }

    @Test
    void directoryThisUserCannotWrite_isRefused_withOneLine() throws Exception {
        Path dataDir = Files.createDirectories(temp.resolve("read-only"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(
                    Files.isWritable(dataDir),
                    "this user writes even where permissions forbid it (root), so a directory it cannot write cannot be made");

            Run run = runCommand("--data", dataDir.toString(), "--port", "0");

            assertThat(run.exitCode()).isEqualTo(Main.CANNOT_START);
            assertThat(run.errLines())
                    .containsExactly("mq-local: cannot use " + dataDir + " as the data directory: "
                            + "this user cannot read and write in it");
        } finally {
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void directoryBelowOneThisUserCannotWrite_isRefused_withOneLine() throws Exception {
        Path parent = Files.createDirectories(temp.resolve("read-only"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(
                    Files.isWritable(parent),
                    "this user writes even where permissions forbid it (root), so a directory it cannot write cannot be made");
            Path dataDir = parent.resolve("data");

            Run run = runCommand("--data", dataDir.toString(), "--port", "0");

            assertThat(run.exitCode()).isEqualTo(Main.CANNOT_START);
            assertThat(run.errLines())
                    .containsExactly("mq-local: cannot use " + dataDir + " as the data directory: "
                            + "cannot create it: this user cannot write in " + parent + "");
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static LocalServer start(Path dataDir) throws Exception {
        return LocalServer.start(new LocalServer.Options(0, dataDir, "127.0.0.1", null));
    }

    private record Run(int exitCode, String out, List<String> errLines) {}

    /**
     * The real command, in this JVM. It returns only when the server did not start; one that did start
     * serves until interrupted, which the limit here does, so that such a test fails instead of hanging.
     */
    private static Run runCommand(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> new CommandLine(new Main())
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute(args),
                () -> "the server started: " + out);
        return new Run(exitCode, out.toString(), err.toString().lines().toList());
    }
}
