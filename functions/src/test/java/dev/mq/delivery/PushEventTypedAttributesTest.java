package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.MessageDigests;
import dev.mq.core.ReceivedMessage;
import dev.mq.model.Json;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.services.sqs.internal.MessageMD5ChecksumInterceptor;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.utils.AttributeMap;

/** The push event's typed attributes, and its digests judged by the SQS SDK's own MD5 check. */
class PushEventTypedAttributesTest {
    static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    static final byte[] PHOTO = {0, 1, 2, (byte) 0xff};

    final ReceivedMessage typed = new ReceivedMessage(
            "m-1",
            "order 7 paid: 12,50 €",
            Map.of(
                    "price", "12.50",
                    "photo", Base64.getEncoder().encodeToString(PHOTO),
                    "note", "paid",
                    "kind", "x"),
            "h",
            1,
            T,
            T,
            null,
            null,
            Map.of("price", "Number", "photo", "Binary.jpeg", "note", "String.memo"));

    @Test
    void typedAttributes_carryTheirDataType_andBinaryOnesTheirBase64InBinaryValue() throws Exception {
        JsonNode record = record(typed);
        JsonNode attributes = record.get("messageAttributes");

        assertThat(attributes.get("price").get("dataType").asText()).isEqualTo("Number");
        assertThat(attributes.get("price").get("stringValue").asText()).isEqualTo("12.50");
        assertThat(attributes.get("photo").get("dataType").asText()).isEqualTo("Binary.jpeg");
        assertThat(attributes.get("photo").get("binaryValue").asText()).isEqualTo("AAEC/w==");
        assertThat(attributes.get("photo").has("stringValue")).isFalse();
        assertThat(attributes.get("note").get("dataType").asText()).isEqualTo("String.memo");
        assertThat(attributes.get("kind").get("dataType").asText()).isEqualTo("String");
    }

    @Test
    void digests_passTheSqsSdksOwnCheck() throws Exception {
        sqsSdkChecks(record(typed), null);
        ReceivedMessage plain = new ReceivedMessage("m-2", "plain", Map.of("a", "1"), "h", 1, T, T, null, null);
        sqsSdkChecks(record(plain), null);
        assertThat(MessageDigests.md5OfAttributes(Map.of(), Map.of())).isNull();
    }

    @Test
    void theSdkCheck_wouldCatchAWrongDigest() throws Exception {
        // the same attributes hashed as if all were String: the check must tell
        String untyped = MessageDigests.md5OfAttributes(typed.attributes(), Map.of());
        assertThatThrownBy(() -> sqsSdkChecks(record(typed), untyped)).hasMessageContaining("MD5");
    }

    private static JsonNode record(ReceivedMessage m) throws Exception {
        return Json.MAPPER
                .readTree(PushEvent.of(List.of(m), "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1"))
                .get("Records")
                .get(0);
    }

    /** Runs the SQS SDK's MD5 interceptor over the record read as a ReceiveMessage answer; it throws on a mismatch. */
    private static void sqsSdkChecks(JsonNode record, String md5OfAttributesInstead) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        record.get("messageAttributes").fields().forEachRemaining(e -> {
            JsonNode a = e.getValue();
            MessageAttributeValue.Builder value =
                    MessageAttributeValue.builder().dataType(a.get("dataType").asText());
            if (a.has("binaryValue")) {
                value.binaryValue(SdkBytes.fromByteArray(
                        Base64.getDecoder().decode(a.get("binaryValue").asText())));
            } else {
                value.stringValue(a.get("stringValue").asText());
            }
            attributes.put(e.getKey(), value.build());
        });
        Message message = Message.builder()
                .messageId(record.get("messageId").asText())
                .body(record.get("body").asText())
                .md5OfBody(record.get("md5OfBody").asText())
                .messageAttributes(attributes)
                .md5OfMessageAttributes(
                        md5OfAttributesInstead != null
                                ? md5OfAttributesInstead
                                : record.get("md5OfMessageAttributes").asText())
                .build();
        ReceiveMessageRequest request = ReceiveMessageRequest.builder().build();
        ReceiveMessageResponse response =
                ReceiveMessageResponse.builder().messages(message).build();
        Context.AfterExecution context = (Context.AfterExecution) Proxy.newProxyInstance(
                PushEventTypedAttributesTest.class.getClassLoader(),
                new Class<?>[] {Context.AfterExecution.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "request" -> request;
                    case "response" -> response;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ExecutionAttributes attributesOfTheCall = new ExecutionAttributes()
                .putAttribute(SdkInternalExecutionAttribute.CLIENT_CONTEXT_PARAMS, AttributeMap.empty());
        new MessageMD5ChecksumInterceptor().afterExecution(context, attributesOfTheCall);
    }
}
