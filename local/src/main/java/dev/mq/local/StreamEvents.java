package dev.mq.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Turns records read from DynamoDB Streams (SDK v2 model) into the {@link DynamodbEvent} that Lambda hands
 * a function subscribed to the stream: {@code eventSource "aws:dynamodb"}, the stream's ARN as
 * {@code eventSourceARN}, the deployment's region, and every attribute type (S, N, B, BOOL, NULL, M, L,
 * SS, NS, BS) in Lambda's event model. An image the stream did not carry stays null, as in Lambda's
 * event (the topic log's stream carries new images only, so {@code oldImage} is null).
 */
final class StreamEvents {
    static final String EVENT_SOURCE = "aws:dynamodb";
    /** What DynamoDB Streams writes into every record; a record without one gets it. */
    static final String EVENT_VERSION = "1.1";

    private StreamEvents() {}

    /** One event of the records, in their order. */
    static DynamodbEvent event(List<Record> records, String streamArn, String region) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        for (Record record : records) {
            converted.add(record(record, streamArn, region));
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(converted);
        return event;
    }

    /**
     * One record. DynamoDB Local names its region {@code ddblocal}; Lambda names the table's region,
     * so {@code region} is written instead of what the record says.
     */
    static DynamodbEvent.DynamodbStreamRecord record(Record record, String streamArn, String region) {
        DynamodbEvent.DynamodbStreamRecord converted = new DynamodbEvent.DynamodbStreamRecord();
        converted.setEventID(record.eventID());
        converted.setEventName(record.eventNameAsString());
        converted.setEventVersion(record.eventVersion() == null ? EVENT_VERSION : record.eventVersion());
        converted.setEventSource(EVENT_SOURCE);
        converted.setAwsRegion(region);
        converted.setEventSourceARN(streamArn);
        if (record.userIdentity() != null) {
            // set by DynamoDB for TTL deletions: type "Service", principal "dynamodb.amazonaws.com"
            converted.setUserIdentity(new Identity()
                    .withType(record.userIdentity().type())
                    .withPrincipalId(record.userIdentity().principalId()));
        }
        if (record.dynamodb() != null) {
            converted.setDynamodb(streamRecord(record.dynamodb()));
        }
        return converted;
    }

    static StreamRecord streamRecord(software.amazon.awssdk.services.dynamodb.model.StreamRecord record) {
        StreamRecord converted = new StreamRecord();
        if (record.approximateCreationDateTime() != null) {
            converted.setApproximateCreationDateTime(Date.from(record.approximateCreationDateTime()));
        }
        converted.setKeys(record.hasKeys() ? image(record.keys()) : null);
        converted.setNewImage(record.hasNewImage() ? image(record.newImage()) : null);
        converted.setOldImage(record.hasOldImage() ? image(record.oldImage()) : null);
        converted.setSequenceNumber(record.sequenceNumber());
        converted.setSizeBytes(record.sizeBytes());
        if (record.streamViewTypeAsString() != null) {
            converted.setStreamViewType(StreamViewType.fromValue(record.streamViewTypeAsString()));
        }
        return converted;
    }

    /** An item (or key) in Lambda's model; null for null. Attribute order is kept. */
    static Map<String, AttributeValue> image(
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        if (item == null) {
            return null;
        }
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        item.forEach((name, value) -> converted.put(name, value(value)));
        return converted;
    }

    /**
     * One value in Lambda's model. Binary values are copied into writable heap buffers, as Lambda's
     * JSON deserialisation gives them, so a handler may read them any number of times.
     *
     * @throws IllegalArgumentException for a type this SDK does not know, which no table of ours holds
     */
    static AttributeValue value(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        AttributeValue converted = new AttributeValue();
        switch (value.type()) {
            case S -> converted.setS(value.s());
            case N -> converted.setN(value.n());
            case B -> converted.setB(bytes(value.b()));
            case BOOL -> converted.setBOOL(value.bool());
            case NUL -> converted.setNULL(value.nul());
            case SS -> converted.setSS(value.ss()); // the setters copy
            case NS -> converted.setNS(value.ns());
            case BS ->
                converted.setBS(value.bs().stream().map(StreamEvents::bytes).toList());
            case M -> converted.setM(image(value.m()));
            case L -> converted.setL(value.l().stream().map(StreamEvents::value).toList());
            default -> throw new IllegalArgumentException("attribute value of an unknown type: " + value);
        }
        return converted;
    }

    private static ByteBuffer bytes(SdkBytes bytes) {
        return ByteBuffer.wrap(bytes.asByteArray());
    }
}
