package dev.mq.handlers;

import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The API's routes and the function family that serves each. API Gateway sends each family's paths
 * to its function; the local server uses the same table to pick the handler.
 */
public final class Routes {
    private Routes() {}

    public enum Family { PUBLISH, RECEIVE, ACK, ADMIN }

    public enum Operation {
        HEALTH(Family.ADMIN), LIST_QUEUES(Family.ADMIN), PUT_QUEUE(Family.ADMIN), GET_QUEUE(Family.ADMIN),
        PATCH_QUEUE(Family.ADMIN), DELETE_QUEUE(Family.ADMIN), PURGE(Family.ADMIN), BROWSE(Family.ADMIN),
        REDRIVE(Family.ADMIN), SEND(Family.PUBLISH), RECEIVE(Family.RECEIVE), ACK(Family.ACK),
        ACK_ONE(Family.ACK), VISIBILITY(Family.ACK),
        LIST_TOPICS(Family.ADMIN), PUT_TOPIC(Family.ADMIN), GET_TOPIC(Family.ADMIN), DELETE_TOPIC(Family.ADMIN),
        PUBLISH(Family.PUBLISH), LIST_SUBSCRIPTIONS(Family.ADMIN), PUT_SUBSCRIPTION(Family.ADMIN),
        GET_SUBSCRIPTION(Family.ADMIN), DELETE_SUBSCRIPTION(Family.ADMIN);

        private final Family family;

        Operation(Family family) {
            this.family = family;
        }

        public Family family() {
            return family;
        }
    }

    /**
     * A matched request: the operation, the queue or topic it names, and below that the receipt handle
     * or subscription name, where present.
     */
    public record Match(Operation operation, String name, String child) {}

    /** Matches method and path, or answers {@code NotFound} / {@code MethodNotAllowed}. */
    public static Match match(String method, String path) {
        List<String> parts = segments(path);
        String m = method == null ? "" : method.toUpperCase();
        if (parts.equals(List.of("health"))) {
            return only(m, "GET", new Match(Operation.HEALTH, null, null));
        }
        if (parts.size() < 2 || !parts.get(0).equals("v1")) {
            throw notFound(path);
        }
        return switch (parts.get(1)) {
            case "queues" -> userQueue(queueRoute(m, path, parts));
            case "topics" -> topicRoute(m, path, parts);
            default -> throw notFound(path);
        };
    }

    private static Match queueRoute(String m, String path, List<String> parts) {
        if (parts.size() == 2) {
            return only(m, "GET", new Match(Operation.LIST_QUEUES, null, null));
        }
        String queue = parts.get(2);
        if (parts.size() == 3) {
            return switch (m) {
                case "PUT" -> new Match(Operation.PUT_QUEUE, queue, null);
                case "GET" -> new Match(Operation.GET_QUEUE, queue, null);
                case "PATCH" -> new Match(Operation.PATCH_QUEUE, queue, null);
                case "DELETE" -> new Match(Operation.DELETE_QUEUE, queue, null);
                default -> throw notAllowed(m, path);
            };
        }
        if (parts.size() == 4) {
            return switch (parts.get(3)) {
                case "messages" -> switch (m) {
                    case "POST" -> new Match(Operation.SEND, queue, null);
                    case "GET" -> new Match(Operation.BROWSE, queue, null);
                    default -> throw notAllowed(m, path);
                };
                case "receive" -> only(m, "POST", new Match(Operation.RECEIVE, queue, null));
                case "ack" -> only(m, "POST", new Match(Operation.ACK, queue, null));
                case "visibility" -> only(m, "POST", new Match(Operation.VISIBILITY, queue, null));
                case "purge" -> only(m, "POST", new Match(Operation.PURGE, queue, null));
                case "redrive" -> only(m, "POST", new Match(Operation.REDRIVE, queue, null));
                default -> throw notFound(path);
            };
        }
        if (parts.size() == 5 && parts.get(3).equals("messages")) {
            return only(m, "DELETE", new Match(Operation.ACK_ONE, queue, parts.get(4)));
        }
        throw notFound(path);
    }

    /**
     * The one place that keeps requests off mq's internal queues (the endpoint delivery queue): the
     * delivery machinery calls the services directly, never through a route, so every request that
     * names such a queue in its path is refused here; names in request bodies are refused as they are
     * parsed ({@link Names#requireUserQueueName}), and listings leave them out.
     */
    private static Match userQueue(Match match) {
        if (match.name() != null) {
            Names.refuseInternal(match.name());
        }
        return match;
    }

    private static Match topicRoute(String m, String path, List<String> parts) {
        if (parts.size() == 2) {
            return only(m, "GET", new Match(Operation.LIST_TOPICS, null, null));
        }
        String topic = parts.get(2);
        if (parts.size() == 3) {
            return switch (m) {
                case "PUT" -> new Match(Operation.PUT_TOPIC, topic, null);
                case "GET" -> new Match(Operation.GET_TOPIC, topic, null);
                case "DELETE" -> new Match(Operation.DELETE_TOPIC, topic, null);
                default -> throw notAllowed(m, path);
            };
        }
        if (parts.size() == 4 && parts.get(3).equals("messages")) {
            return only(m, "POST", new Match(Operation.PUBLISH, topic, null));
        }
        if (parts.size() == 4 && parts.get(3).equals("subscriptions")) {
            return only(m, "GET", new Match(Operation.LIST_SUBSCRIPTIONS, topic, null));
        }
        if (parts.size() == 5 && parts.get(3).equals("subscriptions")) {
            String subscription = parts.get(4);
            return switch (m) {
                case "PUT" -> new Match(Operation.PUT_SUBSCRIPTION, topic, subscription);
                case "GET" -> new Match(Operation.GET_SUBSCRIPTION, topic, subscription);
                case "DELETE" -> new Match(Operation.DELETE_SUBSCRIPTION, topic, subscription);
                default -> throw notAllowed(m, path);
            };
        }
        throw notFound(path);
    }

    /**
     * The path's segments, percent-decoded: API Gateway's REST proxy (and the local server) pass the path
     * as sent, so a name is validated, and echoed in errors, as the caller wrote it ({@code bad name}, not
     * {@code bad%20name}). Split before decoding, so an encoded {@code /} stays inside its segment.
     */
    private static List<String> segments(String path) {
        String p = path == null ? "" : path;
        return Arrays.stream(p.split("/")).filter(s -> !s.isEmpty()).map(Routes::decode).toList();
    }

    private static String decode(String segment) {
        try {
            // URLDecoder is for forms, where + is a space; in a path it is itself
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw QueueException.invalid("malformed percent-encoding in the path segment '"
                    + dev.mq.model.Names.printable(segment) + "'");
        }
    }

    private static Match only(String method, String allowed, Match match) {
        if (!method.equals(allowed)) {
            throw notAllowed(method, "this path");
        }
        return match;
    }

    private static QueueException notFound(String path) {
        return new QueueException(ErrorCode.NOT_FOUND, "no such resource: " + dev.mq.model.Names.printable(path));
    }

    private static QueueException notAllowed(String method, String path) {
        return new QueueException(ErrorCode.METHOD_NOT_ALLOWED,
                dev.mq.model.Names.printable(method) + " is not allowed on " + dev.mq.model.Names.printable(path));
    }
}
