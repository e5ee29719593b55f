package dev.mq.sqs.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * What the SQS suite's classes share: one client per protocol for the whole run, queue names no other
 * test or run uses (the target may be shared and never empty), the queues a class made deleted after
 * it, and short forms of the common calls. Calls that set up a scenario go through the protocol under
 * test too, so every action is exercised over both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqsTestSupport {
    static final String ACCOUNT = "000000000000";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static Sqs json;
    private static Sqs query;

    private final Set<String> created = ConcurrentHashMap.newKeySet();

    static synchronized Stream<Named<Sqs>> protocols() {
        if (json == null) {
            SqsTarget target = SqsTarget.get();
            json = new JsonProtocolSqs(target);
            query = new QueryProtocolSqs(target);
        }
        return Stream.of(Named.of("json protocol (SDK v2)", json), Named.of("query protocol (SDK v1)", query));
    }

    static SqsTarget target() {
        return SqsTarget.get();
    }

    /** Deletes the queues the class made; a queue some test deleted already is no failure. */
    @AfterAll
    void deleteCreatedQueues() {
        Sqs sqs = protocols().findFirst().orElseThrow().getPayload();
        for (String url : created) {
            try {
                sqs.deleteQueue(DeleteQueueRequest.builder().queueUrl(url).build());
            } catch (SqsFailure ignored) {
                // gone already
            }
        }
        created.clear();
    }

    // ------------------------------------------------------------------ queues

    /** A name no other test, run or client uses: {@code sqs-<hint>-<10 random chars>}. */
    static String uniqueName(String hint) {
        StringBuilder name = new StringBuilder("sqs-").append(hint).append('-');
        for (int i = 0; i < 10; i++) {
            name.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return name.toString();
    }

    /** Remembers a queue URL this class made, so that it is deleted after the class. */
    protected String track(String queueUrl) {
        created.add(queueUrl);
        return queueUrl;
    }

    protected String createQueue(Sqs sqs, String hint, Map<QueueAttributeName, String> attributes) {
        return createNamed(sqs, uniqueName(hint), attributes);
    }

    protected String createQueue(Sqs sqs, String hint) {
        return createQueue(sqs, hint, Map.of());
    }

    protected String createFifoQueue(Sqs sqs, String hint, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> fifo = new LinkedHashMap<>(attributes);
        fifo.put(QueueAttributeName.FIFO_QUEUE, "true");
        return createNamed(sqs, uniqueName(hint) + ".fifo", fifo);
    }

    protected String createNamed(Sqs sqs, String name, Map<QueueAttributeName, String> attributes) {
        return track(sqs.createQueue(CreateQueueRequest.builder()
                        .queueName(name)
                        .attributes(attributes)
                        .build())
                .queueUrl());
    }

    protected Map<String, String> attributes(Sqs sqs, String queueUrl, String... names) {
        return sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                        .queueUrl(queueUrl)
                        .attributeNamesWithStrings(names)
                        .build())
                .attributesAsStrings();
    }

    protected String arnOf(Sqs sqs, String queueUrl) {
        return attributes(sqs, queueUrl, "QueueArn").get("QueueArn");
    }

    static String nameOf(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    // ------------------------------------------------------------------ messages

    protected String send(Sqs sqs, String queueUrl, String body) {
        return sqs.sendMessage(SendMessageRequest.builder()
                        .queueUrl(queueUrl)
                        .messageBody(body)
                        .build())
                .messageId();
    }

    protected List<Message> receive(Sqs sqs, String queueUrl, int max, int waitSeconds, Integer visibilitySeconds) {
        return sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(queueUrl)
                        .maxNumberOfMessages(max)
                        .waitTimeSeconds(waitSeconds)
                        .visibilityTimeout(visibilitySeconds)
                        .build())
                .messages();
    }

    /** Receives exactly one message, waiting up to a few seconds for it. */
    protected Message receiveOne(Sqs sqs, String queueUrl, int visibilitySeconds) {
        List<Message> messages = receive(sqs, queueUrl, 1, 5, visibilitySeconds);
        assertThat(messages).as("one message received from %s", queueUrl).hasSize(1);
        return messages.get(0);
    }

    /** Receives until {@code count} messages are leased (a receive may answer fewer than asked). */
    protected List<Message> receiveAll(Sqs sqs, String queueUrl, int count, int visibilitySeconds) {
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            got.addAll(receive(sqs, queueUrl, Math.min(10, count - got.size()), 1, visibilitySeconds));
        }
        assertThat(got).as("messages received from %s", queueUrl).hasSize(count);
        return got;
    }

    protected void assertNothingToReceive(Sqs sqs, String queueUrl) {
        assertThat(receive(sqs, queueUrl, 10, 0, null))
                .as("messages receivable from %s", queueUrl)
                .isEmpty();
    }

    /** Ends the message's lease at once, so that the next receive may take it again. */
    protected void release(Sqs sqs, String queueUrl, Message message) {
        sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder()
                .queueUrl(queueUrl)
                .receiptHandle(message.receiptHandle())
                .visibilityTimeout(0)
                .build());
    }

    static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }

    // ------------------------------------------------------------------ errors and small things

    /**
     * Skips the rest of a test on ElasticMQ where ElasticMQ is known to answer other than SQS does (the
     * reason says how, and what SQS does); {@code -Dsqs.elasticmq.strict=true} runs it anyway. Only for
     * ElasticMQ: the mq server must behave as SQS everywhere.
     */
    static void differsOnElasticMq(String why) {
        Assumptions.assumeFalse(
                target().elasticMq() && !Boolean.getBoolean("sqs.elasticmq.strict"),
                "ElasticMQ differs from SQS: " + why);
    }

    /**
     * Checks the error code both SDKs report: the query protocol's code, which SQS's JSON protocol sends
     * in the {@code x-amzn-query-error} header and the v2 SDK reports as the error code.
     */
    static void assertErrorCode(Sqs sqs, SqsFailure failure, String queryCode, int status) {
        if (sqs.protocol().equals("json") && !queryCode.equals(failure.errorCode())) {
            differsOnElasticMq("its JSON errors have no x-amzn-query-error header, so the SDK reports the"
                    + " shape name " + failure.errorCode() + " instead of SQS's " + queryCode);
        }
        assertThat(failure.errorCode()).as("error code of %s", failure).isEqualTo(queryCode);
        assertThat(failure.status()).as("status of %s", failure).isEqualTo(status);
    }

    /** The failure the call must end in. */
    static SqsFailure failureOf(ThrowingCallable call) {
        SqsFailure failure = catchThrowableOfType(SqsFailure.class, call);
        assertThat(failure).as("the call fails with a service error").isNotNull();
        return failure;
    }

    static String md5Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static BigInteger number(String decimal) {
        return new BigInteger(decimal);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Retries an assertion until it holds or the time is up, for what a target may show late. */
    static void eventually(Duration within, Runnable assertion) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause(200);
            }
        }
    }
}
