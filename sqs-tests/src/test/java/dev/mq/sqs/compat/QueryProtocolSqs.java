package dev.mq.sqs.compat;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.sqs.AmazonSQS;
import com.amazonaws.services.sqs.AmazonSQSClientBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksRequest;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsRequest;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.TagQueueRequest;
import software.amazon.awssdk.services.sqs.model.UntagQueueRequest;

/**
 * The AWS SDK for Java v1's {@code AmazonSQS} (1.12.583, the last v1 release that speaks SQS's query
 * protocol: form-encoded requests sent to the queue URL, XML answers). Each v2 request is copied field
 * by field into its v1 twin and each v1 result back; the copies add nothing the SDK did not send or get.
 */
final class QueryProtocolSqs implements Sqs {
    private final AmazonSQS client;

    QueryProtocolSqs(SqsTarget target) {
        this.client = AmazonSQSClientBuilder.standard()
                .withEndpointConfiguration(
                        new EndpointConfiguration(target.endpoint().toString(), target.region()))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials("test", "test")))
                .withClientConfiguration(
                        new ClientConfiguration().withMaxErrorRetry(0).withSocketTimeout(30_000))
                .build();
    }

    @Override
    public String protocol() {
        return "query";
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (AmazonServiceException e) {
            throw new SqsFailure(
                    e.getClass().getSimpleName(), e.getErrorCode(), e.getStatusCode(), e.getErrorMessage(), e);
        }
    }

    @Override
    public CreateQueueResponse createQueue(CreateQueueRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.CreateQueueRequest(request.queueName());
        if (request.hasAttributes()) {
            v1.setAttributes(request.attributesAsStrings());
        }
        if (request.hasTags()) {
            v1.setTags(request.tags());
        }
        var result = call(() -> client.createQueue(v1));
        return CreateQueueResponse.builder().queueUrl(result.getQueueUrl()).build();
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.GetQueueUrlRequest(request.queueName())
                .withQueueOwnerAWSAccountId(request.queueOwnerAWSAccountId());
        var result = call(() -> client.getQueueUrl(v1));
        return GetQueueUrlResponse.builder().queueUrl(result.getQueueUrl()).build();
    }

    @Override
    public ListQueuesResponse listQueues(ListQueuesRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.ListQueuesRequest()
                .withQueueNamePrefix(request.queueNamePrefix())
                .withMaxResults(request.maxResults())
                .withNextToken(request.nextToken());
        var result = call(() -> client.listQueues(v1));
        return ListQueuesResponse.builder()
                .queueUrls(result.getQueueUrls())
                .nextToken(result.getNextToken())
                .build();
    }

    @Override
    public void deleteQueue(DeleteQueueRequest request) {
        call(() -> client.deleteQueue(request.queueUrl()));
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.GetQueueAttributesRequest(request.queueUrl())
                .withAttributeNames(request.attributeNamesAsStrings());
        var result = call(() -> client.getQueueAttributes(v1));
        return GetQueueAttributesResponse.builder()
                .attributesWithStrings(result.getAttributes())
                .build();
    }

    @Override
    public void setQueueAttributes(SetQueueAttributesRequest request) {
        call(() -> client.setQueueAttributes(request.queueUrl(), request.attributesAsStrings()));
    }

    @Override
    public void purgeQueue(PurgeQueueRequest request) {
        call(() -> client.purgeQueue(new com.amazonaws.services.sqs.model.PurgeQueueRequest(request.queueUrl())));
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.SendMessageRequest(request.queueUrl(), request.messageBody())
                .withDelaySeconds(request.delaySeconds())
                .withMessageAttributes(toV1(request.messageAttributes()))
                .withMessageGroupId(request.messageGroupId())
                .withMessageDeduplicationId(request.messageDeduplicationId());
        var result = call(() -> client.sendMessage(v1));
        return SendMessageResponse.builder()
                .messageId(result.getMessageId())
                .md5OfMessageBody(result.getMD5OfMessageBody())
                .md5OfMessageAttributes(result.getMD5OfMessageAttributes())
                .sequenceNumber(result.getSequenceNumber())
                .build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        List<com.amazonaws.services.sqs.model.SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (var entry : request.entries()) {
            entries.add(
                    new com.amazonaws.services.sqs.model.SendMessageBatchRequestEntry(entry.id(), entry.messageBody())
                            .withDelaySeconds(entry.delaySeconds())
                            .withMessageAttributes(toV1(entry.messageAttributes()))
                            .withMessageGroupId(entry.messageGroupId())
                            .withMessageDeduplicationId(entry.messageDeduplicationId()));
        }
        var result = call(() -> client.sendMessageBatch(
                new com.amazonaws.services.sqs.model.SendMessageBatchRequest(request.queueUrl(), entries)));
        return SendMessageBatchResponse.builder()
                .successful(map(
                        result.getSuccessful(),
                        ok -> SendMessageBatchResultEntry.builder()
                                .id(ok.getId())
                                .messageId(ok.getMessageId())
                                .md5OfMessageBody(ok.getMD5OfMessageBody())
                                .md5OfMessageAttributes(ok.getMD5OfMessageAttributes())
                                .sequenceNumber(ok.getSequenceNumber())
                                .build()))
                .failed(map(result.getFailed(), QueryProtocolSqs::failed))
                .build();
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        // SQS's query protocol names system attributes as AttributeName.N (MessageSystemAttributeName.N in
        // newer SDKs); the v1 SDK sends the former, so both lists of the v2 request go there
        Set<String> systemAttributes = new LinkedHashSet<>(request.attributeNamesAsStrings());
        systemAttributes.addAll(request.messageSystemAttributeNamesAsStrings());
        var v1 = new com.amazonaws.services.sqs.model.ReceiveMessageRequest(request.queueUrl())
                .withMaxNumberOfMessages(request.maxNumberOfMessages())
                .withWaitTimeSeconds(request.waitTimeSeconds())
                .withVisibilityTimeout(request.visibilityTimeout())
                .withReceiveRequestAttemptId(request.receiveRequestAttemptId());
        if (!systemAttributes.isEmpty()) {
            v1.setAttributeNames(systemAttributes);
        }
        if (request.hasMessageAttributeNames()) {
            v1.setMessageAttributeNames(request.messageAttributeNames());
        }
        var result = call(() -> client.receiveMessage(v1));
        return ReceiveMessageResponse.builder()
                .messages(map(
                        result.getMessages(),
                        m -> Message.builder()
                                .messageId(m.getMessageId())
                                .receiptHandle(m.getReceiptHandle())
                                .body(m.getBody())
                                .md5OfBody(m.getMD5OfBody())
                                .attributesWithStrings(m.getAttributes())
                                .md5OfMessageAttributes(m.getMD5OfMessageAttributes())
                                .messageAttributes(toV2(m.getMessageAttributes()))
                                .build()))
                .build();
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request) {
        call(() -> client.deleteMessage(request.queueUrl(), request.receiptHandle()));
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        var result =
                call(() -> client.deleteMessageBatch(new com.amazonaws.services.sqs.model.DeleteMessageBatchRequest(
                        request.queueUrl(),
                        map(
                                request.entries(),
                                e -> new com.amazonaws.services.sqs.model.DeleteMessageBatchRequestEntry(
                                        e.id(), e.receiptHandle())))));
        return DeleteMessageBatchResponse.builder()
                .successful(map(
                        result.getSuccessful(),
                        ok -> DeleteMessageBatchResultEntry.builder()
                                .id(ok.getId())
                                .build()))
                .failed(map(result.getFailed(), QueryProtocolSqs::failed))
                .build();
    }

    @Override
    public void changeMessageVisibility(ChangeMessageVisibilityRequest request) {
        call(() -> client.changeMessageVisibility(
                request.queueUrl(), request.receiptHandle(), request.visibilityTimeout()));
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
            ChangeMessageVisibilityBatchRequest request) {
        var result = call(() -> client.changeMessageVisibilityBatch(
                new com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchRequest(
                        request.queueUrl(),
                        map(
                                request.entries(),
                                e -> new com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry(
                                                e.id(), e.receiptHandle())
                                        .withVisibilityTimeout(e.visibilityTimeout())))));
        return ChangeMessageVisibilityBatchResponse.builder()
                .successful(map(
                        result.getSuccessful(),
                        ok -> ChangeMessageVisibilityBatchResultEntry.builder()
                                .id(ok.getId())
                                .build()))
                .failed(map(result.getFailed(), QueryProtocolSqs::failed))
                .build();
    }

    @Override
    public void tagQueue(TagQueueRequest request) {
        call(() -> client.tagQueue(request.queueUrl(), request.tags()));
    }

    @Override
    public void untagQueue(UntagQueueRequest request) {
        call(() -> client.untagQueue(request.queueUrl(), request.tagKeys()));
    }

    @Override
    public ListQueueTagsResponse listQueueTags(ListQueueTagsRequest request) {
        var result = call(() -> client.listQueueTags(request.queueUrl()));
        return ListQueueTagsResponse.builder().tags(result.getTags()).build();
    }

    @Override
    public ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(ListDeadLetterSourceQueuesRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.ListDeadLetterSourceQueuesRequest()
                .withQueueUrl(request.queueUrl())
                .withMaxResults(request.maxResults())
                .withNextToken(request.nextToken());
        var result = call(() -> client.listDeadLetterSourceQueues(v1));
        return ListDeadLetterSourceQueuesResponse.builder()
                .queueUrls(result.getQueueUrls())
                .nextToken(result.getNextToken())
                .build();
    }

    @Override
    public StartMessageMoveTaskResponse startMessageMoveTask(StartMessageMoveTaskRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.StartMessageMoveTaskRequest()
                .withSourceArn(request.sourceArn())
                .withDestinationArn(request.destinationArn())
                .withMaxNumberOfMessagesPerSecond(request.maxNumberOfMessagesPerSecond());
        var result = call(() -> client.startMessageMoveTask(v1));
        return StartMessageMoveTaskResponse.builder()
                .taskHandle(result.getTaskHandle())
                .build();
    }

    @Override
    public ListMessageMoveTasksResponse listMessageMoveTasks(ListMessageMoveTasksRequest request) {
        var v1 = new com.amazonaws.services.sqs.model.ListMessageMoveTasksRequest()
                .withSourceArn(request.sourceArn())
                .withMaxResults(request.maxResults());
        var result = call(() -> client.listMessageMoveTasks(v1));
        return ListMessageMoveTasksResponse.builder()
                .results(map(
                        result.getResults(),
                        task -> ListMessageMoveTasksResultEntry.builder()
                                .taskHandle(task.getTaskHandle())
                                .status(task.getStatus())
                                .sourceArn(task.getSourceArn())
                                .destinationArn(task.getDestinationArn())
                                .maxNumberOfMessagesPerSecond(task.getMaxNumberOfMessagesPerSecond())
                                .approximateNumberOfMessagesMoved(task.getApproximateNumberOfMessagesMoved())
                                .approximateNumberOfMessagesToMove(task.getApproximateNumberOfMessagesToMove())
                                .failureReason(task.getFailureReason())
                                .startedTimestamp(task.getStartedTimestamp())
                                .build()))
                .build();
    }

    private static BatchResultErrorEntry failed(com.amazonaws.services.sqs.model.BatchResultErrorEntry failed) {
        return BatchResultErrorEntry.builder()
                .id(failed.getId())
                .senderFault(failed.getSenderFault())
                .code(failed.getCode())
                .message(failed.getMessage())
                .build();
    }

    private static Map<String, com.amazonaws.services.sqs.model.MessageAttributeValue> toV1(
            Map<String, MessageAttributeValue> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return null;
        }
        Map<String, com.amazonaws.services.sqs.model.MessageAttributeValue> v1 = new LinkedHashMap<>();
        attributes.forEach((name, value) -> v1.put(
                name,
                new com.amazonaws.services.sqs.model.MessageAttributeValue()
                        .withDataType(value.dataType())
                        .withStringValue(value.stringValue())
                        .withBinaryValue(
                                value.binaryValue() == null
                                        ? null
                                        : ByteBuffer.wrap(value.binaryValue().asByteArray()))));
        return v1;
    }

    private static Map<String, MessageAttributeValue> toV2(
            Map<String, com.amazonaws.services.sqs.model.MessageAttributeValue> attributes) {
        Map<String, MessageAttributeValue> v2 = new LinkedHashMap<>();
        if (attributes != null) {
            attributes.forEach((name, value) -> v2.put(
                    name,
                    MessageAttributeValue.builder()
                            .dataType(value.getDataType())
                            .stringValue(value.getStringValue())
                            .binaryValue(
                                    value.getBinaryValue() == null
                                            ? null
                                            : SdkBytes.fromByteBuffer(value.getBinaryValue()))
                            .build()));
        }
        return v2;
    }

    private static <A, B> List<B> map(List<A> list, Function<A, B> f) {
        return list == null ? List.of() : list.stream().map(f).toList();
    }
}
