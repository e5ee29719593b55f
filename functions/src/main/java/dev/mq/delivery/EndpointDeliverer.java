package dev.mq.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One delivery attempt: a POST of the payload with its {@code X-Signature}. Only a 2xx answer counts as
 * delivered. Redirects are never followed (a 3xx is a failure: following one could lead a delivery to
 * an address the endpoint check refused), the connection and the answer each have a time limit, and the
 * answer's body is never read by {@link #post}; {@link #exchange} reads a bounded one.
 */
public final class EndpointDeliverer {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;
    private final Duration requestTimeout;
    /** Beyond the client's own limits, so an attempt always ends even if they do not fire. */
    private final Duration overallTimeout;

    public EndpointDeliverer() {
        this(CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    public EndpointDeliverer(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.requestTimeout = requestTimeout;
        this.overallTimeout = connectTimeout.plus(requestTimeout).plusSeconds(5);
    }

    /**
     * What an attempt came to. {@code detail} says why it failed (an HTTP status or the kind of network
     * error), never anything of the payload or the secret, so it may be logged.
     */
    public record Outcome(boolean delivered, String detail) {
        static Outcome failed(String detail) {
            return new Outcome(false, detail);
        }
    }

    /** The attempt's longest possible duration, for a lease to cover. */
    public Duration longestAttempt() {
        return overallTimeout;
    }

    /** Posts {@code body}; the future always completes normally, with the outcome. */
    public CompletableFuture<Outcome> post(URI endpoint, byte[] body, String signature) {
        HttpRequest request;
        try {
            request = request(endpoint, body, signature);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Outcome.failed("unusable endpoint URL"));
        }
        // The future completes once the status and headers are in; closing the body's stream unread
        // drops the connection, so a receiver that answers slowly cannot hold an attempt open.
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(EndpointDeliverer::outcome)
                .orTimeout(overallTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionally(EndpointDeliverer::failure);
    }

    /**
     * What an exchange came to: the status and the answer's body, or, when there was no answer (or one
     * longer than allowed), {@code failure} saying why, as {@link Outcome#detail} does.
     */
    public record Exchange(int status, byte[] answer, String failure) {
        public boolean answered2xx() {
            return failure == null && status >= 200 && status < 300;
        }
    }

    /**
     * Posts {@code body} as {@link #post} does (same signature, limits, no redirects), and reads the
     * answer's body, up to {@code maxAnswerBytes}: for a receiver whose answer means something (a push
     * consumer's batch response). The future always completes normally.
     */
    public CompletableFuture<Exchange> exchange(URI endpoint, byte[] body, String signature, int maxAnswerBytes) {
        HttpRequest request;
        try {
            request = request(endpoint, body, signature);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Exchange(0, null, "unusable endpoint URL"));
        }
        return client.sendAsync(request, info -> new LimitedBody(maxAnswerBytes))
                .thenApply(response -> new Exchange(response.statusCode(), response.body(), null))
                .orTimeout(overallTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionally(thrown -> new Exchange(
                        0,
                        null,
                        tooLong(thrown) ? "answer too long" : failure(thrown).detail()));
    }

    private HttpRequest request(URI endpoint, byte[] body, String signature) {
        return HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header(Signatures.HEADER, signature)
                .header("User-Agent", "mq-endpoint-delivery/1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** Collects a body of at most {@code max} bytes; a longer one is cut off and fails the exchange. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.util.List<java.nio.ByteBuffer> items) {
            for (java.nio.ByteBuffer item : items) {
                if (bytes.size() + item.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new AnswerTooLong());
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

    private static final class AnswerTooLong extends IOException {
        AnswerTooLong() {
            super("the answer is longer than allowed");
        }
    }

    private static Outcome outcome(HttpResponse<InputStream> response) {
        try (InputStream ignored = response.body()) {
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Outcome(true, "HTTP " + status);
            }
            return Outcome.failed(
                    status >= 300 && status < 400
                            ? "HTTP " + status + " (redirects are not followed)"
                            : "HTTP " + status);
        } catch (IOException e) {
            return Outcome.failed("HTTP " + response.statusCode());
        }
    }

    private static boolean tooLong(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof AnswerTooLong) {
                return true;
            }
        }
        return false;
    }

    private static Outcome failure(Throwable thrown) {
        Throwable cause =
                thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (cause instanceof HttpConnectTimeoutException) {
            return Outcome.failed("connect timed out");
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return Outcome.failed("no answer in time");
        }
        if (cause instanceof ConnectException) {
            return Outcome.failed("connection refused or unreachable");
        }
        return Outcome.failed(cause.getClass().getSimpleName());
    }
}
