package dev.mq.sqs.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksRequest;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;

/** RedrivePolicy, ListDeadLetterSourceQueues and redrive as message-move tasks. */
class DeadLetterTest extends SqsTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BothProtocols
    void aMessageReceivedMaxReceiveCountTimes_movesToTheDeadLetterQueue(Sqs sqs) {
        String deadLetters = createQueue(sqs, "dlq");
        String source = createQueue(sqs, "src", redriveTo(sqs, deadLetters, 2));
        String id = send(sqs, source, "poison");

        for (int receive = 0; receive < 2; receive++) {
            release(sqs, source, receiveOne(sqs, source, 30));
        }

        assertThat(receive(sqs, source, 10, 1, 30))
                .as("receive after maxReceiveCount")
                .isEmpty();
        Message dead = receiveOne(sqs, deadLetters, 30);
        assertThat(dead.body()).isEqualTo("poison");
        assertThat(dead.messageId()).as("SQS keeps the message id").isEqualTo(id);
    }

    @BothProtocols
    void redrivePolicy_readsBackAsAJsonString(Sqs sqs) throws Exception {
        String deadLetters = createQueue(sqs, "dlqattr");
        String source = createQueue(sqs, "srcattr", redriveTo(sqs, deadLetters, 3));

        JsonNode policy = JSON.readTree(attributes(sqs, source, "RedrivePolicy").get("RedrivePolicy"));

        assertThat(policy.path("deadLetterTargetArn").asText()).isEqualTo(arnOf(sqs, deadLetters));
        assertThat(policy.path("maxReceiveCount").asInt()).isEqualTo(3);
    }

    @BothProtocols
    void listDeadLetterSourceQueues_answersTheQueuesWhoseRedrivePolicyNamesIt(Sqs sqs) {
        String deadLetters = createQueue(sqs, "dlqsources");
        String first = createQueue(sqs, "srca", redriveTo(sqs, deadLetters, 2));
        String second = createQueue(sqs, "srcb", redriveTo(sqs, deadLetters, 2));
        createQueue(sqs, "unrelated");

        List<String> sources = sqs.listDeadLetterSourceQueues(ListDeadLetterSourceQueuesRequest.builder()
                        .queueUrl(deadLetters)
                        .build())
                .queueUrls();

        assertThat(sources).containsExactlyInAnyOrder(first, second);
    }

    @BothProtocols
    void startMessageMoveTask_movesDeadLettersBackToTheirSourceQueue(Sqs sqs) {
        String deadLetters = createQueue(sqs, "dlqmove");
        String deadLettersArn = arnOf(sqs, deadLetters);
        String source = createQueue(sqs, "srcmove", redriveTo(sqs, deadLetters, 1));
        send(sqs, source, "a");
        send(sqs, source, "b");
        for (Message message : receiveAll(sqs, source, 2, 30)) {
            release(sqs, source, message);
        }
        assertThat(receive(sqs, source, 10, 1, 30))
                .as("receive after maxReceiveCount")
                .isEmpty();

        String handle = sqs.startMessageMoveTask(StartMessageMoveTaskRequest.builder()
                        .sourceArn(deadLettersArn)
                        .build())
                .taskHandle();

        assertThat(handle).isNotBlank();
        eventually(Duration.ofSeconds(10), () -> {
            ListMessageMoveTasksResultEntry task = sqs.listMessageMoveTasks(ListMessageMoveTasksRequest.builder()
                            .sourceArn(deadLettersArn)
                            .build())
                    .results()
                    .get(0);
            assertThat(task.status()).isEqualTo("COMPLETED");
            assertThat(task.sourceArn()).isEqualTo(deadLettersArn);
            assertThat(task.approximateNumberOfMessagesMoved()).isEqualTo(2L);
        });
        assertThat(bodies(receiveAll(sqs, source, 2, 30))).containsExactlyInAnyOrder("a", "b");
        assertNothingToReceive(sqs, deadLetters);
    }

    @BothProtocols
    void startMessageMoveTask_withADestination_movesDeadLettersThere(Sqs sqs) {
        String deadLetters = createQueue(sqs, "dlqdest");
        String source = createQueue(sqs, "srcdest", redriveTo(sqs, deadLetters, 1));
        String destination = createQueue(sqs, "dest");
        send(sqs, source, "a");
        release(sqs, source, receiveOne(sqs, source, 30));
        assertThat(receive(sqs, source, 10, 1, 30))
                .as("receive after maxReceiveCount")
                .isEmpty();

        sqs.startMessageMoveTask(StartMessageMoveTaskRequest.builder()
                .sourceArn(arnOf(sqs, deadLetters))
                .destinationArn(arnOf(sqs, destination))
                .build());

        eventually(
                Duration.ofSeconds(10),
                () -> assertThat(bodies(receive(sqs, destination, 10, 1, 30))).containsExactly("a"));
        assertNothingToReceive(sqs, source);
    }

    @BothProtocols
    void startMessageMoveTask_fromAQueueThatIsNoDeadLetterQueue_fails(Sqs sqs) {
        differsOnElasticMq("it answers 500 or 503 after about 20 s");
        String plain = createQueue(sqs, "notdlq");

        SqsFailure failure = failureOf(() -> sqs.startMessageMoveTask(StartMessageMoveTaskRequest.builder()
                .sourceArn(arnOf(sqs, plain))
                .build()));

        // SQS documents no error code for this case, only that the source must be a dead-letter queue
        assertThat(failure.status()).as("status of %s", failure).isEqualTo(400);
    }

    private Map<QueueAttributeName, String> redriveTo(Sqs sqs, String deadLetterQueueUrl, int maxReceiveCount) {
        return Map.of(
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + arnOf(sqs, deadLetterQueueUrl) + "\",\"maxReceiveCount\":\""
                        + maxReceiveCount + "\"}");
    }
}
