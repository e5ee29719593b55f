package dev.mq.delivery;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A push consumer's endpoint on loopback: reads each event as the Lambda runtime reads an
 * {@link SQSEvent}, checks its signature, and answers what {@link #answers} says. A {@link Answer#HANG}
 * answer holds the request until the receiver closes.
 */
final class PushReceiver implements AutoCloseable {
    static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, PushReceiver.class.getClassLoader());
    static final PojoSerializer<SQSBatchResponse> BATCH_RESPONSES =
            LambdaEventSerializers.serializerFor(SQSBatchResponse.class, PushReceiver.class.getClassLoader());

    record Answer(int status, String body) {
        static final Answer OK = new Answer(200, "");
        static final Answer HANG = new Answer(-1, null);

        /** What a handler answers by returning an {@link SQSBatchResponse}, serialized as the runtime does. */
        static Answer failures(List<String> messageIds) {
            SQSBatchResponse response = new SQSBatchResponse(messageIds.stream()
                    .map(SQSBatchResponse.BatchItemFailure::new)
                    .toList());
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            BATCH_RESPONSES.toJson(response, json);
            return new Answer(200, json.toString(StandardCharsets.UTF_8));
        }
    }

    /** One event as it arrived. */
    record Call(String raw, SQSEvent event, boolean signatureValid) {
        List<String> bodies() {
            return event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList();
        }
    }

    private final HttpServer server;
    private final String secret;
    private final CountDownLatch closing = new CountDownLatch(1);
    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile Function<SQSEvent, Answer> answers = event -> Answer.OK;

    PushReceiver(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/consumer";
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        SQSEvent event = SQS_EVENTS.fromJson(new ByteArrayInputStream(raw));
        calls.add(new Call(
                new String(raw, StandardCharsets.UTF_8),
                event,
                Signatures.verify(secret, raw, exchange.getRequestHeaders().getFirst(Signatures.HEADER))));
        Answer answer = answers.apply(event);
        if (answer.status() < 0) {
            try {
                closing.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
