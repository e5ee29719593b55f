package dev.mq.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which records of the messages table's stream wake push delivery, and for which queue incarnation. */
class MessageArrivalsTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:10Z");
    static final long PAST = NOW.minusSeconds(5).toEpochMilli();
    static final long FUTURE = NOW.plusSeconds(30).toEpochMilli();

    @Test
    void aSentMessage_andALeaseGivenBack_wakeTheirQueue() {
        assertThat(MessageArrivals.visibleIn(
                        List.of(record("INSERT", message("inc-a#0", PAST)), record("MODIFY", message("inc-b#3", PAST))),
                        NOW))
                .containsExactly("inc-a", "inc-b");
    }

    @Test
    void aDueParkedMessage_wakesItsQueue() {
        assertThat(MessageArrivals.visibleIn(List.of(record("INSERT", message("inc-a#1#p", PAST))), NOW))
                .containsExactly("inc-a");
    }

    @Test
    void leases_delays_acks_notesAndDedupRecords_wakeNothing() {
        Map<String, AttributeValue> note = message("inc-a#0#n", PAST);
        note.remove("body");
        Map<String, AttributeValue> dedup = new HashMap<>(Map.of("pk", s("inc-a#d#order-1"), "sk", s("d")));
        assertThat(MessageArrivals.visibleIn(
                        List.of(
                                record("MODIFY", message("inc-a#0", FUTURE)), // leased
                                record("INSERT", message("inc-a#0#p", FUTURE)), // delayed
                                record("REMOVE", null), // acked
                                record("INSERT", note),
                                record("INSERT", dedup)),
                        NOW))
                .isEmpty();
    }

    static Map<String, AttributeValue> message(String pk, long visibleAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        item.put("sk", s("0000000001"));
        item.put("body", s("hello"));
        item.put("visibleAt", new AttributeValue().withN(Long.toString(visibleAt)));
        return item;
    }

    static AttributeValue s(String value) {
        return new AttributeValue().withS(value);
    }

    static DynamodbEvent.DynamodbStreamRecord record(String eventName, Map<String, AttributeValue> newImage) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName(eventName);
        StreamRecord stream = new StreamRecord();
        stream.setNewImage(newImage);
        record.setDynamodb(stream);
        return record;
    }
}
