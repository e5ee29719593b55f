package dev.mq.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.Json;
import org.junit.jupiter.api.Test;

class JsonProtocolTest {
    final JsonProtocol protocol = new JsonProtocol();

    @Test
    void read_takesTheActionFromTheTarget_andTheInputFromTheBody() {
        SqsCall call = protocol.read("AmazonSQS.SendMessage", "{\"QueueUrl\": \"u\", \"MessageBody\": \"b\"}");
        assertThat(call.action()).isEqualTo("SendMessage");
        assertThat(call.input().get("MessageBody").textValue()).isEqualTo("b");
        assertThat(protocol.read("AmazonSQS.ListQueues", "").input().isEmpty()).isTrue();
    }

    @Test
    void read_refusesAMissingOrForeignTarget_asInvalidAction() {
        for (String target : new String[] {null, "AmazonSQS.", "DynamoDB_20120810.PutItem"}) {
            assertThatThrownBy(() -> protocol.read(target, "{}"))
                    .isInstanceOfSatisfying(
                            SqsException.class,
                            e -> assertThat(e.error().shape()).isEqualTo("InvalidAction"));
        }
    }

    @Test
    void read_refusesMalformedJsonAndNonObjects_as400() {
        for (String body : new String[] {"{", "[1]", "\"text\"", "{\"a\": 1,}"}) {
            assertThatThrownBy(() -> protocol.read("AmazonSQS.ListQueues", body))
                    .isInstanceOfSatisfying(
                            SqsException.class,
                            e -> assertThat(e.error().status()).isEqualTo(400));
        }
    }

    @Test
    void error_hasTheTypeAndTheQueryCodeHeader_asSqsAnswers() {
        SqsAnswer answer = protocol.error(SqsErrors.queueDoesNotExist(), "req-1");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).isEqualTo("application/x-amz-json-1.0");
        assertThat(answer.headers())
                .containsEntry("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")
                .containsEntry("x-amzn-RequestId", "req-1");
        var body = Json.parseObject(answer.body());
        assertThat(body.get("__type").textValue()).isEqualTo("com.amazonaws.sqs#QueueDoesNotExist");
        assertThat(body.get("message").textValue()).contains("does not exist");
    }

    @Test
    void error_ofTheService_isReceiverFault() {
        SqsAnswer answer = protocol.error(SqsErrors.internalError("r"), "r");
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.headers()).containsEntry("x-amzn-query-error", "InternalError;Receiver");
    }

    @Test
    void answer_isTheOutputAsJson() {
        SqsAnswer answer =
                protocol.answer("GetQueueUrl", Json.MAPPER.createObjectNode().put("QueueUrl", "u"), "r");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"QueueUrl\":\"u\"}");
    }
}
