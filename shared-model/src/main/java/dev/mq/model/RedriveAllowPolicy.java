package dev.mq.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which queues may name a queue as their dead-letter queue (SQS's RedriveAllowPolicy): every queue
 * ({@code allowAll}, the default), none ({@code denyAll}), or only the 1 to {@value #MAX_SOURCE_QUEUES}
 * {@code sourceQueues} ({@code byQueue}). The service checks it when a queue names its dead-letter
 * queue; queues that named it before a change keep their dead-letter queue.
 *
 * @param sourceQueues the queues {@code byQueue} admits, without repeats; empty for the other permissions
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RedriveAllowPolicy(Permission permission, List<String> sourceQueues) {
    public static final int MAX_SOURCE_QUEUES = 10;
    public static final RedriveAllowPolicy ALLOW_ALL = new RedriveAllowPolicy(Permission.ALLOW_ALL, List.of());
    public static final RedriveAllowPolicy DENY_ALL = new RedriveAllowPolicy(Permission.DENY_ALL, List.of());

    private static final Set<String> FIELDS = Set.of("permission", "sourceQueues");

    public enum Permission {
        @JsonProperty("allowAll")
        ALLOW_ALL("allowAll"),
        @JsonProperty("denyAll")
        DENY_ALL("denyAll"),
        @JsonProperty("byQueue")
        BY_QUEUE("byQueue");

        private final String wireName;

        Permission(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The permission of that wire name, or {@code InvalidRequest} naming the three. */
        public static Permission fromWire(String name) {
            for (Permission p : values()) {
                if (p.wireName.equals(name)) {
                    return p;
                }
            }
            throw QueueException.invalid("redriveAllowPolicy.permission must be allowAll, denyAll or byQueue, not '"
                    + Names.printable(name) + "'");
        }
    }

    /** Checks the combination: {@code byQueue} needs 1 to 10 queue names, the others take none. */
    public RedriveAllowPolicy {
        if (permission == null) {
            throw QueueException.invalid("redriveAllowPolicy.permission is required");
        }
        sourceQueues = sourceQueues == null ? List.of() : List.copyOf(new LinkedHashSet<>(sourceQueues));
        if (permission == Permission.BY_QUEUE) {
            if (sourceQueues.isEmpty() || sourceQueues.size() > MAX_SOURCE_QUEUES) {
                throw QueueException.invalid("redriveAllowPolicy byQueue needs 1 to " + MAX_SOURCE_QUEUES
                        + " sourceQueues, not " + sourceQueues.size());
            }
            sourceQueues.forEach(Names::requireUserQueueName);
        } else if (!sourceQueues.isEmpty()) {
            throw QueueException.invalid("redriveAllowPolicy sourceQueues are given with permission byQueue only, not "
                    + permission.wireName);
        }
    }

    public static RedriveAllowPolicy byQueue(List<String> sourceQueues) {
        return new RedriveAllowPolicy(Permission.BY_QUEUE, sourceQueues);
    }

    /** Whether {@code sourceQueue} may name the queue with this policy as its dead-letter queue. */
    public boolean allows(String sourceQueue) {
        return switch (permission) {
            case ALLOW_ALL -> true;
            case DENY_ALL -> false;
            case BY_QUEUE -> sourceQueues.contains(sourceQueue);
        };
    }

    /** Reads {@code {"permission": ..., "sourceQueues": [...]}}; JSON null is the default, allowAll. */
    static RedriveAllowPolicy parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return ALLOW_ALL;
        }
        if (!(node instanceof ObjectNode object)) {
            throw QueueException.invalid("redriveAllowPolicy must be an object {permission, sourceQueues}");
        }
        Fields.onlyKnown(object, FIELDS);
        Permission permission = Permission.fromWire(Fields.requireString(object, "permission"));
        List<String> sources = new ArrayList<>();
        if (Fields.present(object, "sourceQueues")) {
            JsonNode list = object.get("sourceQueues");
            if (!list.isArray()) {
                throw QueueException.invalid("redriveAllowPolicy.sourceQueues must be an array of queue names");
            }
            for (JsonNode name : list) {
                if (!name.isTextual()) {
                    throw QueueException.invalid("redriveAllowPolicy.sourceQueues must be an array of queue names");
                }
                sources.add(name.textValue());
            }
        }
        return new RedriveAllowPolicy(permission, sources);
    }
}
