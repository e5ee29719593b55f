package dev.mq.sqs.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch) and ChangeMessageVisibility(Batch) on standard
 * queues. Leases are short (1 s) or ended at once with a visibility timeout of 0, so no test sleeps long.
 */
class MessageActionsTest extends SqsTestSupport {
    private static final String INVALID_HANDLE = "not-a-receipt-handle";

    @BothProtocols
    void sendMessage_thenReceiveMessage_answersTheBodyIdAndItsMd5(Sqs sqs) {
        String url = createQueue(sqs, "send");

        SendMessageResponse sent = sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody("héllo wörld ✓")
                .build());
        Message received = receiveOne(sqs, url, 30);

        assertThat(sent.md5OfMessageBody()).isEqualTo(md5Hex("héllo wörld ✓"));
        assertThat(received.messageId()).isEqualTo(sent.messageId());
        assertThat(received.body()).isEqualTo("héllo wörld ✓");
        assertThat(received.md5OfBody()).isEqualTo(md5Hex("héllo wörld ✓"));
        assertThat(received.receiptHandle()).isNotBlank();
    }

    @BothProtocols
    void sendMessage_withDelaySeconds_isNotReceivableUntilTheDelayPassed(Sqs sqs) {
        String url = createQueue(sqs, "delay");

        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody("later")
                .delaySeconds(1)
                .build());

        assertNothingToReceive(sqs, url);
        assertThat(bodies(receive(sqs, url, 1, 5, 30))).containsExactly("later");
    }

    @BothProtocols
    void typedMessageAttributes_roundTrip_withTheirTypesAndDigests(Sqs sqs) {
        String url = createQueue(sqs, "typed");
        Map<String, MessageAttributeValue> attributes = Map.of(
                "text", string("String", "plain"),
                "price", string("Number", "12.50"),
                "blob", binary("Binary", new byte[] {0, 1, 2, (byte) 0xff}),
                "label", string("String.custom", "tagged"),
                "count", string("Number.int", "42"),
                "photo", binary("Binary.jpeg", new byte[] {(byte) 0xff, (byte) 0xd8}));

        // both SDKs compare MD5OfMessageAttributes with their own digest and fail the call on a mismatch
        SendMessageResponse sent = sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody("with attributes")
                .messageAttributes(attributes)
                .build());
        Message received = sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .messageAttributeNames("All")
                        .waitTimeSeconds(5)
                        .build())
                .messages()
                .get(0);

        assertThat(sent.md5OfMessageAttributes()).isNotBlank();
        assertThat(received.md5OfMessageAttributes()).isEqualTo(sent.md5OfMessageAttributes());
        assertThat(received.messageAttributes()).isEqualTo(attributes);
    }

    @BothProtocols
    void receiveMessage_withMessageAttributeNames_answersTheNamedAndPrefixedAttributesOnly(Sqs sqs) {
        differsOnElasticMq("it does not match prefixes such as order.* (SQS does)");
        String url = createQueue(sqs, "attrnames");
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody("m")
                .messageAttributes(Map.of(
                        "order.id", string("String", "o-1"),
                        "order.total", string("Number", "9"),
                        "customer", string("String", "c-1")))
                .build());

        Message byPrefix = receiveWithAttributeNames(sqs, url, "order.*");
        Message byName = receiveWithAttributeNames(sqs, url, "customer");
        Message none = receiveWithAttributeNames(sqs, url);

        assertThat(byPrefix.messageAttributes()).containsOnlyKeys("order.id", "order.total");
        assertThat(byName.messageAttributes()).containsOnlyKeys("customer");
        assertThat(none.messageAttributes()).isEmpty();
    }

    /** Receives the one message of the queue with these attribute names, then makes it visible again. */
    private Message receiveWithAttributeNames(Sqs sqs, String url, String... names) {
        Message message = sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .messageAttributeNames(names)
                        .waitTimeSeconds(5)
                        .build())
                .messages()
                .get(0);
        release(sqs, url, message);
        return message;
    }

    @BothProtocols
    void receiveMessage_withSystemAttributeNames_answersAllOrTheNamedOnes(Sqs sqs) {
        String url = createQueue(sqs, "sysattrs");
        send(sqs, url, "m");

        Message all = sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .messageSystemAttributeNamesWithStrings("All")
                        .waitTimeSeconds(5)
                        .build())
                .messages()
                .get(0);
        release(sqs, url, all);
        Message named = sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")
                        .waitTimeSeconds(5)
                        .build())
                .messages()
                .get(0);

        assertThat(all.attributesAsStrings())
                .containsEntry("ApproximateReceiveCount", "1")
                .containsKeys("SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId");
        long sent = Long.parseLong(all.attributesAsStrings().get("SentTimestamp"));
        assertThat(sent)
                .as("SentTimestamp is epoch milliseconds")
                .isBetween(System.currentTimeMillis() - 300_000, System.currentTimeMillis() + 300_000);
        assertThat(named.attributesAsStrings()).isEqualTo(Map.of("ApproximateReceiveCount", "2"));
    }

    @BothProtocols
    void receiveMessage_answersAtMostMaxNumberOfMessages(Sqs sqs) {
        String url = createQueue(sqs, "max");
        for (int i = 0; i < 5; i++) {
            send(sqs, url, "m" + i);
        }

        List<Message> first = receive(sqs, url, 2, 1, 30);

        assertThat(first).hasSizeBetween(1, 2);
        List<Message> rest = receiveAll(sqs, url, 5 - first.size(), 30);
        List<String> all = new ArrayList<>(bodies(first));
        all.addAll(bodies(rest));
        assertThat(all).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");
    }

    @BothProtocols
    void receiveMessage_withWaitTimeSeconds_answersAsSoonAsAMessageArrives(Sqs sqs) throws Exception {
        String url = createQueue(sqs, "longpoll");

        long start = System.nanoTime();
        CompletableFuture<List<Message>> polling = CompletableFuture.supplyAsync(() -> receive(sqs, url, 1, 20, 30));
        pause(500);
        send(sqs, url, "arrived");
        List<Message> received = polling.get(10, TimeUnit.SECONDS);

        assertThat(bodies(received)).containsExactly("arrived");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("milliseconds until the long poll answered (it may wait 20 s)")
                .isLessThan(5_000);
    }

    @BothProtocols
    void receiveMessage_withWaitTimeSeconds_onAnEmptyQueue_waitsThenAnswersNothing(Sqs sqs) {
        String url = createQueue(sqs, "emptypoll");

        long start = System.nanoTime();
        List<Message> received = receive(sqs, url, 1, 1, null);

        assertThat(received).isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(900);
    }

    @BothProtocols
    void receiveMessage_withVisibilityTimeout_hidesTheMessageUntilItEnds(Sqs sqs) {
        String url = createQueue(sqs, "visibility");
        send(sqs, url, "m");

        Message first = receiveOne(sqs, url, 1);
        assertNothingToReceive(sqs, url);
        pause(1_200);
        Message again = sqs.receiveMessage(ReceiveMessageRequest.builder()
                        .queueUrl(url)
                        .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")
                        .waitTimeSeconds(5)
                        .build())
                .messages()
                .get(0);

        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(again.receiptHandle()).isNotEqualTo(first.receiptHandle());
        assertThat(again.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");
    }

    @BothProtocols
    void deleteMessage_removesTheMessageForGood(Sqs sqs) {
        String url = createQueue(sqs, "delete");
        send(sqs, url, "m");
        Message message = receiveOne(sqs, url, 1);

        sqs.deleteMessage(DeleteMessageRequest.builder()
                .queueUrl(url)
                .receiptHandle(message.receiptHandle())
                .build());

        pause(1_200);
        assertNothingToReceive(sqs, url);
    }

    @BothProtocols
    void deleteMessage_withAnInvalidReceiptHandle_failsWithReceiptHandleIsInvalid(Sqs sqs) {
        String url = createQueue(sqs, "badhandle");

        SqsFailure failure = failureOf(() -> sqs.deleteMessage(DeleteMessageRequest.builder()
                .queueUrl(url)
                .receiptHandle(INVALID_HANDLE)
                .build()));

        assertErrorCode(sqs, failure, "ReceiptHandleIsInvalid", 400);
        assertThat(failure.exception()).isEqualTo("ReceiptHandleIsInvalidException");
    }

    @BothProtocols
    void deleteMessageBatch_deletesTheValidEntries_andReportsTheInvalidOnes(Sqs sqs) {
        String url = createQueue(sqs, "deletebatch");
        send(sqs, url, "a");
        send(sqs, url, "b");
        List<Message> leased = receiveAll(sqs, url, 2, 1);

        DeleteMessageBatchResponse answer = sqs.deleteMessageBatch(DeleteMessageBatchRequest.builder()
                .queueUrl(url)
                .entries(
                        DeleteMessageBatchRequestEntry.builder()
                                .id("first")
                                .receiptHandle(leased.get(0).receiptHandle())
                                .build(),
                        DeleteMessageBatchRequestEntry.builder()
                                .id("second")
                                .receiptHandle(leased.get(1).receiptHandle())
                                .build(),
                        DeleteMessageBatchRequestEntry.builder()
                                .id("bad")
                                .receiptHandle(INVALID_HANDLE)
                                .build())
                .build());

        assertThat(answer.successful()).extracting(e -> e.id()).containsExactlyInAnyOrder("first", "second");
        assertThat(answer.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo("bad");
            assertThat(failed.code()).isEqualTo("ReceiptHandleIsInvalid");
            assertThat(failed.senderFault()).isTrue();
        });
        pause(1_200);
        assertNothingToReceive(sqs, url);
    }

    @BothProtocols
    void changeMessageVisibility_toZero_makesTheMessageReceivableAtOnce(Sqs sqs) {
        String url = createQueue(sqs, "changevis");
        send(sqs, url, "m");
        Message leased = receiveOne(sqs, url, 60);

        sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder()
                .queueUrl(url)
                .receiptHandle(leased.receiptHandle())
                .visibilityTimeout(0)
                .build());

        assertThat(receive(sqs, url, 1, 0, 60)).extracting(Message::messageId).containsExactly(leased.messageId());
    }

    @BothProtocols
    void changeMessageVisibility_withAnInvalidReceiptHandle_failsWithReceiptHandleIsInvalid(Sqs sqs) {
        String url = createQueue(sqs, "changebad");

        SqsFailure failure = failureOf(() -> sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder()
                .queueUrl(url)
                .receiptHandle(INVALID_HANDLE)
                .visibilityTimeout(0)
                .build()));

        assertErrorCode(sqs, failure, "ReceiptHandleIsInvalid", 400);
    }

    @BothProtocols
    void changeMessageVisibilityBatch_changesTheValidEntries_andReportsTheInvalidOnes(Sqs sqs) {
        String url = createQueue(sqs, "changebatch");
        send(sqs, url, "a");
        send(sqs, url, "b");
        List<Message> leased = receiveAll(sqs, url, 2, 60);

        ChangeMessageVisibilityBatchResponse answer =
                sqs.changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest.builder()
                        .queueUrl(url)
                        .entries(
                                visibility("first", leased.get(0).receiptHandle()),
                                visibility("second", leased.get(1).receiptHandle()),
                                visibility("bad", INVALID_HANDLE))
                        .build());

        assertThat(answer.successful()).extracting(e -> e.id()).containsExactlyInAnyOrder("first", "second");
        assertThat(answer.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo("bad");
            assertThat(failed.code()).isEqualTo("ReceiptHandleIsInvalid");
            assertThat(failed.senderFault()).isTrue();
        });
        assertThat(bodies(receiveAll(sqs, url, 2, 60))).containsExactlyInAnyOrder("a", "b");
    }

    @BothProtocols
    void sendMessageBatch_sendsEveryEntry_andAnswersEachIdWithItsDigest(Sqs sqs) {
        String url = createQueue(sqs, "batch");

        SendMessageBatchResponse answer = sqs.sendMessageBatch(SendMessageBatchRequest.builder()
                .queueUrl(url)
                .entries(entry("a", "alpha"), entry("b", "beta"), entry("c", "gamma"))
                .build());

        assertThat(answer.failed()).isEmpty();
        assertThat(answer.successful()).extracting(e -> e.id()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(answer.successful())
                .filteredOn(e -> e.id().equals("b"))
                .singleElement()
                .satisfies(e -> assertThat(e.md5OfMessageBody()).isEqualTo(md5Hex("beta")));
        assertThat(bodies(receiveAll(sqs, url, 3, 30))).containsExactlyInAnyOrder("alpha", "beta", "gamma");
    }

    @BothProtocols
    void sendMessageBatch_withOneEntryTooBig_sendsTheOthers_andReportsThatOne(Sqs sqs) {
        String url = createQueue(sqs, "partial", Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024"));

        SendMessageBatchResponse answer = sqs.sendMessageBatch(SendMessageBatchRequest.builder()
                .queueUrl(url)
                .entries(entry("ok1", "first"), entry("big", "x".repeat(2_000)), entry("ok2", "second"))
                .build());

        differsOnElasticMq("it sends an entry larger than the queue's MaximumMessageSize");
        assertThat(answer.successful()).extracting(e -> e.id()).containsExactlyInAnyOrder("ok1", "ok2");
        assertThat(answer.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo("big");
            assertThat(failed.senderFault()).isTrue();
            assertThat(failed.code()).isNotBlank();
        });
        assertThat(bodies(receiveAll(sqs, url, 2, 30))).containsExactlyInAnyOrder("first", "second");
    }

    @BothProtocols
    void sendMessageBatch_withAnInvalidBody_sendsTheOthers_andReportsThatOne(Sqs sqs) {
        String url = createQueue(sqs, "badbody");

        SendMessageBatchResponse answer = sqs.sendMessageBatch(SendMessageBatchRequest.builder()
                .queueUrl(url)
                .entries(entry("ok", "fine"), entry("bad", "control \u0001 character"))
                .build());

        assertThat(answer.successful()).extracting(e -> e.id()).containsExactly("ok");
        assertThat(answer.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo("bad");
            assertThat(failed.senderFault()).isTrue();
        });
    }

    @BothProtocols
    void sendMessageBatch_withRepeatedIds_failsWithBatchEntryIdsNotDistinct(Sqs sqs) {
        String url = createQueue(sqs, "dupids");

        SqsFailure failure = failureOf(() -> sqs.sendMessageBatch(SendMessageBatchRequest.builder()
                .queueUrl(url)
                .entries(entry("same", "a"), entry("same", "b"))
                .build()));

        assertErrorCode(sqs, failure, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400);
        assertThat(failure.exception()).isEqualTo("BatchEntryIdsNotDistinctException");
        assertNothingToReceive(sqs, url);
    }

    @BothProtocols
    void sendMessageBatch_withElevenEntries_failsWithTooManyEntriesInBatchRequest(Sqs sqs) {
        String url = createQueue(sqs, "eleven");
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            entries.add(entry("e" + i, "m" + i));
        }

        SqsFailure failure = failureOf(() -> sqs.sendMessageBatch(
                SendMessageBatchRequest.builder().queueUrl(url).entries(entries).build()));

        assertErrorCode(sqs, failure, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400);
        assertThat(failure.exception()).isEqualTo("TooManyEntriesInBatchRequestException");
        assertNothingToReceive(sqs, url);
    }

    @BothProtocols
    void sendMessageBatch_withNoEntries_failsWithEmptyBatchRequest(Sqs sqs) {
        differsOnElasticMq("it accepts an empty batch and answers no entries");
        String url = createQueue(sqs, "emptybatch");

        SqsFailure failure = failureOf(() -> sqs.sendMessageBatch(SendMessageBatchRequest.builder()
                .queueUrl(url)
                .entries(List.of())
                .build()));

        assertErrorCode(sqs, failure, "AWS.SimpleQueueService.EmptyBatchRequest", 400);
    }

    @BothProtocols
    void sendMessage_withAnInvalidCharacter_failsWithInvalidMessageContents(Sqs sqs) {
        String url = createQueue(sqs, "badchar");

        SqsFailure failure = failureOf(() -> send(sqs, url, "control \u0001 character"));

        differsOnElasticMq("it answers the code InvalidAttributeValue (message InvalidMessageContents)");
        assertErrorCode(sqs, failure, "InvalidMessageContents", 400);
    }

    // ------------------------------------------------------------------ small things

    static MessageAttributeValue string(String type, String value) {
        return MessageAttributeValue.builder().dataType(type).stringValue(value).build();
    }

    static MessageAttributeValue binary(String type, byte[] value) {
        return MessageAttributeValue.builder()
                .dataType(type)
                .binaryValue(SdkBytes.fromByteArray(value))
                .build();
    }

    static SendMessageBatchRequestEntry entry(String id, String body) {
        return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
    }

    private static ChangeMessageVisibilityBatchRequestEntry visibility(String id, String receiptHandle) {
        return ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(id)
                .receiptHandle(receiptHandle)
                .visibilityTimeout(0)
                .build();
    }
}
