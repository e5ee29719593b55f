package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.mq.core.MessageIds;
import dev.mq.core.QueueCounts;
import dev.mq.store.MessageCounts;
import dev.mq.store.Tables;
import dev.mq.testing.LocalDynamoDb;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counter fed stream events in Lambda's shape: message writes of one queue, a retry, a store that fails. */
class CountsHandlerTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    final Tables tables = db.freshTables();
    final MessageCounts counts = new MessageCounts(db.client(), tables);
    final CountsHandler handler = new CountsHandler(counts, Clock.systemUTC());

    @Test
    void sendsLeaseAndNotes_countAsTheyWereWritten_andARetriedEventCountsNothingMore() {
        Instant now = Instant.now();
        String a = new MessageIds().next(now);
        String b = new MessageIds().next(now);
        Map<String, AttributeValue> sentA = message("inc#0", a, now, 0);
        Map<String, AttributeValue> sentB = message("inc#1", b, now, 0);
        Map<String, AttributeValue> leasedA = message("inc#0#p", "0000000000001#" + a, now.plusSeconds(30), 1);
        Map<String, AttributeValue> note = new HashMap<>(Map.of("pk", s("inc#0#n"), "sk", s(a), "v", n("3")));
        DynamodbEvent event = event(
                record("101", "INSERT", null, sentA),
                record("102", "INSERT", null, sentB),
                record("103", "INSERT", null, leasedA),
                record("104", "INSERT", null, note),
                record("105", "REMOVE", sentA, null));

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty(); // delivered again

        assertThat(counts.read("inc")).isEqualTo(new QueueCounts(1, 1, 0));
    }

    @Test
    void aStoreThatFails_reportsTheBatchFromItsFirstRecord_forARetry() {
        var closed = LocalDynamoDb.client(URI.create("http://127.0.0.1:1"), null);
        CountsHandler offline = new CountsHandler(new MessageCounts(closed, tables), Clock.systemUTC());
        Instant now = Instant.now();

        StreamsEventResponse response = offline.handleRequest(
                event(record("201", "INSERT", null, message("inc#0", new MessageIds().next(now), now, 0))), null);

        assertThat(response.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("201");
    }

    private static Map<String, AttributeValue> message(String pk, String sk, Instant visibleAt, int rc) {
        return new HashMap<>(Map.of(
                "pk",
                s(pk),
                "sk",
                s(sk),
                "v",
                n("3"),
                "body",
                s("hello"),
                "visibleAt",
                n(Long.toString(visibleAt.toEpochMilli())),
                "rc",
                n(Integer.toString(rc))));
    }

    private static DynamodbEvent.DynamodbStreamRecord record(
            String sequence, String name, Map<String, AttributeValue> oldImage, Map<String, AttributeValue> newImage) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName(name);
        StreamRecord data = new StreamRecord();
        data.setSequenceNumber(sequence);
        data.setOldImage(oldImage);
        data.setNewImage(newImage);
        record.setDynamodb(data);
        return record;
    }

    private static DynamodbEvent event(DynamodbEvent.DynamodbStreamRecord... records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(records));
        return event;
    }

    private static AttributeValue s(String value) {
        return new AttributeValue().withS(value);
    }

    private static AttributeValue n(String value) {
        return new AttributeValue().withN(value);
    }
}
