package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's curl walk-through, run as written against a local server: each step must show what the
 * README says it shows, or a new user following it is misled.
 */
class ReadmeWalkThroughTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void walkThrough_showsWhatItsCommentsSay() throws Exception {
        assumeTrue(onPath("bash") && onPath("curl"), "the walk-through needs bash and curl on the PATH");
        String script = walkThrough();
        assertThat(script).contains("API=http://127.0.0.1:8080");

        try (LocalServer server = LocalServer.start(new LocalServer.Options(0, null, null, null))) {
            String api = server.baseUrl().toString().replaceAll("/$", "");
            Process bash = new ProcessBuilder("bash", "-c", script.replace("API=http://127.0.0.1:8080", "API=" + api))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor(2, TimeUnit.MINUTES)).isTrue();

            assertThat(bash.exitValue()).as(output).isZero();
            // the ack and the negative acknowledgement: 204 each
            assertThat(output.lines().filter("204"::equals)).as(output).hasSize(2);
            // after them, two messages wait and browsing lists both, visible
            assertThat(output).contains("\"stats\":{\"visible\":2,\"inFlight\":0,\"delayed\":0");
            // both taken and acknowledged in one request
            assertThat(occurrences(output, "\"ok\":true")).as(output).isEqualTo(2);
            // the poison message: received twice, then found in the dead-letter queue under the id its send
            // answered, and redriven
            List<String> poisonIds = matches(output, "\"messageId\":\"([^\"]+)\",\"body\":\"poison\"");
            assertThat(poisonIds).as(output).hasSize(3).containsOnly(poisonIds.get(0));
            assertThat(output)
                    .contains("{\"results\":[{\"messageId\":\"" + poisonIds.get(0) + "\",\"duplicate\":false}]}");
            assertThat(output)
                    .contains("\"body\":\"poison\",\"attributes\":{},\"state\":\"visible\"")
                    .contains("{\"messages\":[]}")
                    .contains("{\"moved\":1}");
        }
    }

    /** The first bash block under the walk-through's heading. */
    private static String walkThrough() throws Exception {
        String readme = Files.readString(README);
        int section = readme.indexOf("## Walk-through with curl");
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static List<String> matches(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
