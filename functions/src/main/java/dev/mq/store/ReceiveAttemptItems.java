package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.n;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.MessageKey;
import dev.mq.core.QueueStore.Lease;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A FIFO receive's attempt record in the messages table, beside the queue's deduplication records:
 * {@code pk = <incarnation>#r#<attemptId>}, {@code sk = "r"}, with {@code leases}, a list of
 * {@code {sh, pos, tok}} (shard, waiting position, lease token) and
 * {@code expiresAt} (TTL, s). It has no {@code body}, so the counter never counts it. One item of
 * ~100 bytes a message: a receive of 10 writes ~1.2 KB (2 write units); a retry reads it (1 read unit).
 */
final class ReceiveAttemptItems {
    private final DynamoDbClient client;
    private final Tables tables;

    ReceiveAttemptItems(DynamoDbClient client, Tables tables) {
        this.client = client;
        this.tables = tables;
    }

    void put(String incarnation, String attemptId, List<Lease> leases, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(incarnation, attemptId));
        item.put("v", n(DynamoDbQueueStore.LAYOUT_VERSION));
        item.put(
                "leases",
                AttributeValue.fromL(leases.stream()
                        .map(l -> AttributeValue.fromM(Map.of(
                                "sh", n(l.key().shard()),
                                "pos", s(l.key().position()),
                                "tok", s(l.token()))))
                        .toList()));
        item.put(DynamoDbQueueStore.EXPIRES_AT, n(expiresAt.getEpochSecond()));
        call(() -> client.putItem(r -> r.tableName(tables.messages()).item(item)));
    }

    Optional<List<Lease>> get(String incarnation, String attemptId, Instant now) {
        return call(() -> {
            Map<String, AttributeValue> item = client.getItem(r -> r.tableName(tables.messages())
                            .key(key(incarnation, attemptId))
                            .consistentRead(true))
                    .item();
            if (item == null
                    || item.isEmpty()
                    || Long.parseLong(item.get(DynamoDbQueueStore.EXPIRES_AT).n()) <= now.getEpochSecond()) {
                return Optional.empty(); // TTL removes it some time after
            }
            return Optional.of(item.get("leases").l().stream()
                    .map(AttributeValue::m)
                    .map(l -> new Lease(
                            new MessageKey(
                                    incarnation,
                                    Integer.parseInt(l.get("sh").n()),
                                    l.get("pos").s()),
                            l.get("tok").s()))
                    .toList());
        });
    }

    private static Map<String, AttributeValue> key(String incarnation, String attemptId) {
        return Map.of("pk", s(incarnation + "#r#" + attemptId), "sk", s("r"));
    }
}
