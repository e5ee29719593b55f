package dev.mq.handlers;

import static dev.mq.deploy.DeployedFunction.ACK;
import static dev.mq.deploy.DeployedFunction.ADMIN;
import static dev.mq.deploy.DeployedFunction.PUBLISH;
import static dev.mq.deploy.DeployedFunction.RECEIVE;
import static dev.mq.deploy.DeployedFunction.SQS;

import dev.mq.deploy.DeployedFunction;
import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API's route table, the only list of its routes: the handlers route requests by it, the local
 * server picks the function that serves a request by it, and the CDK app makes one API Gateway method
 * of each entry, integrated with the entry's function.
 */
public final class Routes {
    private Routes() {}

    public enum Operation {
        HEALTH,
        LIST_QUEUES,
        PUT_QUEUE,
        GET_QUEUE,
        PATCH_QUEUE,
        DELETE_QUEUE,
        SEND,
        BROWSE,
        ACK_ONE,
        RECEIVE,
        ACK,
        VISIBILITY,
        PURGE,
        REDRIVE,
        LIST_CONSUMERS,
        PUT_CONSUMER,
        GET_CONSUMER,
        DELETE_CONSUMER,
        LIST_TOPICS,
        PUT_TOPIC,
        GET_TOPIC,
        DELETE_TOPIC,
        PUBLISH,
        LIST_SUBSCRIPTIONS,
        PUT_SUBSCRIPTION,
        GET_SUBSCRIPTION,
        DELETE_SUBSCRIPTION,
        /** An SQS request (JSON or query protocol) sent to the API's root. */
        SQS,
        /** An SQS request sent to a queue URL, {@code /{account}/{queue}}, as the query protocol does. */
        SQS_QUEUE
    }

    /**
     * One route: the method, the resource path in API Gateway's syntax ({@code {queue}} stands for one
     * path segment), the operation, and the function that serves it.
     */
    public record Route(String method, String path, Operation operation, DeployedFunction function) {
        /** The path's values for this route's parameters, in order, or null when the path is not this route's. */
        private List<String> bind(List<String> parts) {
            List<String> template = TEMPLATES.get(path);
            if (template.size() != parts.size()) {
                return null;
            }
            List<String> values = new ArrayList<>(2);
            for (int i = 0; i < parts.size(); i++) {
                String expected = template.get(i);
                if (expected.startsWith("{")) {
                    values.add(parts.get(i));
                } else if (!expected.equals(parts.get(i))) {
                    return null;
                }
            }
            return values;
        }
    }

    public static final List<Route> ALL = List.of(
            new Route("GET", "/health", Operation.HEALTH, ADMIN),
            new Route("GET", "/v1/queues", Operation.LIST_QUEUES, ADMIN),
            new Route("PUT", "/v1/queues/{queue}", Operation.PUT_QUEUE, ADMIN),
            new Route("GET", "/v1/queues/{queue}", Operation.GET_QUEUE, ADMIN),
            new Route("PATCH", "/v1/queues/{queue}", Operation.PATCH_QUEUE, ADMIN),
            new Route("DELETE", "/v1/queues/{queue}", Operation.DELETE_QUEUE, ADMIN),
            new Route("POST", "/v1/queues/{queue}/messages", Operation.SEND, PUBLISH),
            new Route("GET", "/v1/queues/{queue}/messages", Operation.BROWSE, ADMIN),
            new Route("DELETE", "/v1/queues/{queue}/messages/{receiptHandle}", Operation.ACK_ONE, ACK),
            new Route("POST", "/v1/queues/{queue}/receive", Operation.RECEIVE, RECEIVE),
            new Route("POST", "/v1/queues/{queue}/ack", Operation.ACK, ACK),
            new Route("POST", "/v1/queues/{queue}/visibility", Operation.VISIBILITY, ACK),
            new Route("POST", "/v1/queues/{queue}/purge", Operation.PURGE, ADMIN),
            new Route("POST", "/v1/queues/{queue}/redrive", Operation.REDRIVE, ADMIN),
            new Route("GET", "/v1/queues/{queue}/consumers", Operation.LIST_CONSUMERS, ADMIN),
            new Route("PUT", "/v1/queues/{queue}/consumers/{consumer}", Operation.PUT_CONSUMER, ADMIN),
            new Route("GET", "/v1/queues/{queue}/consumers/{consumer}", Operation.GET_CONSUMER, ADMIN),
            new Route("DELETE", "/v1/queues/{queue}/consumers/{consumer}", Operation.DELETE_CONSUMER, ADMIN),
            new Route("GET", "/v1/topics", Operation.LIST_TOPICS, ADMIN),
            new Route("PUT", "/v1/topics/{topic}", Operation.PUT_TOPIC, ADMIN),
            new Route("GET", "/v1/topics/{topic}", Operation.GET_TOPIC, ADMIN),
            new Route("DELETE", "/v1/topics/{topic}", Operation.DELETE_TOPIC, ADMIN),
            new Route("POST", "/v1/topics/{topic}/messages", Operation.PUBLISH, PUBLISH),
            new Route("GET", "/v1/topics/{topic}/subscriptions", Operation.LIST_SUBSCRIPTIONS, ADMIN),
            new Route("PUT", "/v1/topics/{topic}/subscriptions/{subscription}", Operation.PUT_SUBSCRIPTION, ADMIN),
            new Route("GET", "/v1/topics/{topic}/subscriptions/{subscription}", Operation.GET_SUBSCRIPTION, ADMIN),
            new Route(
                    "DELETE", "/v1/topics/{topic}/subscriptions/{subscription}", Operation.DELETE_SUBSCRIPTION, ADMIN),
            new Route("POST", "/", Operation.SQS, SQS),
            new Route("POST", "/{account}/{queue}", Operation.SQS_QUEUE, SQS));

