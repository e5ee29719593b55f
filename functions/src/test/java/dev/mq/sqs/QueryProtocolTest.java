package dev.mq.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.Request;
import com.amazonaws.ResponseMetadata;
import com.amazonaws.services.sqs.model.BatchResultErrorEntry;
import com.amazonaws.services.sqs.model.CancelMessageMoveTaskRequest;
import com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchResult;
import com.amazonaws.services.sqs.model.ChangeMessageVisibilityRequest;
import com.amazonaws.services.sqs.model.CreateQueueRequest;
import com.amazonaws.services.sqs.model.DeleteMessageBatchRequest;
import com.amazonaws.services.sqs.model.DeleteMessageBatchRequestEntry;
import com.amazonaws.services.sqs.model.DeleteMessageBatchResult;
import com.amazonaws.services.sqs.model.DeleteMessageRequest;
import com.amazonaws.services.sqs.model.DeleteQueueRequest;
import com.amazonaws.services.sqs.model.GetQueueAttributesRequest;
import com.amazonaws.services.sqs.model.GetQueueUrlRequest;
import com.amazonaws.services.sqs.model.ListDeadLetterSourceQueuesRequest;
import com.amazonaws.services.sqs.model.ListMessageMoveTasksRequest;
import com.amazonaws.services.sqs.model.ListMessageMoveTasksResultEntry;
import com.amazonaws.services.sqs.model.ListQueueTagsRequest;
import com.amazonaws.services.sqs.model.ListQueuesRequest;
import com.amazonaws.services.sqs.model.Message;
import com.amazonaws.services.sqs.model.MessageAttributeValue;
import com.amazonaws.services.sqs.model.MessageSystemAttributeValue;
import com.amazonaws.services.sqs.model.PurgeQueueRequest;
import com.amazonaws.services.sqs.model.ReceiveMessageRequest;
import com.amazonaws.services.sqs.model.SendMessageBatchRequest;
import com.amazonaws.services.sqs.model.SendMessageBatchRequestEntry;
import com.amazonaws.services.sqs.model.SendMessageBatchResult;
import com.amazonaws.services.sqs.model.SendMessageRequest;
import com.amazonaws.services.sqs.model.SendMessageResult;
import com.amazonaws.services.sqs.model.SetQueueAttributesRequest;
import com.amazonaws.services.sqs.model.StartMessageMoveTaskRequest;
import com.amazonaws.services.sqs.model.TagQueueRequest;
import com.amazonaws.services.sqs.model.UntagQueueRequest;
import com.amazonaws.services.sqs.model.transform.CancelMessageMoveTaskRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.CancelMessageMoveTaskResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ChangeMessageVisibilityBatchRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ChangeMessageVisibilityBatchResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ChangeMessageVisibilityRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ChangeMessageVisibilityResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.CreateQueueRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.CreateQueueResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.DeleteMessageBatchRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.DeleteMessageBatchResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.DeleteMessageRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.DeleteMessageResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.DeleteQueueRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.DeleteQueueResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.GetQueueAttributesRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.GetQueueAttributesResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.GetQueueUrlRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.GetQueueUrlResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ListDeadLetterSourceQueuesRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ListDeadLetterSourceQueuesResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ListMessageMoveTasksRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ListMessageMoveTasksResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ListQueueTagsRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ListQueueTagsResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ListQueuesRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ListQueuesResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.PurgeQueueRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.PurgeQueueResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.QueueDoesNotExistExceptionUnmarshaller;
import com.amazonaws.services.sqs.model.transform.ReceiveMessageRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.ReceiveMessageResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.SendMessageBatchRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.SendMessageBatchResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.SendMessageRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.SendMessageResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.SetQueueAttributesRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.SetQueueAttributesResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.StartMessageMoveTaskRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.StartMessageMoveTaskResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.TagQueueRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.TagQueueResultStaxUnmarshaller;
import com.amazonaws.services.sqs.model.transform.UntagQueueRequestMarshaller;
import com.amazonaws.services.sqs.model.transform.UntagQueueResultStaxUnmarshaller;
import com.amazonaws.transform.StandardErrorUnmarshaller;
import com.amazonaws.transform.StaxUnmarshallerContext;
import com.amazonaws.transform.Unmarshaller;
import com.amazonaws.util.SdkHttpUtils;
import com.amazonaws.util.XpathUtils;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLInputFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The query protocol against the AWS SDK for Java v1 (1.12.583, its last query-protocol release):
 * the SDK's own marshallers produce the form bodies {@link QueryProtocol#read} must translate into the
 * JSON protocol's input, and its own unmarshallers read the XML {@link QueryProtocol#answer} and
 * {@link QueryProtocol#error} render. If the SDK and the protocol agree here, they agree on the wire.
 */
class QueryProtocolTest {
    private static final String URL = "http://localhost:4566/000000000000/orders";
    private static final String REQUEST_ID = "7a62c49f-347e-4fc4-9331-6e8e7a96aa73";
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    private final QueryProtocol protocol = new QueryProtocol();

    @Nested
    class Reads {
        @Test
        void createQueue_attributesAndTags() {
            CreateQueueRequest request = new CreateQueueRequest("orders")
                    .addAttributesEntry("VisibilityTimeout", "45")
                    .addAttributesEntry("FifoQueue", "false")
                    .addTagsEntry("team", "blue");
            assertReads(
                    new CreateQueueRequestMarshaller().marshall(request),
                    "{'QueueName': 'orders', 'Attributes': {'VisibilityTimeout': '45', 'FifoQueue': 'false'},"
                            + " 'tags': {'team': 'blue'}}");
        }

        @Test
        void getQueueUrl() {
            assertReads(
                    new GetQueueUrlRequestMarshaller()
                            .marshall(new GetQueueUrlRequest("orders").withQueueOwnerAWSAccountId("000000000000")),
                    "{'QueueName': 'orders', 'QueueOwnerAWSAccountId': '000000000000'}");
        }

        @Test
        void listQueues_maxResultsIsANumber() {
            assertReads(
                    new ListQueuesRequestMarshaller()
                            .marshall(new ListQueuesRequest("ord")
                                    .withMaxResults(5)
                                    .withNextToken("t1")),
                    "{'QueueNamePrefix': 'ord', 'NextToken': 't1', 'MaxResults': 5}");
        }

        @Test
        void deleteQueue_purgeQueue_listQueueTags() {
            assertReads(new DeleteQueueRequestMarshaller().marshall(new DeleteQueueRequest(URL)), queueUrlOnly());
            assertReads(new PurgeQueueRequestMarshaller().marshall(new PurgeQueueRequest(URL)), queueUrlOnly());
            assertReads(new ListQueueTagsRequestMarshaller().marshall(new ListQueueTagsRequest(URL)), queueUrlOnly());
        }

        @Test
        void getQueueAttributes_namesAsAList() {
            assertReads(
                    new GetQueueAttributesRequestMarshaller()
                            .marshall(new GetQueueAttributesRequest(URL).withAttributeNames("All", "QueueArn")),
                    "{'QueueUrl': '" + URL + "', 'AttributeNames': ['All', 'QueueArn']}");
        }

        @Test
        void setQueueAttributes() {
            assertReads(
                    new SetQueueAttributesRequestMarshaller()
                            .marshall(new SetQueueAttributesRequest(URL, Map.of("DelaySeconds", "5"))),
                    "{'QueueUrl': '" + URL + "', 'Attributes': {'DelaySeconds': '5'}}");
        }

        @Test
        void sendMessage_typedAttributesAndSystemAttributes() {
            SendMessageRequest request = new SendMessageRequest(URL, "a & b <c>\r\n+ü%")
                    .withDelaySeconds(3)
                    .withMessageDeduplicationId("d1")
                    .withMessageGroupId("g1")
                    .addMessageAttributesEntry(
                            "price",
                            new MessageAttributeValue().withDataType("Number").withStringValue("5"))
                    .addMessageAttributesEntry(
                            "blob",
                            new MessageAttributeValue()
                                    .withDataType("Binary.gz")
                                    .withBinaryValue(ByteBuffer.wrap(new byte[] {1, 2, 3})))
                    .addMessageSystemAttributesEntry(
                            "AWSTraceHeader",
                            new MessageSystemAttributeValue()
                                    .withDataType("String")
                                    .withStringValue("Root=1-2"));
            ObjectNode input = read(new SendMessageRequestMarshaller().marshall(request));
            assertThat(input)
                    .isEqualTo(
                            json("{'QueueUrl': '" + URL + "', 'MessageBody': 'a & b <c>\\r\\n+ü%', 'DelaySeconds': 3,"
                                    + " 'MessageAttributes': {'price': {'DataType': 'Number', 'StringValue': '5'},"
                                    + " 'blob': {'DataType': 'Binary.gz', 'BinaryValue': 'AQID'}},"
                                    + " 'MessageSystemAttributes': {'AWSTraceHeader': {'DataType': 'String',"
                                    + " 'StringValue': 'Root=1-2'}},"
                                    + " 'MessageDeduplicationId': 'd1', 'MessageGroupId': 'g1'}"));
        }

        @Test
        void sendMessageBatch_entries() {
            SendMessageBatchRequest request = new SendMessageBatchRequest(
                    URL,
                    List.of(
                            new SendMessageBatchRequestEntry("a", "one")
                                    .withDelaySeconds(2)
                                    .addMessageAttributesEntry(
                                            "k",
                                            new MessageAttributeValue()
                                                    .withDataType("String")
                                                    .withStringValue("v")),
                            new SendMessageBatchRequestEntry("b", "two").withMessageGroupId("g")));
            assertReads(
                    new SendMessageBatchRequestMarshaller().marshall(request),
                    "{'QueueUrl': '" + URL + "', 'Entries': ["
                            + "{'Id': 'a', 'MessageBody': 'one', 'DelaySeconds': 2,"
                            + " 'MessageAttributes': {'k': {'DataType': 'String', 'StringValue': 'v'}}},"
                            + "{'Id': 'b', 'MessageBody': 'two', 'MessageGroupId': 'g'}]}");
        }

        @Test
        void receiveMessage_namesAndNumbers() {
            ReceiveMessageRequest request = new ReceiveMessageRequest(URL)
                    .withAttributeNames("All")
                    .withMessageAttributeNames("price", "blob")
                    .withMaxNumberOfMessages(10)
                    .withVisibilityTimeout(30)
                    .withWaitTimeSeconds(20)
                    .withReceiveRequestAttemptId("r1");
            assertReads(
                    new ReceiveMessageRequestMarshaller().marshall(request),
                    "{'QueueUrl': '" + URL + "', 'AttributeNames': ['All'], 'MessageAttributeNames': ['price', 'blob'],"
                            + " 'MaxNumberOfMessages': 10, 'VisibilityTimeout': 30, 'WaitTimeSeconds': 20,"
                            + " 'ReceiveRequestAttemptId': 'r1'}");
        }

        @Test
        void receiveMessage_systemAttributeNames_asNewerClientsSendThem() {
            // 1.12.583 predates MessageSystemAttributeNames; newer query clients send it so (SQS's model)
            SqsCall call = protocol.read(
                    null,
                    "Action=ReceiveMessage&QueueUrl=" + URL
                            + "&MessageSystemAttributeName.1=SenderId&MessageSystemAttributeName.2=SentTimestamp");
            assertThat(call.input().get("MessageSystemAttributeNames"))
                    .isEqualTo(JSON.createArrayNode().add("SenderId").add("SentTimestamp"));
        }

        @Test
        void deleteMessage_andBatch() {
            assertReads(
                    new DeleteMessageRequestMarshaller().marshall(new DeleteMessageRequest(URL, "rh1")),
                    "{'QueueUrl': '" + URL + "', 'ReceiptHandle': 'rh1'}");
            assertReads(
                    new DeleteMessageBatchRequestMarshaller()
                            .marshall(new DeleteMessageBatchRequest(
                                    URL,
                                    List.of(
                                            new DeleteMessageBatchRequestEntry("a", "rh1"),
                                            new DeleteMessageBatchRequestEntry("b", "rh2")))),
                    "{'QueueUrl': '" + URL + "', 'Entries': [{'Id': 'a', 'ReceiptHandle': 'rh1'},"
                            + " {'Id': 'b', 'ReceiptHandle': 'rh2'}]}");
        }

        @Test
        void changeMessageVisibility_andBatch() {
            assertReads(
                    new ChangeMessageVisibilityRequestMarshaller()
                            .marshall(new ChangeMessageVisibilityRequest(URL, "rh1", 60)),
                    "{'QueueUrl': '" + URL + "', 'ReceiptHandle': 'rh1', 'VisibilityTimeout': 60}");
            assertReads(
                    new ChangeMessageVisibilityBatchRequestMarshaller()
                            .marshall(new ChangeMessageVisibilityBatchRequest(
                                    URL,
                                    List.of(new ChangeMessageVisibilityBatchRequestEntry("a", "rh1")
                                            .withVisibilityTimeout(0)))),
                    "{'QueueUrl': '" + URL
                            + "', 'Entries': [{'Id': 'a', 'ReceiptHandle': 'rh1', 'VisibilityTimeout': 0}]}");
        }

        @Test
        void tagQueue_asThisSdkSpellsIt_andAsTheModelDoes() {
            assertReads(
                    new TagQueueRequestMarshaller().marshall(new TagQueueRequest(URL, Map.of("team", "blue"))),
                    "{'QueueUrl': '" + URL + "', 'Tags': {'team': 'blue'}}");
            assertThat(protocol.read(null, "Action=TagQueue&QueueUrl=q&Tag.1.Key=team&Tag.1.Value=red")
                            .input())
                    .isEqualTo(json("{'QueueUrl': 'q', 'Tags': {'team': 'red'}}"));
        }

        @Test
        void untagQueue() {
            assertReads(
                    new UntagQueueRequestMarshaller().marshall(new UntagQueueRequest(URL, List.of("team", "cost"))),
                    "{'QueueUrl': '" + URL + "', 'TagKeys': ['team', 'cost']}");
        }

        @Test
        void listDeadLetterSourceQueues() {
            assertReads(
                    new ListDeadLetterSourceQueuesRequestMarshaller()
                            .marshall(new ListDeadLetterSourceQueuesRequest()
                                    .withQueueUrl(URL)
                                    .withMaxResults(2)
                                    .withNextToken("t")),
                    "{'QueueUrl': '" + URL + "', 'NextToken': 't', 'MaxResults': 2}");
        }

        @Test
        void messageMoveTasks() {
            String arn = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";
            assertReads(
                    new StartMessageMoveTaskRequestMarshaller()
                            .marshall(new StartMessageMoveTaskRequest()
                                    .withSourceArn(arn)
                                    .withMaxNumberOfMessagesPerSecond(50)),
                    "{'SourceArn': '" + arn + "', 'MaxNumberOfMessagesPerSecond': 50}");
            assertReads(
                    new ListMessageMoveTasksRequestMarshaller()
                            .marshall(new ListMessageMoveTasksRequest()
                                    .withSourceArn(arn)
                                    .withMaxResults(10)),
                    "{'SourceArn': '" + arn + "', 'MaxResults': 10}");
            assertReads(
                    new CancelMessageMoveTaskRequestMarshaller()
                            .marshall(new CancelMessageMoveTaskRequest().withTaskHandle("h1")),
                    "{'TaskHandle': 'h1'}");
        }

        @Test
        void unindexedSingleListItem_asOlderClientsSendIt() {
            assertThat(protocol.read(null, "Action=GetQueueAttributes&QueueUrl=q&AttributeName=All")
                            .input())
                    .isEqualTo(json("{'QueueUrl': 'q', 'AttributeNames': ['All']}"));
        }

        @Test
        void formDecoding_plusIsASpace_listsFollowTheirIndexesNotTheirOrder() {
            SqsCall call = protocol.read(
                    null,
                    "Version=2012-11-05&QueueUrl=q&AttributeName.10=Policy&Action=GetQueueAttributes"
                            + "&AttributeName.2=Queue%41rn&AttributeName.1=All+Of+Them");
            assertThat(call.input())
                    .isEqualTo(json("{'QueueUrl': 'q', 'AttributeNames': ['All Of Them', 'QueueArn', 'Policy']}"));
        }

        private String queueUrlOnly() {
            return "{'QueueUrl': '" + URL + "'}";
        }
    }

    @Nested
    class Refusals {
        @Test
        void missingAction() {
            assertRefused("QueueUrl=q", "MissingAction");
            assertRefused("", "MissingAction");
            assertRefused(null, "MissingAction");
        }

        @Test
        void unknownAction() {
            assertRefused("Action=DropEverything&Version=2012-11-05", "InvalidAction");
        }

        @Test
        void badPercentEncoding() {
            assertRefused("Action=SendMessage&MessageBody=%zz", "MalformedQueryString");
            assertRefused("Action=SendMessage&MessageBody=50%", "MalformedQueryString");
        }

        @Test
        void notAnInteger_namesTheParameter() {
            SqsError error =
                    assertRefused("Action=ReceiveMessage&QueueUrl=q&MaxNumberOfMessages=ten", "InvalidParameterValue");
            assertThat(error.message()).contains("MaxNumberOfMessages").contains("ten");
            assertThat(assertRefused(
                                    "Action=SendMessageBatch&QueueUrl=q&SendMessageBatchRequestEntry.1.Id=a"
                                            + "&SendMessageBatchRequestEntry.1.DelaySeconds=99999999999",
                                    "InvalidParameterValue")
                            .message())
                    .contains("SendMessageBatchRequestEntry.1.DelaySeconds");
        }

        @Test
        void mapEntryWithoutItsName() {
            SqsError error = assertRefused(
                    "Action=SendMessage&QueueUrl=q&MessageBody=b&MessageAttribute.1.Value.DataType=String",
                    "MissingParameter");
            assertThat(error.message()).contains("MessageAttribute.1.Name");
        }

        private SqsError assertRefused(String body, String code) {
            Throwable thrown = catchThrowable(() -> protocol.read(null, body));
            assertThat(thrown).isInstanceOf(SqsException.class);
            SqsError error = ((SqsException) thrown).error();
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.queryCode()).isEqualTo(code);
            assertThat(error.sender()).isTrue();
            return error;
        }
    }

    @Nested
    class Answers {
        @Test
        void envelope_asSqsWritesIt() {
            SqsAnswer answer = protocol.answer("GetQueueUrl", json("{'QueueUrl': '" + URL + "'}"), REQUEST_ID);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.contentType()).isEqualTo("text/xml");
            assertThat(answer.headers()).containsEntry("x-amzn-RequestId", REQUEST_ID);
            assertThat(answer.body())
                    .isEqualTo("<?xml version=\"1.0\"?><GetQueueUrlResponse"
                            + " xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><GetQueueUrlResult><QueueUrl>"
                            + URL
                            + "</QueueUrl></GetQueueUrlResult><ResponseMetadata><RequestId>" + REQUEST_ID
                            + "</RequestId></ResponseMetadata></GetQueueUrlResponse>");
        }

        @Test
        void createQueue_getQueueUrl() {
            String output = "{'QueueUrl': '" + URL + "'}";
            assertThat(unmarshal(CreateQueueResultStaxUnmarshaller.getInstance(), "CreateQueue", output)
                            .getQueueUrl())
                    .isEqualTo(URL);
            assertThat(unmarshal(GetQueueUrlResultStaxUnmarshaller.getInstance(), "GetQueueUrl", output)
                            .getQueueUrl())
                    .isEqualTo(URL);
        }

        @Test
        void listQueues_repeatsQueueUrl() {
            var result = unmarshal(
                    ListQueuesResultStaxUnmarshaller.getInstance(),
                    "ListQueues",
                    "{'QueueUrls': ['" + URL + "', '" + URL + "-dlq'], 'NextToken': 't2'}");
            assertThat(result.getQueueUrls()).containsExactly(URL, URL + "-dlq");
            assertThat(result.getNextToken()).isEqualTo("t2");
            assertThat(unmarshal(ListQueuesResultStaxUnmarshaller.getInstance(), "ListQueues", "{'QueueUrls': []}")
                            .getQueueUrls())
                    .isEmpty();
        }

        @Test
        void getQueueAttributes() {
            var result = unmarshal(
                    GetQueueAttributesResultStaxUnmarshaller.getInstance(),
                    "GetQueueAttributes",
                    "{'Attributes': {'VisibilityTimeout': '30', 'QueueArn': 'arn:aws:sqs:us-east-1:000000000000:orders'}}");
            assertThat(result.getAttributes())
                    .containsOnly(
                            Map.entry("VisibilityTimeout", "30"),
                            Map.entry("QueueArn", "arn:aws:sqs:us-east-1:000000000000:orders"));
        }

        @Test
        void sendMessage() {
            SendMessageResult result = unmarshal(
                    SendMessageResultStaxUnmarshaller.getInstance(),
                    "SendMessage",
                    "{'MessageId': 'm1', 'MD5OfMessageBody': 'b', 'MD5OfMessageAttributes': 'a',"
                            + " 'MD5OfMessageSystemAttributes': 's', 'SequenceNumber': '00000001700000000000'}");
            assertThat(result.getMessageId()).isEqualTo("m1");
            assertThat(result.getMD5OfMessageBody()).isEqualTo("b");
            assertThat(result.getMD5OfMessageAttributes()).isEqualTo("a");
            assertThat(result.getMD5OfMessageSystemAttributes()).isEqualTo("s");
            assertThat(result.getSequenceNumber()).isEqualTo("00000001700000000000");
        }

        @Test
        void sendMessageBatch_successesAndFailures() {
            SendMessageBatchResult result = unmarshal(
                    SendMessageBatchResultStaxUnmarshaller.getInstance(),
                    "SendMessageBatch",
                    "{'Successful': [{'Id': 'a', 'MessageId': 'm1', 'MD5OfMessageBody': 'b1'},"
                            + " {'Id': 'b', 'MessageId': 'm2', 'MD5OfMessageBody': 'b2', 'MD5OfMessageAttributes': 'a2'}],"
                            + " 'Failed': [{'Id': 'c', 'SenderFault': true, 'Code': 'InvalidParameterValue',"
                            + " 'Message': 'too big'}]}");
            assertThat(result.getSuccessful())
                    .extracting(e -> e.getId() + "/" + e.getMessageId() + "/" + e.getMD5OfMessageBody() + "/"
                            + e.getMD5OfMessageAttributes())
                    .containsExactly("a/m1/b1/null", "b/m2/b2/a2");
            assertThat(result.getFailed())
                    .containsExactly(new BatchResultErrorEntry()
                            .withId("c")
                            .withSenderFault(true)
                            .withCode("InvalidParameterValue")
                            .withMessage("too big"));
        }

        @Test
        void receiveMessage_attributesAndTypedMessageAttributes() {
            String body = "line 1\r\nline 2 <&> ]]> ü 😀";
            ObjectNode output = json("{'Messages': [{'MessageId': 'm1', 'ReceiptHandle': 'rh1', 'MD5OfBody': 'b',"
                    + " 'Attributes': {'SenderId': 'AIDA', 'ApproximateReceiveCount': '1'},"
                    + " 'MD5OfMessageAttributes': 'a',"
                    + " 'MessageAttributes': {'price': {'DataType': 'Number', 'StringValue': '5'},"
                    + " 'blob': {'DataType': 'Binary', 'BinaryValue': 'AQID'}}},"
                    + " {'MessageId': 'm2', 'ReceiptHandle': 'rh2', 'MD5OfBody': 'b2', 'Body': 'two'}]}");
            ((ObjectNode) output.get("Messages").get(0)).put("Body", body);
            List<Message> messages = unmarshal(
                            ReceiveMessageResultStaxUnmarshaller.getInstance(), "ReceiveMessage", output)
                    .getMessages();
            assertThat(messages).hasSize(2);
            Message first = messages.get(0);
            assertThat(first.getBody()).isEqualTo(body);
            assertThat(first.getMessageId()).isEqualTo("m1");
            assertThat(first.getReceiptHandle()).isEqualTo("rh1");
            assertThat(first.getMD5OfBody()).isEqualTo("b");
            assertThat(first.getMD5OfMessageAttributes()).isEqualTo("a");
            assertThat(first.getAttributes())
                    .containsEntry("SenderId", "AIDA")
                    .containsEntry("ApproximateReceiveCount", "1");
            assertThat(first.getMessageAttributes())
                    .containsEntry(
                            "price",
                            new MessageAttributeValue().withDataType("Number").withStringValue("5"))
                    .containsEntry(
                            "blob",
                            new MessageAttributeValue()
                                    .withDataType("Binary")
                                    .withBinaryValue(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            assertThat(messages.get(1).getBody()).isEqualTo("two");
            assertThat(messages.get(1).getMessageAttributes()).isEmpty();
        }

        @Test
        void receiveMessage_none() {
            assertThat(unmarshal(ReceiveMessageResultStaxUnmarshaller.getInstance(), "ReceiveMessage", "{}")
                            .getMessages())
                    .isEmpty();
            assertThat(protocol.answer("ReceiveMessage", json("{'Messages': []}"), REQUEST_ID)
                            .body())
                    .contains("<ReceiveMessageResult></ReceiveMessageResult>");
        }

        @Test
        void charactersXmlCannotCarry_becomeReplacementCharacters_andTheDocumentStaysWellFormed() {
            ObjectNode output = json("{'Messages': [{'MessageId': 'm1'}]}");
            ((ObjectNode) output.get("Messages").get(0)).put("Body", "a\u0001b\uFFFEc\uD800d");
            assertThat(unmarshal(ReceiveMessageResultStaxUnmarshaller.getInstance(), "ReceiveMessage", output)
                            .getMessages()
                            .get(0)
                            .getBody())
                    .isEqualTo("a\uFFFDb\uFFFDc\uFFFDd");
        }

        @Test
        void batchResults_ofDeleteAndChangeVisibility() {
            String output = "{'Successful': [{'Id': 'a'}], 'Failed': [{'Id': 'b', 'SenderFault': true,"
                    + " 'Code': 'ReceiptHandleIsInvalid', 'Message': 'bad handle'}]}";
            DeleteMessageBatchResult deleted =
                    unmarshal(DeleteMessageBatchResultStaxUnmarshaller.getInstance(), "DeleteMessageBatch", output);
            assertThat(deleted.getSuccessful()).extracting(e -> e.getId()).containsExactly("a");
            assertThat(deleted.getFailed())
                    .extracting(BatchResultErrorEntry::getCode)
                    .containsExactly("ReceiptHandleIsInvalid");
            ChangeMessageVisibilityBatchResult changed = unmarshal(
                    ChangeMessageVisibilityBatchResultStaxUnmarshaller.getInstance(),
                    "ChangeMessageVisibilityBatch",
                    output);
            assertThat(changed.getSuccessful()).extracting(e -> e.getId()).containsExactly("a");
            assertThat(changed.getFailed())
                    .extracting(BatchResultErrorEntry::getSenderFault)
                    .containsExactly(true);
        }

        @Test
        void listQueueTags() {
            assertThat(unmarshal(
                                    ListQueueTagsResultStaxUnmarshaller.getInstance(),
                                    "ListQueueTags",
                                    "{'Tags': {'team': 'blue', 'cost': 'c1'}}")
                            .getTags())
                    .containsOnly(Map.entry("team", "blue"), Map.entry("cost", "c1"));
        }

        @Test
        void listDeadLetterSourceQueues_fromTheModelsLowerCaseMember() {
            var result = unmarshal(
                    ListDeadLetterSourceQueuesResultStaxUnmarshaller.getInstance(),
                    "ListDeadLetterSourceQueues",
                    "{'queueUrls': ['" + URL + "'], 'NextToken': 't'}");
            assertThat(result.getQueueUrls()).containsExactly(URL);
            assertThat(result.getNextToken()).isEqualTo("t");
        }

        @Test
        void messageMoveTasks() {
            assertThat(unmarshal(
                                    StartMessageMoveTaskResultStaxUnmarshaller.getInstance(),
                                    "StartMessageMoveTask",
                                    "{'TaskHandle': 'h1'}")
                            .getTaskHandle())
                    .isEqualTo("h1");
            var tasks = unmarshal(
                    ListMessageMoveTasksResultStaxUnmarshaller.getInstance(),
                    "ListMessageMoveTasks",
                    "{'Results': [{'TaskHandle': 'h1', 'Status': 'RUNNING', 'SourceArn': 's', 'DestinationArn': 'd',"
                            + " 'MaxNumberOfMessagesPerSecond': 50, 'ApproximateNumberOfMessagesMoved': 3,"
                            + " 'ApproximateNumberOfMessagesToMove': 10, 'StartedTimestamp': 1700000000000},"
                            + " {'Status': 'FAILED', 'SourceArn': 's', 'FailureReason': 'gone',"
                            + " 'ApproximateNumberOfMessagesMoved': 0, 'StartedTimestamp': 1700000000001}]}");
            assertThat(tasks.getResults())
                    .containsExactly(
                            new ListMessageMoveTasksResultEntry()
                                    .withTaskHandle("h1")
                                    .withStatus("RUNNING")
                                    .withSourceArn("s")
                                    .withDestinationArn("d")
                                    .withMaxNumberOfMessagesPerSecond(50)
                                    .withApproximateNumberOfMessagesMoved(3L)
                                    .withApproximateNumberOfMessagesToMove(10L)
                                    .withStartedTimestamp(1700000000000L),
                            new ListMessageMoveTasksResultEntry()
                                    .withStatus("FAILED")
                                    .withSourceArn("s")
                                    .withFailureReason("gone")
                                    .withApproximateNumberOfMessagesMoved(0L)
                                    .withStartedTimestamp(1700000000001L));
            assertThat(unmarshal(
                                    CancelMessageMoveTaskResultStaxUnmarshaller.getInstance(),
                                    "CancelMessageMoveTask",
                                    "{'ApproximateNumberOfMessagesMoved': 7}")
                            .getApproximateNumberOfMessagesMoved())
                    .isEqualTo(7L);
        }

        @Test
        void actionsWithoutAResult_answerOnlyResponseMetadata() {
            Map<String, Unmarshaller<?, StaxUnmarshallerContext>> empty = Map.of(
                    "DeleteQueue", DeleteQueueResultStaxUnmarshaller.getInstance(),
                    "SetQueueAttributes", SetQueueAttributesResultStaxUnmarshaller.getInstance(),
                    "PurgeQueue", PurgeQueueResultStaxUnmarshaller.getInstance(),
                    "DeleteMessage", DeleteMessageResultStaxUnmarshaller.getInstance(),
                    "ChangeMessageVisibility", ChangeMessageVisibilityResultStaxUnmarshaller.getInstance(),
                    "TagQueue", TagQueueResultStaxUnmarshaller.getInstance(),
                    "UntagQueue", UntagQueueResultStaxUnmarshaller.getInstance());
            empty.forEach((action, unmarshaller) -> {
                assertThat(unmarshal(unmarshaller, action, "{}")).isNotNull();
                assertThat(protocol.answer(action, json("{}"), REQUEST_ID).body())
                        .isEqualTo("<?xml version=\"1.0\"?><" + action + "Response xmlns=\"" + QueryProtocol.NAMESPACE
                                + "\"><ResponseMetadata><RequestId>" + REQUEST_ID + "</RequestId></ResponseMetadata></"
                                + action + "Response>");
            });
        }

        @Test
        void everyActionOfTheEndpoint_hasAShape() {
            assertThat(QueryShapes.ACTIONS.keySet())
                    .contains(
                            "CreateQueue",
                            "GetQueueUrl",
                            "ListQueues",
                            "DeleteQueue",
                            "GetQueueAttributes",
                            "SetQueueAttributes",
                            "PurgeQueue",
                            "SendMessage",
                            "SendMessageBatch",
                            "ReceiveMessage",
                            "DeleteMessage",
                            "DeleteMessageBatch",
                            "ChangeMessageVisibility",
                            "ChangeMessageVisibilityBatch",
                            "TagQueue",
                            "UntagQueue",
                            "ListQueueTags",
                            "ListDeadLetterSourceQueues",
                            "StartMessageMoveTask",
                            "ListMessageMoveTasks");
        }
    }

    @Nested
    class Errors {
        @Test
        void senderError_asTheSdkReadsIt() throws Exception {
            SqsAnswer answer = protocol.error(
                    new SqsError(
                            400,
                            "QueueDoesNotExist",
                            "AWS.SimpleQueueService.NonExistentQueue",
                            true,
                            "The specified queue does not exist."),
                    REQUEST_ID);
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.contentType()).isEqualTo("text/xml");
            assertThat(answer.body())
                    .isEqualTo("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + QueryProtocol.NAMESPACE + "\"><Error>"
                            + "<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
                            + "<Message>The specified queue does not exist.</Message><Detail/></Error>"
                            + "<RequestId>" + REQUEST_ID + "</RequestId></ErrorResponse>");

            AmazonServiceException e =
                    new QueueDoesNotExistExceptionUnmarshaller().unmarshall(XpathUtils.documentFrom(answer.body()));
            assertThat(e).isNotNull();
            assertThat(e.getErrorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
            assertThat(e.getErrorMessage()).isEqualTo("The specified queue does not exist.");
            assertThat(e.getErrorType()).isEqualTo(AmazonServiceException.ErrorType.Client);
            assertThat(e.getRequestId()).isEqualTo(REQUEST_ID);
        }

        @Test
        void receiverError_isTheServicesFault() throws Exception {
            SqsAnswer answer = protocol.error(
                    new SqsError(503, "ServiceUnavailable", "ServiceUnavailable", false, "try <again> & later"),
                    REQUEST_ID);
            assertThat(answer.status()).isEqualTo(503);
            AmazonServiceException e =
                    new StandardErrorUnmarshaller().unmarshall(XpathUtils.documentFrom(answer.body()));
            assertThat(e.getErrorCode()).isEqualTo("ServiceUnavailable");
            assertThat(e.getErrorMessage()).isEqualTo("try <again> & later");
            assertThat(e.getErrorType()).isEqualTo(AmazonServiceException.ErrorType.Service);
        }
    }

    // ---- helpers

    private ObjectNode read(Request<?> marshalled) {
        // the body exactly as the SDK's HTTP layer posts it
        SqsCall call = protocol.read(null, SdkHttpUtils.encodeParameters(marshalled));
        assertThat(call.action())
                .isEqualTo(marshalled.getParameters().get("Action").get(0));
        return call.input();
    }

    private void assertReads(Request<?> marshalled, String expectedInput) {
        assertThat(read(marshalled)).isEqualTo(json(expectedInput));
    }

    private <T> T unmarshal(Unmarshaller<T, StaxUnmarshallerContext> unmarshaller, String action, String output) {
        return unmarshal(unmarshaller, action, json(output));
    }

    /** Reads an answer as the SDK's StaxResponseHandler does, request id included. */
    private <T> T unmarshal(Unmarshaller<T, StaxUnmarshallerContext> unmarshaller, String action, ObjectNode output) {
        String xml = protocol.answer(action, output, REQUEST_ID).body();
        try {
            XMLEventReader events = XMLInputFactory.newInstance().createXMLEventReader(new StringReader(xml));
            StaxUnmarshallerContext context = new StaxUnmarshallerContext(events, Map.of());
            context.registerMetadataExpression("ResponseMetadata/RequestId", 2, ResponseMetadata.AWS_REQUEST_ID);
            T result = unmarshaller.unmarshall(context);
            assertThat(context.getMetadata()).containsEntry(ResponseMetadata.AWS_REQUEST_ID, REQUEST_ID);
            return result;
        } catch (Exception e) {
            throw new AssertionError("the SDK cannot read " + xml, e);
        }
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
