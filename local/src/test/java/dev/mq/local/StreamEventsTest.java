package dev.mq.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** Stream records as the SDK reads them become exactly the event Lambda gives a stream function. */
class StreamEventsTest {
    private static final String ARN =
            "arn:aws:dynamodb:ddblocal:000000000000:table/mq-topic-log/stream/2026-01-01T00:00:00.000";

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue sdkS(String s) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(s);
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue sdkN(String n) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(n);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void string() {
        assertThat(StreamEvents.value(sdkS("héllo"))).isEqualTo(new AttributeValue().withS("héllo"));
    }

    @Test
    void number_keepsItsDecimalText() {
        assertThat(StreamEvents.value(sdkN("-12.500"))).isEqualTo(new AttributeValue().withN("-12.500"));
    }

    @Test
    void binary_isACopyThatReadsTheSameBytes() {
        AttributeValue converted =
                StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
                        SdkBytes.fromUtf8String("raw\u0000bytes")));

        assertThat(converted).isEqualTo(new AttributeValue().withB(bytes("raw\u0000bytes")));
        assertThat(converted.getB().isReadOnly()).isFalse();
    }

    @Test
    void bool_bothValues() {
        assertThat(StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true)))
                .isEqualTo(new AttributeValue().withBOOL(true));
        assertThat(StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(false)))
                .isEqualTo(new AttributeValue().withBOOL(false));
    }

    @Test
    void nul() {
        AttributeValue converted =
                StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromNul(true));

        assertThat(converted).isEqualTo(new AttributeValue().withNULL(true));
        assertThat(converted.getS()).isNull();
    }

    @Test
    void stringSet() {
        assertThat(StreamEvents.value(
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromSs(List.of("a", "b"))))
                .isEqualTo(new AttributeValue().withSS("a", "b"));
    }

    @Test
    void numberSet() {
        assertThat(StreamEvents.value(
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromNs(List.of("1", "2.5"))))
                .isEqualTo(new AttributeValue().withNS("1", "2.5"));
    }

    @Test
    void binarySet() {
        assertThat(StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBs(
                        List.of(SdkBytes.fromUtf8String("x"), SdkBytes.fromUtf8String("yz")))))
                .isEqualTo(new AttributeValue().withBS(bytes("x"), bytes("yz")));
    }

    @Test
    void map_nested_withEveryKindInside() {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> inner = new LinkedHashMap<>();
        inner.put("s", sdkS("v"));
        inner.put("n", sdkN("7"));
        inner.put("empty", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(Map.of()));

        AttributeValue converted =
                StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(
                        Map.of("inner", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(inner))));

        assertThat(converted)
                .isEqualTo(new AttributeValue()
                        .withM(Map.of(
                                "inner",
                                new AttributeValue()
                                        .withM(Map.of(
                                                "s", new AttributeValue().withS("v"),
                                                "n", new AttributeValue().withN("7"),
                                                "empty", new AttributeValue().withM(Map.of()))))));
    }

    @Test
    void list_ofMixedValues_keepsItsOrder() {
        AttributeValue converted =
                StreamEvents.value(software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromL(List.of(
                        sdkS("first"),
                        sdkN("2"),
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromNul(true),
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromL(List.of(sdkS("nested"))))));

        assertThat(converted)
                .isEqualTo(new AttributeValue()
                        .withL(
                                new AttributeValue().withS("first"),
                                new AttributeValue().withN("2"),
                                new AttributeValue().withNULL(true),
                                new AttributeValue().withL(new AttributeValue().withS("nested"))));
    }

    @Test
    void insertRecord_hasLambdasShape() {
        Instant created = Instant.parse("2026-03-04T05:06:07Z");
        Record record = Record.builder()
                .eventID("e-1")
                .eventName(OperationType.INSERT)
                .eventVersion("1.1")
                .eventSource("aws:dynamodb")
                .awsRegion("ddblocal")
                .dynamodb(d -> d.approximateCreationDateTime(created)
                        .keys(Map.of("pk", sdkS("inc#m#1"), "sk", sdkS("m")))
                        .newImage(Map.of(
                                "pk", sdkS("inc#m#1"), "sk", sdkS("m"), "body", sdkS("hi"), "publishedAt", sdkN("1")))
                        .sequenceNumber("000000000000000000123")
                        .sizeBytes(42L)
                        .streamViewType(StreamViewType.NEW_IMAGE))
                .build();

        DynamodbEvent event = StreamEvents.event(List.of(record), ARN, "us-east-1");

        assertThat(event.getRecords()).hasSize(1);
        DynamodbEvent.DynamodbStreamRecord converted = event.getRecords().get(0);
        assertThat(converted.getEventID()).isEqualTo("e-1");
        assertThat(converted.getEventName()).isEqualTo("INSERT");
        assertThat(converted.getEventVersion()).isEqualTo("1.1");
        assertThat(converted.getEventSource()).isEqualTo("aws:dynamodb");
        assertThat(converted.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(converted.getEventSourceARN()).isEqualTo(ARN);
        assertThat(converted.getUserIdentity()).isNull();
        StreamRecord stream = converted.getDynamodb();
        assertThat(stream.getApproximateCreationDateTime()).isEqualTo(Date.from(created));
        assertThat(stream.getKeys())
                .isEqualTo(Map.of("pk", new AttributeValue("inc#m#1"), "sk", new AttributeValue("m")));
        assertThat(stream.getNewImage())
                .containsEntry("body", new AttributeValue("hi"))
                .containsEntry("publishedAt", new AttributeValue().withN("1"))
                .hasSize(4);
        assertThat(stream.getOldImage()).isNull();
        assertThat(stream.getSequenceNumber()).isEqualTo("000000000000000000123");
        assertThat(stream.getSizeBytes()).isEqualTo(42L);
        assertThat(stream.getStreamViewType()).isEqualTo("NEW_IMAGE");
    }

    @Test
    void ttlRemoval_keepsItsServiceIdentity_andHasNoNewImage() {
        Record record = Record.builder()
                .eventID("e-2")
                .eventName(OperationType.REMOVE)
                .eventSource("aws:dynamodb")
                .userIdentity(i -> i.type("Service").principalId("dynamodb.amazonaws.com"))
                .dynamodb(d -> d.keys(Map.of("pk", sdkS("k"), "sk", sdkS("m")))
                        .sequenceNumber("200")
                        .streamViewType(StreamViewType.NEW_IMAGE))
                .build();

        DynamodbEvent.DynamodbStreamRecord converted = StreamEvents.record(record, ARN, "us-east-1");

        assertThat(converted.getEventName()).isEqualTo("REMOVE");
        assertThat(converted.getEventVersion())
                .as("the version DynamoDB Streams writes")
                .isEqualTo("1.1");
        assertThat(converted.getUserIdentity().getType()).isEqualTo("Service");
        assertThat(converted.getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
        assertThat(converted.getDynamodb().getNewImage()).isNull();
        assertThat(converted.getDynamodb().getKeys()).containsOnlyKeys("pk", "sk");
    }

    @Test
    void convertedImage_isReadByTheTopicLogReader() {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> image = new LinkedHashMap<>();
        image.put("pk", sdkS("inc#m#id-1"));
        image.put("sk", sdkS("m"));
        image.put("topic", sdkS("news"));
        image.put("tinc", sdkS("inc"));
        image.put("mid", sdkS("id-1"));
        image.put("body", sdkS("hello"));
        image.put(
                "attrs",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(Map.of("kind", sdkS("flash"))));
        image.put("publishedAt", sdkN("1767225600000"));

        var message = dev.mq.store.TopicLogRecords.fromImage(StreamEvents.image(image))
                .orElseThrow();

        assertThat(message.topic()).isEqualTo("news");
        assertThat(message.messageId()).isEqualTo("id-1");
        assertThat(message.body()).isEqualTo("hello");
        assertThat(message.attributes()).isEqualTo(Map.of("kind", "flash"));
        assertThat(message.publishedAt()).isEqualTo(Instant.ofEpochMilli(1767225600000L));
    }
}