    /** The resource paths of the table, each once, in the table's order. */
    public static final Set<String> PATHS =
            ALL.stream().map(Route::path).collect(Collectors.toCollection(LinkedHashSet::new));

    /** Each resource path's segments, split once. */
    private static final Map<String, List<String>> TEMPLATES =
            PATHS.stream().collect(Collectors.toMap(path -> path, Routes::segments));

    /** API Gateway's catch-all resource, which passes the rest of the path as the parameter {@code proxy}. */
    public static final String PROXY_PATH = "/{proxy+}";

    /**
     * A matched request: its route, the queue or topic it names, and below that the receipt handle,
     * consumer or subscription name, where present.
     */
    public record Match(Route route, String name, String child) {
        public Operation operation() {
            return route.operation();
        }
    }

    /** Matches method and path, or answers {@code NotFound} / {@code MethodNotAllowed}. */
    public static Match match(String method, String path) {
        return match(method, segments(path), path);
    }

    /**
     * Matches a request as API Gateway passed it on. Behind a custom domain its {@code path} starts with
     * the domain's base path (and may carry the stage), which no route knows; {@code resource}, the route
     * API Gateway matched, does not. So the route's part of the path is its last segments, as many as the
     * resource has, or, for the catch-all resource, as many as its {@code proxy} parameter has. An HTTP API
     * (payload format 1.0) passes its route key's path as the resource, and {@code $default} for its
     * catch-all route, which no route knows: then the whole path is matched (its stage is
     * {@code $default}, so the path carries no stage).
     */
    public static Match match(String method, String resource, String proxy, String path) {
        List<String> parts = segments(path);
        int routeSegments;
        if (resource != null && PATHS.contains(resource)) {
            routeSegments = segments(resource).size();
        } else if (PROXY_PATH.equals(resource) && proxy != null) {
            routeSegments = segments(proxy).size();
        } else {
            routeSegments = parts.size();
        }
        List<String> routePart = parts.subList(Math.max(0, parts.size() - routeSegments), parts.size());
        return match(method, routePart, path);
    }

    /**
     * Routes whose path starts with a literal segment win over those that start with a parameter (the SQS
     * queue URL {@code /{account}/{queue}}), as in API Gateway: {@code POST /v1/queues} is a 405, not an
     * SQS request for the queue {@code queues}. The table lists the parameter-first routes last. Such a
     * route matches only its own method: any other path of two segments stays a 404.
     */
    private static Match match(String method, List<String> parts, String path) {
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        boolean pathKnown = false;
        for (Route route : ALL) {
            if (pathKnown && route.path().startsWith("/{")) {
                break;
            }
            List<String> values = route.bind(parts);
            boolean fallback = route.path().startsWith("/{");
            if (values == null || (fallback && !route.method().equals(m))) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(m)) {
                Match match = new Match(
                        route, values.isEmpty() ? null : values.get(0), values.size() < 2 ? null : values.get(1));
                return userQueue(match);
            }
        }
        throw pathKnown ? notAllowed(m, path) : notFound(path);
    }

    /**
     * The one place that keeps requests off mq's internal queues (the endpoint delivery queue): the
     * delivery machinery calls the services directly, never through a route, so every request that
     * names such a queue in its path is refused here; names in request bodies are refused as they are
     * parsed ({@link Names#requireUserQueueName}), and listings leave them out.
     */
    private static Match userQueue(Match match) {
        if (match.name() != null && match.route().path().startsWith("/v1/queues/")) {
            Names.refuseInternal(match.name());
        }
        return match;
    }

    /**
     * The path's segments, percent-decoded: API Gateway's REST proxy (and the local server) pass the path
     * as sent, so a name is validated, and echoed in errors, as the caller wrote it ({@code bad name}, not
     * {@code bad%20name}). Split before decoding, so an encoded {@code /} stays inside its segment.
     */
    private static List<String> segments(String path) {
        List<String> parts = new ArrayList<>(6);
        if (path == null) {
            return parts;
        }
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                parts.add(segment.indexOf('%') < 0 ? segment : decode(segment));
            }
        }
        return parts;
    }

    private static String decode(String segment) {
        try {
            // URLDecoder is for forms, where + is a space; in a path it is itself
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw QueueException.invalid(
                    "malformed percent-encoding in the path segment '" + Names.printable(segment) + "'");
        }
    }

    private static QueueException notFound(String path) {
        return new QueueException(ErrorCode.NOT_FOUND, "no such resource: " + Names.printable(path));
    }

    private static QueueException notAllowed(String method, String path) {
        return new QueueException(
                ErrorCode.METHOD_NOT_ALLOWED, Names.printable(method) + " is not allowed on " + Names.printable(path));
    }
}
