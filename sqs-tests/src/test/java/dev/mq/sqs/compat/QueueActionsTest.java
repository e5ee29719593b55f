package dev.mq.sqs.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.TagQueueRequest;
import software.amazon.awssdk.services.sqs.model.UntagQueueRequest;

/** CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, Get/SetQueueAttributes, PurgeQueue and tags. */
class QueueActionsTest extends SqsTestSupport {
    private static final String NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue";

    @BothProtocols
    void createQueue_answersTheQueueUrl_thatGetQueueUrlFindsByName(Sqs sqs) {
        String name = uniqueName("create");

        String url = createNamed(sqs, name, Map.of());

        assertThat(url).endsWith("/" + ACCOUNT + "/" + name);
        assertThat(sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(name).build())
                        .queueUrl())
                .isEqualTo(url);
    }

    @BothProtocols
    void createQueue_setsTheGivenAttributesAndTags(Sqs sqs) {
        differsOnElasticMq("it leaves MessageRetentionPeriod out of GetQueueAttributes' answer");
        String name = uniqueName("attrs");
        String url = track(sqs.createQueue(CreateQueueRequest.builder()
                        .queueName(name)
                        .attributes(Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT, "45",
                                QueueAttributeName.DELAY_SECONDS, "2",
                                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "3600",
                                QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "2048",
                                QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "3"))
                        .tags(Map.of("team", "payments", "env", "test"))
                        .build())
                .queueUrl());

        assertThat(attributes(sqs, url, "All"))
                .containsEntry("VisibilityTimeout", "45")
                .containsEntry("DelaySeconds", "2")
                .containsEntry("MessageRetentionPeriod", "3600")
                .containsEntry("MaximumMessageSize", "2048")
                .containsEntry("ReceiveMessageWaitTimeSeconds", "3")
                .containsEntry("QueueArn", "arn:aws:sqs:" + target().region() + ":" + ACCOUNT + ":" + name);
        assertThat(sqs.listQueueTags(
                                ListQueueTagsRequest.builder().queueUrl(url).build())
                        .tags())
                .isEqualTo(Map.of("team", "payments", "env", "test"));
    }

    @BothProtocols
    void createQueue_again_withTheSameAttributes_answersTheSameUrl(Sqs sqs) {
        String name = uniqueName("again");
        String first = createNamed(sqs, name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "40"));

        String second = createNamed(sqs, name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "40"));

        assertThat(second).isEqualTo(first);
    }

    @BothProtocols
    void createQueue_again_withOtherAttributes_failsWithQueueNameExists(Sqs sqs) {
        String name = uniqueName("clash");
        createNamed(sqs, name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "40"));

        SqsFailure failure =
                failureOf(() -> createNamed(sqs, name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "41")));

        assertErrorCode(sqs, failure, "QueueAlreadyExists", 400);
        assertThat(failure.exception()).isEqualTo("QueueNameExistsException");
    }

    @BothProtocols
    void createQueue_withAnInvalidName_failsWithInvalidParameterValue(Sqs sqs) {
        differsOnElasticMq("it answers InvalidAttributeName; SQS answers InvalidParameterValue");
        SqsFailure failure = failureOf(() -> createNamed(sqs, "no spaces or dots.allowed", Map.of()));

        assertErrorCode(sqs, failure, "InvalidParameterValue", 400);
    }

    @BothProtocols
    void getQueueUrl_ofAMissingQueue_failsWithQueueDoesNotExist(Sqs sqs) {
        SqsFailure failure = failureOf(() -> sqs.getQueueUrl(
                GetQueueUrlRequest.builder().queueName(uniqueName("missing")).build()));

        assertErrorCode(sqs, failure, NON_EXISTENT_QUEUE, 400);
        assertThat(failure.exception()).isEqualTo("QueueDoesNotExistException");
    }

    @BothProtocols
    void everyQueueAction_onAMissingQueueUrl_failsWithQueueDoesNotExist(Sqs sqs) {
        String existing = createQueue(sqs, "real");
        String missing = existing.substring(0, existing.lastIndexOf('/') + 1) + uniqueName("missing");

        List<SqsFailure> failures = List.of(
                failureOf(() -> send(sqs, missing, "x")),
                failureOf(() -> receive(sqs, missing, 1, 0, null)),
                failureOf(() -> attributes(sqs, missing, "All")),
                failureOf(() -> sqs.purgeQueue(
                        PurgeQueueRequest.builder().queueUrl(missing).build())),
                failureOf(() -> sqs.deleteQueue(
                        DeleteQueueRequest.builder().queueUrl(missing).build())));

        failures.forEach(failure -> assertErrorCode(sqs, failure, NON_EXISTENT_QUEUE, 400));
    }

    @BothProtocols
    void listQueues_withAPrefix_answersExactlyTheQueuesWithThatPrefix(Sqs sqs) {
        String prefix = uniqueName("list");
        List<String> urls = List.of(
                createNamed(sqs, prefix + "-a", Map.of()),
                createNamed(sqs, prefix + "-b", Map.of()),
                createNamed(sqs, prefix + "-c", Map.of()));
        createQueue(sqs, "other");

        ListQueuesResponse listed = sqs.listQueues(
                ListQueuesRequest.builder().queueNamePrefix(prefix).build());

        assertThat(listed.queueUrls()).containsExactlyInAnyOrderElementsOf(urls);
        assertThat(listed.nextToken()).isNull();
    }

    @BothProtocols
    void listQueues_withMaxResults_pagesThroughEveryQueue_withNextToken(Sqs sqs) {
        differsOnElasticMq("it ignores MaxResults and answers no NextToken");
        String prefix = uniqueName("page");
        List<String> urls = List.of(
                createNamed(sqs, prefix + "-a", Map.of()),
                createNamed(sqs, prefix + "-b", Map.of()),
                createNamed(sqs, prefix + "-c", Map.of()));

        ListQueuesResponse first = sqs.listQueues(ListQueuesRequest.builder()
                .queueNamePrefix(prefix)
                .maxResults(2)
                .build());
        assertThat(first.queueUrls()).hasSize(2);
        assertThat(first.nextToken()).isNotBlank();
        ListQueuesResponse second = sqs.listQueues(ListQueuesRequest.builder()
                .queueNamePrefix(prefix)
                .maxResults(2)
                .nextToken(first.nextToken())
                .build());

        List<String> all = new ArrayList<>(first.queueUrls());
        all.addAll(second.queueUrls());
        assertThat(all).containsExactlyInAnyOrderElementsOf(urls);
        assertThat(second.nextToken()).isNull();
    }

    @BothProtocols
    void deleteQueue_makesTheQueueUnknown(Sqs sqs) {
        String name = uniqueName("delete");
        String url = createNamed(sqs, name, Map.of());

        sqs.deleteQueue(DeleteQueueRequest.builder().queueUrl(url).build());

        // SQS documents that a deletion may take up to 60 s to be seen everywhere
        eventually(
                Duration.ofSeconds(10),
                () -> assertErrorCode(
                        sqs,
                        failureOf(() -> sqs.getQueueUrl(
                                GetQueueUrlRequest.builder().queueName(name).build())),
                        NON_EXISTENT_QUEUE,
                        400));
    }

    @BothProtocols
    void getQueueAttributes_ofANewQueue_answersSqsDefaults(Sqs sqs) {
        differsOnElasticMq("it leaves MessageRetentionPeriod out of GetQueueAttributes' answer");
        String url = createQueue(sqs, "defaults");

        Map<String, String> all = attributes(sqs, url, "All");

        assertThat(all)
                .containsEntry("VisibilityTimeout", "30")
                .containsEntry("DelaySeconds", "0")
                .containsEntry("MessageRetentionPeriod", "345600")
                .containsEntry("ReceiveMessageWaitTimeSeconds", "0")
                .containsEntry("ApproximateNumberOfMessages", "0")
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "0")
                .containsEntry("ApproximateNumberOfMessagesDelayed", "0")
                .containsKeys("MaximumMessageSize", "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn")
                .doesNotContainKeys("FifoQueue", "RedrivePolicy");
        assertThat(Long.parseLong(all.get("CreatedTimestamp")))
                .as("CreatedTimestamp is epoch seconds")
                .isBetween(System.currentTimeMillis() / 1000 - 300, System.currentTimeMillis() / 1000 + 300);
    }

    @BothProtocols
    void getQueueAttributes_byName_answersOnlyTheNamedAttribute(Sqs sqs) {
        differsOnElasticMq("it leaves MessageRetentionPeriod out of GetQueueAttributes' answer");
        String url = createQueue(sqs, "byname");

        for (String name : List.of(
                "VisibilityTimeout",
                "DelaySeconds",
                "MessageRetentionPeriod",
                "MaximumMessageSize",
                "ReceiveMessageWaitTimeSeconds",
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
                "CreatedTimestamp",
                "LastModifiedTimestamp",
                "QueueArn")) {
            assertThat(attributes(sqs, url, name)).as(name).containsOnlyKeys(name);
        }
    }

    @BothProtocols
    void getQueueAttributes_ofAFifoQueue_answersFifoQueueAndContentBasedDeduplication(Sqs sqs) {
        String url = createFifoQueue(sqs, "fifoattrs", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));

        assertThat(attributes(sqs, url, "FifoQueue", "ContentBasedDeduplication"))
                .isEqualTo(Map.of("FifoQueue", "true", "ContentBasedDeduplication", "true"));
    }

    @BothProtocols
    void getQueueAttributes_withAnUnknownName_failsWithInvalidAttributeName(Sqs sqs) {
        differsOnElasticMq("it ignores unknown attribute names");
        String url = createQueue(sqs, "unknownattr");

        SqsFailure failure = failureOf(() -> attributes(sqs, url, "NoSuchAttribute"));

        assertErrorCode(sqs, failure, "InvalidAttributeName", 400);
    }

    @BothProtocols
    void setQueueAttributes_changesWhatGetQueueAttributesAnswers(Sqs sqs) {
        differsOnElasticMq("it leaves MessageRetentionPeriod out of GetQueueAttributes' answer");
        String url = createQueue(sqs, "set");

        sqs.setQueueAttributes(SetQueueAttributesRequest.builder()
                .queueUrl(url)
                .attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, "60",
                        QueueAttributeName.DELAY_SECONDS, "5",
                        QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20",
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, "60"))
                .build());

        assertThat(attributes(sqs, url, "All"))
                .containsEntry("VisibilityTimeout", "60")
                .containsEntry("DelaySeconds", "5")
                .containsEntry("ReceiveMessageWaitTimeSeconds", "20")
                .containsEntry("MessageRetentionPeriod", "60");
    }

    @BothProtocols
    void setQueueAttributes_outsideTheAllowedRange_failsWithInvalidAttributeValue(Sqs sqs) {
        differsOnElasticMq("it accepts values outside SQS's ranges");
        String url = createQueue(sqs, "range");

        for (Map.Entry<QueueAttributeName, String> outOfRange : Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, "43201",
                        QueueAttributeName.DELAY_SECONDS, "901",
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, "59",
                        QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1023",
                        QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "21")
                .entrySet()) {
            SqsFailure failure = failureOf(() -> sqs.setQueueAttributes(SetQueueAttributesRequest.builder()
                    .queueUrl(url)
                    .attributes(Map.of(outOfRange.getKey(), outOfRange.getValue()))
                    .build()));
            assertThat(failure.errorCode()).as(outOfRange.toString()).isEqualTo("InvalidAttributeValue");
            assertThat(failure.status()).as(outOfRange.toString()).isEqualTo(400);
        }
        assertThat(attributes(sqs, url, "VisibilityTimeout")).containsEntry("VisibilityTimeout", "30");
    }

    @BothProtocols
    void setQueueAttributes_withAnUnknownName_failsWithInvalidAttributeName(Sqs sqs) {
        String url = createQueue(sqs, "setunknown");

        SqsFailure failure = failureOf(() -> sqs.setQueueAttributes(SetQueueAttributesRequest.builder()
                .queueUrl(url)
                .attributesWithStrings(Map.of("NoSuchAttribute", "1"))
                .build()));

        assertErrorCode(sqs, failure, "InvalidAttributeName", 400);
    }

    @BothProtocols
    void purgeQueue_removesEveryMessage(Sqs sqs) {
        String url = createQueue(sqs, "purge");
        for (int i = 0; i < 3; i++) {
            send(sqs, url, "m" + i);
        }

        sqs.purgeQueue(PurgeQueueRequest.builder().queueUrl(url).build());

        assertNothingToReceive(sqs, url);
        eventually(
                Duration.ofSeconds(5),
                () -> assertThat(attributes(sqs, url, "ApproximateNumberOfMessages"))
                        .containsEntry("ApproximateNumberOfMessages", "0"));
    }

    @BothProtocols
    void tagQueue_addsAndReplacesTags_untagQueueRemovesThem(Sqs sqs) {
        String url = createQueue(sqs, "tags");

        sqs.tagQueue(TagQueueRequest.builder()
                .queueUrl(url)
                .tags(Map.of("team", "a", "cost-center", "42"))
                .build());
        sqs.tagQueue(TagQueueRequest.builder()
                .queueUrl(url)
                .tags(Map.of("team", "b"))
                .build());
        assertThat(sqs.listQueueTags(
                                ListQueueTagsRequest.builder().queueUrl(url).build())
                        .tags())
                .isEqualTo(Map.of("team", "b", "cost-center", "42"));

        sqs.untagQueue(UntagQueueRequest.builder().queueUrl(url).tagKeys("team").build());

        assertThat(sqs.listQueueTags(
                                ListQueueTagsRequest.builder().queueUrl(url).build())
                        .tags())
                .isEqualTo(Map.of("cost-center", "42"));
    }

    @BothProtocols
    void approximateNumberOfMessages_countsVisibleInFlightAndDelayedMessages(Sqs sqs) {
        String url = createQueue(sqs, "counts");
        send(sqs, url, "visible");
        send(sqs, url, "in flight");
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(url)
                .messageBody("delayed")
                .delaySeconds(60)
                .build());
        sqs.receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(url)
                .maxNumberOfMessages(1)
                .visibilityTimeout(60)
                .waitTimeSeconds(2)
                .build());

        eventually(
                Duration.ofSeconds(5),
                () -> assertThat(sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                                        .queueUrl(url)
                                        .attributeNamesWithStrings(
                                                "ApproximateNumberOfMessages",
                                                "ApproximateNumberOfMessagesNotVisible",
                                                "ApproximateNumberOfMessagesDelayed")
                                        .build())
                                .attributesAsStrings())
                        .isEqualTo(Map.of(
                                "ApproximateNumberOfMessages", "1",
                                "ApproximateNumberOfMessagesNotVisible", "1",
                                "ApproximateNumberOfMessagesDelayed", "1")));
    }
}
