package dev.mq.sqs.compat;

import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
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
import software.amazon.awssdk.services.sqs.model.ListQueueTagsRequest;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.TagQueueRequest;
import software.amazon.awssdk.services.sqs.model.UntagQueueRequest;

/**
 * Every SQS action the suite uses, in one vocabulary (the AWS SDK for Java v2's model), so that each
 * scenario runs unchanged through both wire protocols: {@link JsonProtocolSqs} hands the request to
 * the v2 {@code SqsClient} as it is, {@link QueryProtocolSqs} translates it for the v1 {@code AmazonSQS}
 * and its answer back. Both SDKs check the MD5 digests of what they send and receive themselves, so a
 * wrong digest fails the call. A service error is thrown as {@link SqsFailure}.
 */
interface Sqs {
    /** {@code json} or {@code query}. */
    String protocol();

    CreateQueueResponse createQueue(CreateQueueRequest request);

    GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request);

    ListQueuesResponse listQueues(ListQueuesRequest request);

    void deleteQueue(DeleteQueueRequest request);

    GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request);

    void setQueueAttributes(SetQueueAttributesRequest request);

    void purgeQueue(PurgeQueueRequest request);

    SendMessageResponse sendMessage(SendMessageRequest request);

    SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request);

    ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request);

    void deleteMessage(DeleteMessageRequest request);

    DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request);

    void changeMessageVisibility(ChangeMessageVisibilityRequest request);

    ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request);

    void tagQueue(TagQueueRequest request);

    void untagQueue(UntagQueueRequest request);

    ListQueueTagsResponse listQueueTags(ListQueueTagsRequest request);

    ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(ListDeadLetterSourceQueuesRequest request);

    StartMessageMoveTaskResponse startMessageMoveTask(StartMessageMoveTaskRequest request);

    ListMessageMoveTasksResponse listMessageMoveTasks(ListMessageMoveTasksRequest request);
}
