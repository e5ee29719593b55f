package dev.mq.client;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs a handler written for SQS ({@link SQSEvent} in, {@link SQSBatchResponse} out) as a push consumer
 * of a queue, for tests and development: it listens on a loopback port, registers that address as an
 * endpoint consumer of the queue with a random secret, and for each delivery
 * <ul>
 *   <li>refuses a POST whose {@code X-Signature} is not the HMAC-SHA256 of its body with that secret
 *       ({@code 401}, compared in constant time);</li>
 *   <li>reads the body as the Lambda runtime reads an {@link SQSEvent}, calls the handler, and answers
 *       its {@link SQSBatchResponse} as JSON: the {@code batchItemFailures} come back after their
 *       visibility timeout, every other message is acknowledged (a {@code null} answer acknowledges
 *       all);</li>
 *   <li>answers {@code 500} when the handler throws, so the whole batch comes back.</li>
 * </ul>
 * {@link #close()} removes the consumer, lets the batches being handled finish, and stops listening.
 * The server must reach this process on loopback, so it is the local server (a deployment refuses
 * {@code http} endpoints: there, deploy the same handler as a Lambda function consumer).
 */
public final class PushConsumerHost implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PushConsumerHost.class.getName());
    private static final String SIGNATURE_HEADER = "X-Signature";
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long close() waits for the batches being handled; one not finished by then comes back later. */
    private static final long DRAIN_MILLIS = 10_000;

    private final MqClient client;
    private final String queue;
    private final String name;
    private final byte[] secret;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final PojoSerializer<SQSEvent> events;
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    private PushConsumerHost(Builder b, RequestHandler<SQSEvent, SQSBatchResponse> handler) throws IOException {
        this.client = b.client;
        this.queue = b.queue;
        this.name = b.name != null ? b.name : "host-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        String secretText = randomSecret();
        this.secret = secretText.getBytes(StandardCharsets.UTF_8);
        this.handler = handler;
        this.events = LambdaEventSerializers.serializerFor(SQSEvent.class, PushConsumerHost.class.getClassLoader());
        // one thread per batch the server may deliver at once: its maxConcurrency (5 by default)
        int concurrency = b.maxConcurrency != null ? b.maxConcurrency : 5;
        this.threads = Executors.newFixedThreadPool(Math.max(1, concurrency), runnable -> {
            Thread thread = new Thread(runnable, "push-consumer-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::deliver);
        server.setExecutor(threads);
        server.start();
        try {
            MqClient.Consumer consumer = MqClient.Consumer.toEndpoint(endpoint().toString(), secretText);
            if (b.batchSize != null) consumer = consumer.withBatchSize(b.batchSize);
            if (b.batchWindowSeconds != null) consumer = consumer.withBatchWindowSeconds(b.batchWindowSeconds);
            if (b.maxConcurrency != null) consumer = consumer.withMaxConcurrency(b.maxConcurrency);
            client.putConsumer(queue, name, consumer);
        } catch (RuntimeException e) {
            stopListening();
            throw e;
        }
    }

    /** A host for a consumer of {@code queue}, registered through {@code client}. */
    public static Builder builder(MqClient client, String queue) {
        return new Builder(client, queue);
    }

    /** Settings of the consumer; unset ones take the server's defaults. */
    public static final class Builder {
        private final MqClient client;
        private final String queue;
        private String name;
        private Integer batchSize;
        private Integer batchWindowSeconds;
        private Integer maxConcurrency;

        private Builder(MqClient client, String queue) {
            this.client = client;
            this.queue = queue;
        }

        /** The consumer's name on the queue; a random {@code host-...} one by default. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Messages per event, 1-10 (default 10). */
        public Builder batchSize(int messages) {
            this.batchSize = messages;
            return this;
        }

        /** How long delivery may wait to fill a batch, 0-20 s (default 0). */
        public Builder batchWindowSeconds(int seconds) {
            this.batchWindowSeconds = seconds;
            return this;
        }

        /** Batches handled at once, 1-100 (default 5). */
        public Builder maxConcurrency(int batches) {
            this.maxConcurrency = batches;
            return this;
        }

        /** Starts listening and registers the consumer: messages flow to {@code handler} from now on. */
        public PushConsumerHost start(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
            try {
                return new PushConsumerHost(this, handler);
            } catch (IOException e) {
                throw new UncheckedIOException("could not listen on a loopback port", e);
            }
        }

        /** {@link #start(RequestHandler)} for a handler that needs no Lambda {@link Context}. */
        public PushConsumerHost start(Function<SQSEvent, SQSBatchResponse> handler) {
            return start((event, context) -> handler.apply(event));
        }
    }

    /** The consumer's name on the queue. */
    public String name() {
        return name;
    }

    /** Where the server delivers: {@code http://127.0.0.1:<port>/}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void deliver(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            if (closing) {
                answer(exchange, 503, Map.of("error", "the consumer is closing"));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, Map.of("error", "deliveries are POSTs"));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!signedWithSecret(body, exchange.getRequestHeaders().getFirst(SIGNATURE_HEADER))) {
                answer(exchange, 401, Map.of("error", "X-Signature is not this consumer's signature of the body"));
                return;
            }
            SQSEvent event;
            try {
                event = events.fromJson(new ByteArrayInputStream(body));
            } catch (RuntimeException e) {
                answer(exchange, 400, Map.of("error", "the body is not an SQS event: " + e.getMessage()));
                return;
            }
            SQSBatchResponse response;
            try {
                response = handler.handleRequest(event, new DeliveryContext(name));
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, e, () -> "the handler of consumer " + name + " failed a batch");
                answer(exchange, 500, Map.of("error", "the handler failed: " + e));
                return;
            }
            answer(exchange, 200, Map.of("batchItemFailures", failures(response)));
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (inFlight) {
                    inFlight.notifyAll();
                }
            }
        }
    }

    private static List<Map<String, String>> failures(SQSBatchResponse response) {
        if (response == null || response.getBatchItemFailures() == null) {
            return List.of();
        }
        return response.getBatchItemFailures().stream()
                .map(failure -> Map.of("itemIdentifier", failure.getItemIdentifier()))
                .toList();
    }

    private static void answer(HttpExchange exchange, int status, Object json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** {@code sha256=} and the lowercase hex HMAC-SHA256 of the raw body, as the server signs it. */
    private boolean signedWithSecret(byte[] body, String header) {
        if (header == null) {
            return false;
        }
        String expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            expected = SIGNATURE_PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }

    private static String randomSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /**
     * Removes the consumer (nothing more is delivered), waits up to 10 s for the batches being handled,
     * and stops listening. A batch still running then is left to come back after its visibility timeout.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        try {
            client.deleteConsumer(queue, name);
        } catch (MqException.ConsumerNotFound | MqException.QueueNotFound gone) {
            // already gone with its queue, or removed by someone else: nothing more will come
        } finally {
            closing = true;
            long until = System.currentTimeMillis() + DRAIN_MILLIS;
            synchronized (inFlight) {
                long left;
                while (inFlight.get() > 0 && (left = until - System.currentTimeMillis()) > 0) {
                    try {
                        inFlight.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            stopListening();
        }
    }

    private void stopListening() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a Lambda handler may ask of its invocation, answered for a local delivery. */
    private static final class DeliveryContext implements Context {
        private final String consumer;
        private final String requestId = UUID.randomUUID().toString();

        DeliveryContext(String consumer) {
            this.consumer = consumer;
        }

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return null;
        }

        @Override
        public String getLogStreamName() {
            return null;
        }

        @Override
        public String getFunctionName() {
            return consumer;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return null;
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 0;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    LOG.info(message);
                }

                @Override
                public void log(byte[] message) {
                    LOG.info(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
