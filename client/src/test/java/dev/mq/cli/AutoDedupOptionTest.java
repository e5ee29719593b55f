package dev.mq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mq.client.MqClient;
import dev.mq.client.TestServer;
import dev.mq.model.Responses.BrowsedMessage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code mq send} leaves deduplication to the queue unless {@code --auto-dedup} asks for ids. */
class AutoDedupOptionTest {
    final MqClient mq = TestServer.client();

    @Test
    void byDefault_aContentBasedQueue_storesTwoIdenticalSendsOnce() {
        String queue = TestServer.unique("cli-cbd");
        mq.createQueue(queue, Map.of("contentBasedDeduplication", true));

        assertThat(mq("send", queue, "order 42 placed")).isZero();
        assertThat(mq("send", queue, "order 42 placed")).isZero();

        assertThat(mq.browse(queue, 10, null).messages())
                .extracting(BrowsedMessage::body)
                .containsExactly("order 42 placed");
    }

    @Test
    void byDefault_aStandardSend_carriesNoDeduplicationId_andAutoDedupAddsOne() {
        String queue = TestServer.unique("cli-plain");
        mq.createQueue(queue);

        assertThat(mq("send", queue, "plain")).isZero();
        assertThat(mq("send", queue, "also plain", "--no-auto-dedup")).isZero();
        assertThat(mq("send", queue, "with id", "--auto-dedup")).isZero();

        assertThat(mq.browse(queue, 10, null).messages())
                .allSatisfy(m -> assertThat(m.deduplicationId() != null)
                        .as(m.body())
                        .isEqualTo(m.body().equals("with id")));
    }

    private static int mq(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--endpoint";
        all[1] = TestServer.url().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return MqCli.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new ByteArrayInputStream(new byte[0]),
                all);
    }
}
