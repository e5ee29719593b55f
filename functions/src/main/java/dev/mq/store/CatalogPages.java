package dev.mq.store;

import static dev.mq.store.StoreCalls.call;
import static dev.mq.store.StoreCalls.s;

import dev.mq.core.Page;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Listings of one catalog partition, sorted by name: one query of {@code limit + 1} items, so a page
 * knows whether another follows ({@code next} is then its last name) without a second read.
 */
final class CatalogPages {
    private CatalogPages() {}

    static <T> Page<T> list(
            DynamoDbClient client,
            String table,
            String pk,
            String prefix,
            int limit,
            String afterName,
            Function<Map<String, AttributeValue>, T> read,
            Function<T, String> name) {
        return call(() -> {
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":pk", s(pk));
            String condition = "pk = :pk";
            if (!prefix.isEmpty()) {
                condition += " AND begins_with(sk, :prefix)";
                values.put(":prefix", s(prefix));
            }
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression(condition)
                    .expressionAttributeValues(values)
                    .limit(limit + 1);
            if (afterName != null) {
                query.exclusiveStartKey(Map.of("pk", s(pk), "sk", s(afterName)));
            }
            List<T> items = new ArrayList<>();
            client.query(query.build()).items().forEach(i -> items.add(read.apply(i)));
            if (items.size() <= limit) {
                return new Page<>(items, null);
            }
            List<T> page = List.copyOf(items.subList(0, limit));
            return new Page<>(page, name.apply(page.get(limit - 1)));
        });
    }
}
