package dev.mq.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mq.model.Json;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.internal.MessageMD5ChecksumInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The digests against the AWS SDK's own computation, which it checks every answer against. */
class SqsMessageAttributesTest {
    @Test
    void md5OfBody_isTheSdksDigest() throws Exception {
        String body = "héllo, wörld 🌍";
        assertThat(SqsMessageAttributes.md5OfBody(body)).isEqualTo(sdk("calculateMessageBodyMd5", String.class, body));
        assertThat(SqsMessageAttributes.md5OfBody("hello")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
    }

    @Test
    void md5OfAttributes_ofEveryType_isTheSdksDigest() throws Exception {
        ObjectNode given = Json.parseObject("""
                {"b": {"DataType": "Binary", "BinaryValue": "AAEC/w=="},
                 "a": {"DataType": "String", "StringValue": "ünïcode"},
                 "n": {"DataType": "Number", "StringValue": "12.50"},
                 "c": {"DataType": "String.custom", "StringValue": "x"},
                 "j": {"DataType": "Binary.jpeg", "BinaryValue": "/9j/"}}
                """);
        Map<String, SqsMessageAttributes.Value> attributes = SqsMessageAttributes.parse(given);

        Map<String, MessageAttributeValue> sdkAttributes = new LinkedHashMap<>();
        attributes.forEach((name, v) -> sdkAttributes.put(
                name,
                v.binary()
                        ? MessageAttributeValue.builder()
                                .dataType(v.dataType())
                                .binaryValue(SdkBytes.fromByteArray(
                                        java.util.Base64.getDecoder().decode(v.binaryValue())))
                                .build()
                        : MessageAttributeValue.builder()
                                .dataType(v.dataType())
                                .stringValue(v.stringValue())
                                .build()));
        assertThat(SqsMessageAttributes.md5OfAttributes(attributes))
                .isEqualTo(sdk("calculateMessageAttributesMd5", Map.class, sdkAttributes));
    }

    @Test
    void md5OfAttributes_ofNone_isAbsent() {
        assertThat(SqsMessageAttributes.md5OfAttributes(Map.of())).isNull();
    }

    @Test
    void coreTypes_keepEveryTypeButPlainString() {
        var attributes = SqsMessageAttributes.parse(
                Json.parseObject(
                        "{\"s\": {\"DataType\": \"String\", \"StringValue\": \"1\"}, \"n\": {\"DataType\": \"Number.int\", \"StringValue\": \"1\"}}"));
        assertThat(SqsMessageAttributes.coreTypes(attributes)).containsExactly(Map.entry("n", "Number.int"));
        assertThat(SqsMessageAttributes.fromCore(
                        SqsMessageAttributes.coreValues(attributes), Map.of("n", "Number.int")))
                .isEqualTo(attributes);
    }

    @Test
    void parse_refusesWhatSqsRefuses() {
        assertRefused("{\"n\": {\"DataType\": \"Number\", \"StringValue\": \"twelve\"}}", "number");
        assertRefused("{\"n\": {\"DataType\": \"Integer\", \"StringValue\": \"1\"}}", "DataType");
        assertRefused("{\"n\": {\"DataType\": \"String\"}}", "must use field");
        assertRefused("{\"n\": {\"DataType\": \"Binary\", \"BinaryValue\": \"%%%\"}}", "base64");
        assertRefused("{\"AWS.x\": {\"DataType\": \"String\", \"StringValue\": \"1\"}}", "is invalid");
        assertRefused("{\"n\": \"plain\"}", "DataType");
        StringBuilder eleven = new StringBuilder("{");
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",")
                    .append("\"a")
                    .append(i)
                    .append("\": {\"DataType\": \"String\", \"StringValue\": \"v\"}");
        }
        assertRefused(eleven.append("}").toString(), "exceeds");
    }

    private static void assertRefused(String attributes, String message) {
        assertThatThrownBy(() -> SqsMessageAttributes.parse(Json.parseObject(attributes)))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.error().shape()).isEqualTo("InvalidParameterValue");
                    assertThat(e.error().status()).isEqualTo(400);
                })
                .hasMessageContaining(message);
    }

    /** One of the SDK's own digest functions, which its checksum interceptor verifies answers with. */
    private static String sdk(String function, Class<?> parameter, Object argument) throws Exception {
        Method method = MessageMD5ChecksumInterceptor.class.getDeclaredMethod(function, parameter);
        method.setAccessible(true);
        return (String) method.invoke(null, argument);
    }
}
