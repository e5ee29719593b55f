package dev.mq.local;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mq.delivery.Signatures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A push consumer's endpoint on loopback, as an SQS handler would see its events: each is read as the
 * Lambda runtime reads an {@link SQSEvent} and answered as {@link #answers} says (an SQSBatchResponse's
 * JSON, a status, or holding the request until the endpoint closes). It counts the requests in flight.
 */
final class PushEndpoint implements AutoCloseable {
    static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, PushEndpoint.class.getClassLoader());

    record Answer(int status, String body, long delayMillis) {
        static final Answer OK = new Answer(200, "", 0);
        static final Answer HANG = new Answer(-1, null, 0);

        static Answer slowly(long millis) {
            return new Answer(200, "", millis);
        }
    }

    record Call(SQSEvent event, boolean signatureValid) {
        List<String> bodies() {
            return event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList();
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final String secret;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile Function<SQSEvent, Answer> answers = event -> Answer.OK;

    PushEndpoint(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/consumer";
    }

    /** The bodies of every record received, in the order the events came. */
    List<String> bodies() {
        return calls.stream().flatMap(call -> call.bodies().stream()).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        try {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            SQSEvent event = SQS_EVENTS.fromJson(new ByteArrayInputStream(raw));
            Answer answer = answers.apply(event);
            calls.add(new Call(
                    event,
                    Signatures.verify(secret, raw, exchange.getRequestHeaders().getFirst(Signatures.HEADER))));
            if (answer.status() < 0 || answer.delayMillis() > 0) {
                closing.await(answer.status() < 0 ? 30_000 : answer.delayMillis(), TimeUnit.MILLISECONDS);
            }
            if (answer.status() < 0) {
                return;
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
