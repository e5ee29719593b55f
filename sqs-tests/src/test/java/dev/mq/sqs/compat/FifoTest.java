package dev.mq.sqs.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** FIFO queues: order within a group, deduplication, sequence numbers and ReceiveRequestAttemptId. */
class FifoTest extends SqsTestSupport {

    @BothProtocols
    void createQueue_fifoQueueWithoutTheFifoSuffix_failsWithInvalidParameterValue(Sqs sqs) {
        differsOnElasticMq("it answers InvalidAttributeName; SQS answers InvalidParameterValue");
        SqsFailure failure = failureOf(() -> sqs.createQueue(CreateQueueRequest.builder()
                .queueName(uniqueName("nosuffix"))
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))
                .build()));

        assertErrorCode(sqs, failure, "InvalidParameterValue", 400);
    }

    @BothProtocols
    void messagesOfAGroup_areReceivedInSendOrder_oneLeaseAtATime(Sqs sqs) {
        String url = createFifoQueue(sqs, "order", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        for (String body : List.of("a1", "a2", "a3")) {
            sendToGroup(sqs, url, "a", body, null);
        }

        Message first = receive(sqs, url, 1, 1, 30).get(0);
        assertThat(first.body()).isEqualTo("a1");
        assertThat(receive(sqs, url, 10, 0, 30))
                .as("nothing more of group a while a1 is leased")
                .isEmpty();
        delete(sqs, url, first);

        List<Message> rest = receive(sqs, url, 10, 1, 30);
        assertThat(bodies(rest)).containsExactly("a2", "a3");
    }

    @BothProtocols
    void sendMessage_withADeduplicationIdSeenBefore_isAcceptedButNotDeliveredTwice(Sqs sqs) {
        String url = createFifoQueue(sqs, "dedupid", Map.of());

        sendToGroup(sqs, url, "g", "first", "same-id");
        sendToGroup(sqs, url, "g", "second", "same-id");
        sendToGroup(sqs, url, "g", "third", "other-id");

        assertThat(bodies(receiveAll(sqs, url, 2, 30))).containsExactly("first", "third");
        assertNothingToReceive(sqs, url);
    }

    @BothProtocols
    void contentBasedDeduplication_dropsAnEqualBodySentAgain(Sqs sqs) {
        String url = createFifoQueue(sqs, "dedupbody", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));

        sendToGroup(sqs, url, "g", "same body", null);
        sendToGroup(sqs, url, "g", "same body", null);
        sendToGroup(sqs, url, "g", "other body", null);

        assertThat(bodies(receiveAll(sqs, url, 2, 30))).containsExactly("same body", "other body");
        assertNothingToReceive(sqs, url);
    }

    @BothProtocols
    void sendMessage_withoutDeduplicationIdOrContentBasedDeduplication_failsWithInvalidParameterValue(Sqs sqs) {
        String url = createFifoQueue(sqs, "nodedup", Map.of());

        SqsFailure failure = failureOf(() -> sendToGroup(sqs, url, "g", "m", null));

        assertErrorCode(sqs, failure, "InvalidParameterValue", 400);
    }

    @BothProtocols
    void sendMessage_withoutMessageGroupId_failsWithMissingParameter(Sqs sqs) {
        String url = createFifoQueue(sqs, "nogroup", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));

        SqsFailure failure = failureOf(() -> send(sqs, url, "m"));

        assertErrorCode(sqs, failure, "MissingParameter", 400);
    }

    @BothProtocols
    void sequenceNumbers_increaseInSendOrder_andReceivedMessagesCarryTheirFifoAttributes(Sqs sqs) {
        String url = createFifoQueue(sqs, "sequence", Map.of());
        List<SendMessageResponse> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(sendToGroup(sqs, url, "g", "m" + i, "d" + i));
        }

        List<BigInteger> numbers = sent.stream()
                .map(SendMessageResponse::sequenceNumber)
                .map(SqsTestSupport::number)
                .toList();
        assertThat(numbers).isSorted().doesNotHaveDuplicates();
        Message first = sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .messageSystemAttributeNamesWithStrings("All")
                        .waitTimeSeconds(1)
                        .build())
                .messages()
                .get(0);
        assertThat(first.attributesAsStrings())
                .containsEntry("SequenceNumber", sent.get(0).sequenceNumber())
                .containsEntry("MessageGroupId", "g")
                .containsEntry("MessageDeduplicationId", "d0");
    }

    @BothProtocols
    void receiveMessage_againWithTheSameReceiveRequestAttemptId_answersTheSameMessages(Sqs sqs) {
        String url = createFifoQueue(sqs, "attempt", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        sendToGroup(sqs, url, "g", "m1", null);
        sendToGroup(sqs, url, "g", "m2", null);
        ReceiveMessageRequest request = ReceiveMessageRequest.builder()
                .queueUrl(url)
                .maxNumberOfMessages(10)
                .visibilityTimeout(30)
                .waitTimeSeconds(1)
                .receiveRequestAttemptId("attempt-1")
                .build();

        List<Message> first = sqs.receiveMessage(request).messages();
        List<Message> retried = sqs.receiveMessage(request).messages();

        assertThat(bodies(first)).containsExactly("m1", "m2");
        assertThat(retried)
                .extracting(Message::messageId)
                .containsExactlyElementsOf(
                        first.stream().map(Message::messageId).toList());
    }

    private SendMessageResponse sendToGroup(Sqs sqs, String url, String group, String body, String deduplicationId) {
        return sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody(body)
                .messageGroupId(group)
                .messageDeduplicationId(deduplicationId)
                .build());
    }

    private void delete(Sqs sqs, String url, Message message) {
        sqs.deleteMessage(DeleteMessageRequest.builder()
                .queueUrl(url)
                .receiptHandle(message.receiptHandle())
                .build());
    }
}
