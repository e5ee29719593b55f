package dev.mq.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.model.ErrorCode;
import dev.mq.model.Json;
import dev.mq.model.Responses.AckResponse;
import dev.mq.model.Responses.AckResult;
import dev.mq.model.Responses.BrowseResponse;
import dev.mq.model.Responses.ConsumerDescription;
import dev.mq.model.Responses.ConsumerList;
import dev.mq.model.Responses.QueueDescription;
import dev.mq.model.Responses.QueueList;
import dev.mq.model.Responses.QueueSummary;
import dev.mq.model.Responses.ReceiveResponse;
import dev.mq.model.Responses.ReceivedMessage;
import dev.mq.model.Responses.RedriveResponse;
import dev.mq.model.Responses.SendResponse;
import dev.mq.model.Responses.SendResult;
import dev.mq.model.Responses.SubscriptionDescription;
import dev.mq.model.Responses.SubscriptionList;
import dev.mq.model.Responses.TopicDescription;
import dev.mq.model.Responses.TopicList;
import dev.mq.model.Responses.TopicSummary;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The Java client of the mq HTTP API: every operation of docs/openapi.yaml, typed answers, and one exception type
 * per error code ({@link MqException} and its subclasses).
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Requests that are safe to repeat are retried by the {@link RetryPolicy} on {@code 429},
 *       {@code 503}, {@code 504}, timeouts and broken connections; others only when the connection never
 *       opened (a {@code 503} can follow a write whose answer was lost).</li>
 *   <li>A send or publish goes as given: without a {@code deduplicationId} it is a plain write (the
 *       cheapest, 1 write unit per KB) and a queue with {@code contentBasedDeduplication} deduplicates it
 *       by its body. Such a send is not safe to repeat, so after a lost answer or a {@code 5xx} the client
 *       does not retry it and throws {@link MqException.OutcomeUnknown}: it may or may not be stored.
 *       A send with a {@code deduplicationId} is retried like any safe request and stored once; it costs
 *       a transaction (4 write units for a 1 KB message instead of 1).
 *       {@link Builder#autoDeduplication(boolean)} gives every send a random id.</li>
 * </ul>
 * Thread-safe; share one client.
 */
public final class MqClient implements AutoCloseable {
    /** Where the local server listens by default. */
    public static final URI LOCAL_SERVER = URI.create("http://127.0.0.1:8080");

    private static final Pattern EXECUTE_API = Pattern.compile("\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com$");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String base;
    private final RequestAuth auth;
    private final RetryPolicy retry;
    private final boolean autoDeduplication;
    private final Duration timeout;
    private final HttpClient http;

    private MqClient(Builder b) {
        URI endpoint = checkEndpoint(b.endpoint);
        this.base = endpoint.toString().replaceAll("/+$", "");
        this.auth = b.auth != null ? b.auth : defaultAuth(endpoint, b.token);
        this.retry = b.retry;
        this.autoDeduplication = b.autoDeduplication;
        this.timeout = b.timeout;
        this.http = httpClient(endpoint);
    }

    private static HttpClient httpClient(URI endpoint) {
        // The client's own steps (reading the answer, completing the call) run on its selector thread
        // rather than being handed to a pool thread each: they never block, and on a 2-core machine the
        // hand-offs cost more CPU than the request itself (a request took about 240 µs of CPU, client and
        // local server together, with the default pool; about 140 µs this way).
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .executor(Runnable::run);
        if (endpoint.getScheme().equalsIgnoreCase("http")) {
            // Plain HTTP never needs TLS (redirects are not followed): a context that is never initialised
            // spares loading and parsing the JDK's trust store, a third of a short command's start-up.
            try {
                http.sslContext(SSLContext.getInstance("TLS")).sslParameters(new SSLParameters());
            } catch (NoSuchAlgorithmException e) {
                // no TLS in this JDK: the default context is the HTTP client's problem, not ours
            }
        }
        return http.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client of {@code MQ_ENDPOINT} (default: the local server), with {@code MQ_TOKEN} when set. */
    public static MqClient fromEnvironment() {
        String endpoint = System.getenv("MQ_ENDPOINT");
        return builder()
                .endpoint(endpoint == null || endpoint.isBlank() ? LOCAL_SERVER : parseEndpoint(endpoint))
                .token(System.getenv("MQ_TOKEN"))
                .build();
    }

    public static final class Builder {
        private URI endpoint = LOCAL_SERVER;
        private String token;
        private RequestAuth auth;
        private RetryPolicy retry = RetryPolicy.defaults();
        private boolean autoDeduplication = false;
        private Duration timeout = DEFAULT_TIMEOUT;

        /** The base URL: the local server, or an API Gateway stage URL ({@code https://…/prod}). */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** As {@link #endpoint(URI)}; a text that is no http(s) URL is refused with an example of one. */
        public Builder endpoint(String endpoint) {
            return endpoint(parseEndpoint(endpoint));
        }

        /** A bearer token for the local server; ignored when {@link #auth} is set. */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /**
         * How requests are signed. Default: SigV4 with the default AWS credentials for an
         * {@code execute-api} endpoint, the bearer token when one is given, otherwise nothing.
         */
        public Builder auth(RequestAuth auth) {
            this.auth = auth;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /**
         * Default off. On: every send and publish without a deduplication id gets a random one, so the
         * client may retry it after an unknown outcome and it is still stored once. The price: each such
         * send is a transaction (a 1 KB message costs 4 write units to send instead of 1, 6 instead of 3
         * from send to ack), and on a queue with {@code contentBasedDeduplication} the random id replaces
         * the body hash, so identical bodies are no longer deduplicated.
         */
        public Builder autoDeduplication(boolean on) {
            this.autoDeduplication = on;
            return this;
        }

        /** How long one request may take (a long poll's wait is added to it). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public MqClient build() {
            return new MqClient(this);
        }
    }

    /**
     * An endpoint as text, checked: an {@code http} or {@code https} URL with a host. Anything else is an
     * {@link IllegalArgumentException} whose message shows what a valid endpoint looks like.
     */
    public static URI parseEndpoint(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint.strip());
        } catch (URISyntaxException e) {
            throw badEndpoint(endpoint, e.getReason() + " at character " + (e.getIndex() + 1));
        }
        return checkEndpoint(uri);
    }

    private static URI checkEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw badEndpoint(endpoint.toString(), "it needs http:// or https://");
        }
        if (endpoint.getHost() == null) {
            throw badEndpoint(endpoint.toString(), "it names no host");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw badEndpoint(endpoint.toString(), "a base URL has no ?query or #fragment");
        }
        return endpoint;
    }

    private static IllegalArgumentException badEndpoint(String endpoint, String why) {
        // "localhost:8080" parses as scheme "localhost": the likeliest fix is the same text with http://
        String example =
                endpoint.contains("://") || endpoint.isBlank() ? LOCAL_SERVER.toString() : "http://" + endpoint.strip();
        return new IllegalArgumentException(
                "endpoint '" + endpoint + "' is not a valid URL (" + why + "): give one like " + example
                        + ", or https://ID.execute-api.REGION.amazonaws.com/STAGE for a deployment");
    }

    /** The region of an {@code execute-api} host name, or null. */
    public static String regionOf(URI endpoint) {
        var matcher = EXECUTE_API.matcher(endpoint.getHost() == null ? "" : endpoint.getHost());
        return matcher.find() ? matcher.group(1) : null;
    }

    private static RequestAuth defaultAuth(URI endpoint, String token) {
        String region = regionOf(endpoint);
        if (region != null) {
            return RequestAuth.sigV4(region);
        }
        return token != null ? RequestAuth.bearer(token) : RequestAuth.none();
    }

    /** A created resource, and whether this call created it (201) or it existed already (200). */
    public record Created<T>(T value, boolean created) {}

    // ================================================================ queues

    public Created<QueueDescription> createQueue(String name) {
        return createQueue(name, Map.of());
    }

    /** Creates a queue with the attributes of docs/openapi.yaml, e.g. {@code Map.of("visibilityTimeoutSeconds", 60)}. */
    public Created<QueueDescription> createQueue(String name, Map<String, ?> attributes) {
        Answer answer = call("PUT", queuePath(name), attributes, true);
        return new Created<>(answer.as(QueueDescription.class), answer.status == 201);
    }

    /** The queue with its stats (approximate under load). */
    public QueueDescription getQueue(String name) {
        return call("GET", queuePath(name), null, true).as(QueueDescription.class);
    }

    /** Changes the named attributes; {@code deadLetterQueue: null} removes the dead-letter queue. */
    public QueueDescription updateQueue(String name, Map<String, ?> changes) {
        return call("PATCH", queuePath(name), changes, true).as(QueueDescription.class);
    }

    /** One page of queues sorted by name; {@code prefix}, {@code limit} and {@code next} may be null. */
    public QueueList listQueues(String prefix, Integer limit, String next) {
        return call("GET", "/v1/queues" + query("prefix", prefix, "limit", limit, "next", next), null, true)
                .as(QueueList.class);
    }

    /** Every queue whose name starts with {@code prefix}, page after page. */
    public List<QueueSummary> listAllQueues(String prefix) {
        List<QueueSummary> all = new ArrayList<>();
        String next = null;
        do {
            QueueList page = listQueues(prefix, 1000, next);
            all.addAll(page.queues());
            next = page.next();
        } while (next != null);
        return all;
    }

    public void deleteQueue(String name) {
        call("DELETE", queuePath(name), null, true);
    }

    public void purgeQueue(String name) {
        call("POST", queuePath(name) + "/purge", null, true);
    }

    // ================================================================ messages

    public SendResult send(String queue, String body) {
        return send(queue, Message.of(body));
    }

    /** Sends one message; a refusal is thrown (e.g. {@link MqException.PayloadTooLarge}). */
    public SendResult send(String queue, Message message) {
        Message m = withDeduplication(message);
        return call("POST", queuePath(queue) + "/messages", wire(m), m.deduplicationId() != null)
                .as(SendResponse.class)
                .results()
                .get(0);
    }

    /**
     * Sends up to 10 messages in one request. Results come in order; an entry the server refused carries
     * its {@code error} and the others are still sent.
     */
    public List<SendResult> sendBatch(String queue, List<Message> messages) {
        return batch(queuePath(queue) + "/messages", messages);
    }

    public List<ReceivedMessage> receive(String queue, int maxMessages, int waitSeconds) {
        return receive(queue, maxMessages, waitSeconds, null);
    }

    /**
     * Receives up to {@code maxMessages} (1..10), waiting up to {@code waitSeconds} (0..20) for the first;
     * each is leased for {@code visibilityTimeoutSeconds} (null: the queue's setting).
     */
    public List<ReceivedMessage> receive(
            String queue, int maxMessages, int waitSeconds, Integer visibilityTimeoutSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("maxMessages", maxMessages);
        body.put("waitSeconds", waitSeconds);
        if (visibilityTimeoutSeconds != null) {
            body.put("visibilityTimeoutSeconds", visibilityTimeoutSeconds);
        }
        // A lost answer only leaves its messages leased until their timeout: safe to retry.
        return call("POST", queuePath(queue) + "/receive", body, true, timeout.plusSeconds(waitSeconds))
                .as(ReceiveResponse.class)
                .messages();
    }

    /** Deletes a received message. Acking one already gone is fine; a lease taken over is {@code LeaseLost}. */
    public void ack(String queue, String receiptHandle) {
        call("DELETE", queuePath(queue) + "/messages/" + segment(receiptHandle), null, true);
    }

    /** Acks up to 10 handles; each result says ok or carries its error. */
    public List<AckResult> ackBatch(String queue, List<String> receiptHandles) {
        return call("POST", queuePath(queue) + "/ack", Map.of("receiptHandles", receiptHandles), true)
                .as(AckResponse.class)
                .results();
    }

    /** Extends or shortens a lease; 0 gives the message back at once (negative acknowledgement). */
    public void changeVisibility(String queue, String receiptHandle, int visibilityTimeoutSeconds) {
        call(
                "POST",
                queuePath(queue) + "/visibility",
                Map.of("receiptHandle", receiptHandle, "visibilityTimeoutSeconds", visibilityTimeoutSeconds),
                true);
    }

    /** One page of the queue's messages in send order, without leasing them. */
    public BrowseResponse browse(String queue, Integer limit, String next) {
        return call("GET", queuePath(queue) + "/messages" + query("limit", limit, "next", next), null, true)
                .as(BrowseResponse.class);
    }

    /**
     * Moves messages out of a dead-letter queue, to {@code destination} or (null) where each came from;
     * answers how many moved. Not repeated after an unknown outcome: a repeat could move more.
     */
    public int redrive(String queue, String destination, Integer maxMessages) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (destination != null) {
            body.put("destination", destination);
        }
        if (maxMessages != null) {
            body.put("maxMessages", maxMessages);
        }
        return call("POST", queuePath(queue) + "/redrive", body, false)
                .as(RedriveResponse.class)
                .moved();
    }

    // ================================================================ push consumers

    /**
     * Creates a push consumer of the queue: {@code created} when new, not created when one of that name
     * exists with the same settings; {@link MqException.ConsumerAlreadyExists} when its settings differ
     * (delete it first to change it). Safe to repeat.
     */
    public Created<ConsumerDescription> putConsumer(String queue, String name, Consumer consumer) {
        Answer answer = call("PUT", consumerPath(queue, name), consumer.wire(), true);
        return new Created<>(answer.as(ConsumerDescription.class), answer.status == 201);
    }

    /** The consumer, never its secret; {@link MqException.ConsumerNotFound} when there is none. */
    public ConsumerDescription getConsumer(String queue, String name) {
        return call("GET", consumerPath(queue, name), null, true).as(ConsumerDescription.class);
    }

    /** One page of the queue's consumers sorted by name; {@code limit} and {@code next} may be null. */
    public ConsumerList listConsumers(String queue, Integer limit, String next) {
        return call("GET", queuePath(queue) + "/consumers" + query("limit", limit, "next", next), null, true)
                .as(ConsumerList.class);
    }

    /** Every consumer of the queue, page after page. */
    public List<ConsumerDescription> listAllConsumers(String queue) {
        List<ConsumerDescription> all = new ArrayList<>();
        String next = null;
        do {
            ConsumerList page = listConsumers(queue, 1000, next);
            all.addAll(page.consumers());
            next = page.next();
        } while (next != null);
        return all;
    }

    /** Deletes the consumer; {@link MqException.ConsumerNotFound} when there is none. */
    public void deleteConsumer(String queue, String name) {
        call("DELETE", consumerPath(queue, name), null, true);
    }

    // ================================================================ topics

    public Created<TopicDescription> createTopic(String name) {
        Answer answer = call("PUT", "/v1/topics/" + segment(name), null, true);
        return new Created<>(answer.as(TopicDescription.class), answer.status == 201);
    }

    public TopicDescription getTopic(String name) {
        return call("GET", "/v1/topics/" + segment(name), null, true).as(TopicDescription.class);
    }

    public TopicList listTopics(Integer limit, String next) {
        return call("GET", "/v1/topics" + query("limit", limit, "next", next), null, true)
                .as(TopicList.class);
    }

    /** Every topic, page after page. */
    public List<TopicSummary> listAllTopics() {
        List<TopicSummary> all = new ArrayList<>();
        String next = null;
        do {
            TopicList page = listTopics(1000, next);
            all.addAll(page.topics());
            next = page.next();
        } while (next != null);
        return all;
    }

    public void deleteTopic(String name) {
        call("DELETE", "/v1/topics/" + segment(name), null, true);
    }

    public SendResult publish(String topic, String body) {
        return publish(topic, Message.of(body));
    }

    /** Publishes one message to every matching subscription. */
    public SendResult publish(String topic, Message message) {
        Message m = withDeduplication(message);
        return call("POST", "/v1/topics/" + segment(topic) + "/messages", wire(m), m.deduplicationId() != null)
                .as(SendResponse.class)
                .results()
                .get(0);
    }

    public List<SendResult> publishBatch(String topic, List<Message> messages) {
        return batch("/v1/topics/" + segment(topic) + "/messages", messages);
    }

    /** Creates or replaces a subscription. */
    public Created<SubscriptionDescription> subscribe(String topic, String name, Subscription subscription) {
        Answer answer = call("PUT", subscriptionPath(topic, name), subscription.wire(), true);
        return new Created<>(answer.as(SubscriptionDescription.class), answer.status == 201);
    }

    public SubscriptionDescription getSubscription(String topic, String name) {
        return call("GET", subscriptionPath(topic, name), null, true).as(SubscriptionDescription.class);
    }

    public SubscriptionList listSubscriptions(String topic, Integer limit, String next) {
        return call(
                        "GET",
                        "/v1/topics/" + segment(topic) + "/subscriptions" + query("limit", limit, "next", next),
                        null,
                        true)
                .as(SubscriptionList.class);
    }

    /** Every subscription of a topic, page after page. */
    public List<SubscriptionDescription> listAllSubscriptions(String topic) {
        List<SubscriptionDescription> all = new ArrayList<>();
        String next = null;
        do {
            SubscriptionList page = listSubscriptions(topic, 1000, next);
            all.addAll(page.subscriptions());
            next = page.next();
        } while (next != null);
        return all;
    }

    public void unsubscribe(String topic, String name) {
        call("DELETE", subscriptionPath(topic, name), null, true);
    }

    /**
     * {@code GET /health}: true when the back end answers; false when the server cannot be reached or
     * answers that it (or its store) is unavailable, after the usual retries. An answer that points at a
     * mistake rather than an outage (a wrong token {@code 401}, {@code 403}, a URL that is no mq API
     * {@code 404}) is thrown, as false would hide it.
     */
    public boolean health() {
        try {
            return "ok"
                    .equals(call("GET", "/health", null, true)
                            .json()
                            .path("status")
                            .asText());
        } catch (MqException.Unavailable
                | MqException.Timeout
                | MqException.InternalError
                | MqException.Throttled down) {
            return false;
        }
    }

    @Override
    public void close() {
        // java.net.http.HttpClient frees its threads when it is no longer referenced (close() is JDK 21+)
    }

    // ================================================================ subscriptions

    /**
     * What a subscription delivers to: a standard queue, or an HTTPS endpoint with the HMAC secret its
     * deliveries are signed with; optionally a filter, on message attributes or (with
     * {@link FilterScope#BODY}) on the JSON message body, and a dead-letter queue.
     */
    public record Subscription(
            String queue,
            String endpoint,
            String secret,
            Map<String, ?> filter,
            FilterScope filterScope,
            String deadLetterQueue) {
        public static Subscription toQueue(String queue) {
            return new Subscription(queue, null, null, null, null, null);
        }

        public static Subscription toEndpoint(String url, String secret) {
            return new Subscription(null, url, secret, null, null, null);
        }

        /** An SNS-style filter, e.g. {@code Map.of("type", List.of("order"))}. */
        public Subscription withFilter(Map<String, ?> filter) {
            return new Subscription(queue, endpoint, secret, filter, filterScope, deadLetterQueue);
        }

        /** What the filter matches: the attributes (the default) or the message body read as JSON. */
        public Subscription withFilterScope(FilterScope scope) {
            return new Subscription(queue, endpoint, secret, filter, scope, deadLetterQueue);
        }

        public Subscription withDeadLetterQueue(String queue) {
            return new Subscription(this.queue, endpoint, secret, filter, filterScope, queue);
        }

        Map<String, Object> wire() {
            Map<String, Object> body = new LinkedHashMap<>();
            putIfSet(body, "queue", queue);
            putIfSet(body, "endpoint", endpoint);
            putIfSet(body, "secret", secret);
            putIfSet(body, "filter", filter);
            putIfSet(body, "filterScope", filterScope == null ? null : filterScope.wireName());
            putIfSet(body, "deadLetterQueue", deadLetterQueue);
            return body;
        }
    }

    /**
     * What a push consumer is: a Lambda function the queue invokes with batches of messages (an
     * SQS-shaped event), or an HTTPS endpoint that gets the same event as a POST signed with the secret;
     * optionally its batch size (1-10, default 10), batch window (0-20 s, default 0) and maximum
     * concurrency (1-100, default 5). Null settings take the server's defaults.
     */
    public record Consumer(
            String function,
            String endpoint,
            String secret,
            Integer batchSize,
            Integer batchWindowSeconds,
            Integer maxConcurrency) {
        /** A Lambda function, by ARN: {@code arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]}. */
        public static Consumer toFunction(String functionArn) {
            return new Consumer(functionArn, null, null, null, null, null);
        }

        /** An endpoint, and the HMAC key (1-256 characters) its POSTs are signed with. */
        public static Consumer toEndpoint(String url, String secret) {
            return new Consumer(null, url, secret, null, null, null);
        }

        public Consumer withBatchSize(int messages) {
            return new Consumer(function, endpoint, secret, messages, batchWindowSeconds, maxConcurrency);
        }

        public Consumer withBatchWindowSeconds(int seconds) {
            return new Consumer(function, endpoint, secret, batchSize, seconds, maxConcurrency);
        }

        public Consumer withMaxConcurrency(int batches) {
            return new Consumer(function, endpoint, secret, batchSize, batchWindowSeconds, batches);
        }

        Map<String, Object> wire() {
            Map<String, Object> body = new LinkedHashMap<>();
            putIfSet(body, "function", function);
            putIfSet(body, "endpoint", endpoint);
            putIfSet(body, "secret", secret);
            putIfSet(body, "batchSize", batchSize);
            putIfSet(body, "batchWindowSeconds", batchWindowSeconds);
            putIfSet(body, "maxConcurrency", maxConcurrency);
            return body;
        }
    }

    /** What a subscription's filter is matched against; SNS's {@code FilterPolicyScope}. */
    public enum FilterScope {
        /** The message attributes (SNS's {@code MessageAttributes}); the default. */
        ATTRIBUTES("attributes"),
        /** The message body, read as a JSON object; a body that is not one never matches (SNS's {@code MessageBody}). */
        BODY("body");

        private final String wireName;

        FilterScope(String wireName) {
            this.wireName = wireName;
        }

        /** As the API names it: {@code attributes} or {@code body}. */
        public String wireName() {
            return wireName;
        }
    }

    // ================================================================ the wire

    private List<SendResult> batch(String path, List<Message> messages) {
        List<Map<String, Object>> entries = new ArrayList<>();
        boolean allDeduplicated = true;
        for (Message message : messages) {
            Message m = withDeduplication(message);
            allDeduplicated &= m.deduplicationId() != null;
            entries.add(wire(m));
        }
        return call("POST", path, Map.of("messages", entries), allDeduplicated)
                .as(SendResponse.class)
                .results();
    }

    private Message withDeduplication(Message message) {
        return autoDeduplication && message.deduplicationId() == null
                ? message.withDeduplicationId(UUID.randomUUID().toString())
                : message;
    }

    private static Map<String, Object> wire(Message m) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("body", m.body());
        if (!m.attributes().isEmpty()) {
            body.put("attributes", m.attributes());
        }
        if (!m.attributeTypes().isEmpty()) {
            body.put("attributeTypes", m.attributeTypes());
        }
        putIfSet(body, "delaySeconds", m.delaySeconds());
        putIfSet(body, "deliverAt", m.deliverAt() == null ? null : m.deliverAt().toString());
        putIfSet(body, "deduplicationId", m.deduplicationId());
        putIfSet(body, "groupId", m.groupId());
        return body;
    }

    private static void putIfSet(Map<String, Object> body, String name, Object value) {
        if (value != null) {
            body.put(name, value);
        }
    }

    private static String queuePath(String queue) {
        return "/v1/queues/" + segment(queue);
    }

    private static String consumerPath(String queue, String name) {
        return queuePath(queue) + "/consumers/" + segment(name);
    }

    private static String subscriptionPath(String topic, String name) {
        return "/v1/topics/" + segment(topic) + "/subscriptions/" + segment(name);
    }

    /** Percent-encodes a path segment (names and receipt handles are URL-safe; anything else is escaped). */
    static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String query(Object... namesAndValues) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value != null && !value.toString().isEmpty()) {
                q.append(q.length() == 0 ? '?' : '&')
                        .append(namesAndValues[i])
                        .append('=')
                        .append(segment(value.toString()));
            }
        }
        return q.toString();
    }

    /** A 2xx answer, and what to say when it turns out not to be the API's. */
    private record Answer(int status, String body, Supplier<MqException> notTheApi) {
        <T> T as(Class<T> type) {
            try {
                return Json.MAPPER
                        .readerFor(type)
                        .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(body);
            } catch (JsonProcessingException e) {
                throw notTheApi.get();
            }
        }

        JsonNode json() {
            return as(JsonNode.class);
        }
    }

    private Answer call(String method, String path, Object body, boolean safeToRepeat) {
        return call(method, path, body, safeToRepeat, timeout);
    }

    /**
     * One operation with its retries. {@code safeToRepeat}: the operation may run twice without harm
     * (idempotent, or a send whose every message has a deduplication id).
     */
    private Answer call(String method, String path, Object body, boolean safeToRepeat, Duration requestTimeout) {
        String text = body == null ? null : Json.write(body);
        URI uri = URI.create(base + path);
        for (int attempt = 1; ; attempt++) {
            MqException failure;
            Duration retryAfter = null;
            try {
                HttpResponse<String> response = send(method, uri, text, requestTimeout);
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return new Answer(status, response.body(), () -> notTheApi(method, path, response));
                }
                failure = error(method, path, response);
                retryAfter = response.headers()
                        .firstValue("Retry-After")
                        .map(MqClient::seconds)
                        .orElse(null);
                // 429 and 503 usually mean nothing was done, but a store call whose answer was lost also
                // ends as 503: only a request that is safe to repeat is retried on an error answer
                if (!safeToRepeat && status >= 500) {
                    throw outcomeUnknown(method, path, failure);
                }
                if (!safeToRepeat || !(status == 429 || status == 503 || status == 504)) {
                    throw failure;
                }
            } catch (ConnectException notOpened) {
                failure = noAnswer(method, path, notOpened);
            } catch (IOException broken) {
                failure = noAnswer(method, path, broken);
                if (!safeToRepeat) {
                    throw outcomeUnknown(method, path, failure); // the server may have acted: repeating could act twice
                }
            }
            if (attempt >= retry.maxAttempts()) {
                throw failure;
            }
            sleep(retry.pauseAfter(attempt, retryAfter));
        }
    }

    private static MqException.OutcomeUnknown outcomeUnknown(String method, String path, MqException failure) {
        return new MqException.OutcomeUnknown(
                "outcome unknown: " + failure.getMessage() + ". " + method + " " + path
                        + " may or may not have been done and was not repeated, as a repeat could do it twice"
                        + " (a send with a deduplicationId is safe to retry)",
                failure);
    }

    private HttpResponse<String> send(String method, URI uri, String body, Duration requestTimeout) throws IOException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", "application/json");
        auth.apply(request, method, uri, body);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MqException.ConnectionFailed("interrupted", e);
        }
    }

    /** What a request that got no answer ran into, in words: the JDK's exceptions often carry none. */
    private MqException.ConnectionFailed noAnswer(String method, String path, IOException e) {
        String why;
        if (causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class)) {
            why = "cannot connect to " + base + ": the host " + URI.create(base).getHost() + " does not resolve";
        } else if (e instanceof HttpConnectTimeoutException) {
            why = "cannot connect to " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s"
                    + (base.startsWith("https:") ? " (is it a plain-HTTP server? then use http://)" : "");
        } else if (e instanceof ConnectException) {
            why = "cannot connect to " + base + ": " + (e.getMessage() == null ? "connection refused" : e.getMessage());
        } else if (e instanceof SSLException) {
            why = "cannot connect to " + base + ": TLS failed (" + e.getMessage() + ")";
        } else if (e instanceof HttpTimeoutException) {
            why = method + " " + base + path + ": no answer in time";
        } else {
            why = method + " " + base + path + ": the connection broke ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
        }
        return new MqException.ConnectionFailed(why, e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private MqException error(String method, String path, HttpResponse<String> response) {
        String requestId = response.headers().firstValue("X-Request-Id").orElse(null);
        int status = response.statusCode();
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body() == null ? "" : response.body());
        } catch (JsonProcessingException notJson) {
            return notTheApi(method, path, response);
        }
        JsonNode error = answer == null ? null : answer.path("error");
        if (error != null && error.path("code").isTextual()) {
            try {
                return MqException.of(
                        ErrorCode.fromCode(error.path("code").asText()),
                        status,
                        error.path("message").asText(),
                        requestId);
            } catch (IllegalArgumentException newerCode) {
                return MqException.of(
                        codeOf(status),
                        status,
                        error.path("code").asText() + ": "
                                + error.path("message").asText(),
                        requestId);
            }
        }
        // API Gateway answers for itself (no route, IAM refused, throttled) as {"message": "..."}, with its
        // request id in x-amzn-RequestId (REST API) or apigw-requestid (HTTP API)
        if (answer != null && answer.path("message").isTextual()) {
            return MqException.of(
                    codeOf(status),
                    status,
                    "API Gateway: " + answer.path("message").asText(),
                    response.headers()
                            .firstValue("x-amzn-RequestId")
                            .or(() -> response.headers().firstValue("apigw-requestid"))
                            .orElse(requestId));
        }
        return notTheApi(method, path, response);
    }

    /**
     * An answer from another server than the mq API: a web page, or a proxy's or gateway's error. Its
     * code follows the status, so a gateway's 503 is still {@code Unavailable} (and retried).
     */
    private MqException notTheApi(String method, String path, HttpResponse<String> response) {
        int status = response.statusCode();
        String type = response.headers()
                .firstValue("Content-Type")
                .map(t -> t.split(";")[0].strip())
                .orElse("no content type");
        String answered = " answered " + status + " with " + type;
        String message = status >= 500
                ? method + " " + base + path + answered + ", not the mq API's JSON: a proxy or gateway in front of"
                        + " it failed, or it is no mq API"
                : base + " is not an mq API: " + method + " " + path + answered
                        + ", not the API's JSON (check the endpoint)";
        return MqException.notFromApi(
                status / 100 == 2 ? ErrorCode.NOT_FOUND : codeOf(status),
                status,
                message,
                response.headers().firstValue("X-Request-Id").orElse(null));
    }

    /** The code an error status suggests when the answer does not name one. */
    private static ErrorCode codeOf(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 429 -> ErrorCode.THROTTLED;
            case 503, 502 -> ErrorCode.UNAVAILABLE;
            case 504 -> ErrorCode.TIMEOUT;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        };
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.max(0, Math.min(60, Long.parseLong(retryAfter.strip()))));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MqException.ConnectionFailed("interrupted while waiting to retry", e);
        }
    }
}
