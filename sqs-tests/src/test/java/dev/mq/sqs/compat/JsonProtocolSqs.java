package dev.mq.sqs.compat;

import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
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

/** The AWS SDK for Java v2's {@code SqsClient}, which speaks SQS's JSON protocol (AWS JSON 1.0). */
final class JsonProtocolSqs implements Sqs {
    private final SqsClient client;

    JsonProtocolSqs(SqsTarget target) {
        this.client = SqsClient.builder()
                .endpointOverride(target.endpoint())
                .region(Region.of(target.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                // long polls last up to 20 s; no retries, so that each test sees the first answer
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Override
    public String protocol() {
        return "json";
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (AwsServiceException e) {
            throw new SqsFailure(
                    e.getClass().getSimpleName(),
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode(),
                    e.statusCode(),
                    e.awsErrorDetails() == null
                            ? e.getMessage()
                            : e.awsErrorDetails().errorMessage(),
                    e);
        }
    }

    @Override
    public CreateQueueResponse createQueue(CreateQueueRequest request) {
        return call(() -> client.createQueue(request));
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return call(() -> client.getQueueUrl(request));
    }

    @Override
    public ListQueuesResponse listQueues(ListQueuesRequest request) {
        return call(() -> client.listQueues(request));
    }

    @Override
    public void deleteQueue(DeleteQueueRequest request) {
        call(() -> client.deleteQueue(request));
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        return call(() -> client.getQueueAttributes(request));
    }

    @Override
    public void setQueueAttributes(SetQueueAttributesRequest request) {
        call(() -> client.setQueueAttributes(request));
    }

    @Override
    public void purgeQueue(PurgeQueueRequest request) {
        call(() -> client.purgeQueue(request));
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        return call(() -> client.sendMessage(request));
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        return call(() -> client.sendMessageBatch(request));
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        return call(() -> client.receiveMessage(request));
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request) {
        call(() -> client.deleteMessage(request));
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        return call(() -> client.deleteMessageBatch(request));
    }

    @Override
    public void changeMessageVisibility(ChangeMessageVisibilityRequest request) {
        call(() -> client.changeMessageVisibility(request));
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
            ChangeMessageVisibilityBatchRequest request) {
        return call(() -> client.changeMessageVisibilityBatch(request));
    }

    @Override
    public void tagQueue(TagQueueRequest request) {
        call(() -> client.tagQueue(request));
    }

    @Override
    public void untagQueue(UntagQueueRequest request) {
        call(() -> client.untagQueue(request));
    }

    @Override
    public ListQueueTagsResponse listQueueTags(ListQueueTagsRequest request) {
        return call(() -> client.listQueueTags(request));
    }

    @Override
    public ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(ListDeadLetterSourceQueuesRequest request) {
        return call(() -> client.listDeadLetterSourceQueues(request));
    }

    @Override
    public StartMessageMoveTaskResponse startMessageMoveTask(StartMessageMoveTaskRequest request) {
        return call(() -> client.startMessageMoveTask(request));
    }

    @Override
    public ListMessageMoveTasksResponse listMessageMoveTasks(ListMessageMoveTasksRequest request) {
        return call(() -> client.listMessageMoveTasks(request));
    }
}
