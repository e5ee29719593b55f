package dev.mq.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.mq.handlers.Priming;
import dev.mq.local.LocalLambdaContext;
import dev.mq.model.Json;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM, as Lambda starts one: builds one handler with the constructor Lambda calls,
 * optionally runs the SnapStart priming the snapshot would hold, answers one request, and prints the
 * times (and an API answer's status) as one JSON line. Arguments: handler class, {@code primed|unprimed}.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainStart = System.currentTimeMillis();
        String handlerClass = args[0];
        boolean primed = args[1].equals("primed");

        RequestHandler handler = (RequestHandler)
                Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        long initDone = System.currentTimeMillis();
        if (primed) {
            Priming.primeAll();
        }
        long primeDone = System.currentTimeMillis();
        Object answer = handler.handleRequest(
                event(handlerClass),
                new LocalLambdaContext(
                        "cold-start", handlerClass.substring(handlerClass.lastIndexOf('.') + 1), 300_000));
        long answered = System.currentTimeMillis();

        Map<String, Object> times = new LinkedHashMap<>();
        times.put("handler", handlerClass.substring(handlerClass.lastIndexOf('.') + 1));
        times.put("primed", primed);
        times.put("jvmToMainMs", mainStart - jvmStart);
        times.put("initMs", initDone - mainStart);
        times.put("primingMs", primeDone - initDone);
        times.put("firstRequestMs", answered - primeDone);
        times.put("totalMs", answered - jvmStart);
        if (answer instanceof APIGatewayProxyResponseEvent response) {
            times.put("status", response.getStatusCode());
            if (response.getStatusCode() >= 300) {
                System.out.println(response.getBody());
            }
        }
        System.out.println("COLDSTART " + Json.write(times));
        System.exit(0);
    }

    /** A request each handler really answers. */
    static Object event(String handlerClass) {
        String simple = handlerClass.substring(handlerClass.lastIndexOf('.') + 1);
        return switch (simple) {
            case "PublishHandler" -> api("POST", "/v1/queues/" + ColdStart.QUEUE + "/messages", "{\"body\":\"hello\"}");
            case "ReceiveHandler" -> api("POST", "/v1/queues/" + ColdStart.QUEUE + "/receive", "{}");
            case "AckHandler" ->
                api("POST", "/v1/queues/" + ColdStart.QUEUE + "/ack", "{\"receiptHandles\":[\"not-a-handle\"]}");
            case "AdminHandler" -> api("GET", "/v1/queues/" + ColdStart.QUEUE, null);
            case "FanoutHandler" -> {
                DynamodbEvent event = new DynamodbEvent();
                event.setRecords(List.of());
                yield event;
            }
            default -> Map.of("source", "aws.events", "detail-type", "Scheduled Event");
        };
    }

    static APIGatewayProxyRequestEvent api(String method, String path, String body) {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withPath(path)
                .withBody(body)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("cold-start"));
    }
}
