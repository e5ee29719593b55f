package dev.mq.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.handlers.AckHandler;
import dev.mq.handlers.PublishHandler;
import dev.mq.handlers.ReceiveHandler;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long a warm function takes per invocation: the handlers called in-process with API Gateway events,
 * against DynamoDB Local (whose latency differs from DynamoDB's). The median feeds the Lambda duration cost.
 */
final class WarmHandlers {
    private WarmHandlers() {}

    static Map<String, Double> medians(QueueService service, TopicService topics, int rounds) {
        String queue = "bench-warm";
        service.createQueue(queue, QueueAttributes.defaults());
        PublishHandler publish = new PublishHandler(service, topics);
        ReceiveHandler receive = new ReceiveHandler(service);
        AckHandler ack = new AckHandler(service);
        String one = Json.write(Map.of("body", Lifecycle.BODY));
        List<Map<String, String>> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(Map.of("body", Lifecycle.BODY));
        }
        String batch = Json.write(Map.of("messages", ten));

        List<Double> send = new ArrayList<>();
        List<Double> send10 = new ArrayList<>();
        List<Double> receive1 = new ArrayList<>();
        List<Double> receive10 = new ArrayList<>();
        List<Double> ack1 = new ArrayList<>();
        List<Double> ack10 = new ArrayList<>();
        for (int i = 0; i < rounds + 3; i++) { // the first 3 rounds warm the JIT and are not counted
            boolean counted = i >= 3;
            timed(
                    counted ? send : null,
                    () -> publish.handleRequest(event("POST", "/v1/queues/" + queue + "/messages", one), null));
            JsonNode got = Json.parseObject(timed(
                            counted ? receive1 : null,
                            () -> receive.handleRequest(event("POST", "/v1/queues/" + queue + "/receive", "{}"), null))
                    .getBody());
            String handle = got.at("/messages/0/receiptHandle").asText();
            timed(
                    counted ? ack1 : null,
                    () -> ack.handleRequest(
                            event("DELETE", "/v1/queues/" + queue + "/messages/" + handle, null), null));

            timed(
                    counted ? send10 : null,
                    () -> publish.handleRequest(event("POST", "/v1/queues/" + queue + "/messages", batch), null));
            List<String> handles = new ArrayList<>();
            while (handles.size() < 10) {
                JsonNode page = Json.parseObject(timed(
                                handles.isEmpty() && counted ? receive10 : null,
                                () -> receive.handleRequest(
                                        event("POST", "/v1/queues/" + queue + "/receive", "{\"maxMessages\":10}"),
                                        null))
                        .getBody());
                page.get("messages")
                        .forEach(m -> handles.add(m.get("receiptHandle").asText()));
            }
            timed(
                    counted ? ack10 : null,
                    () -> ack.handleRequest(
                            event(
                                    "POST",
                                    "/v1/queues/" + queue + "/ack",
                                    Json.write(Map.of("receiptHandles", handles))),
                            null));
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        medians.put("send", median(send));
        medians.put("receive", median(receive1));
        medians.put("ack", median(ack1));
        medians.put("send10", median(send10));
        medians.put("receive10", median(receive10));
        medians.put("ack10", median(ack10));
        return medians;
    }

    private static <T> T timed(List<Double> into, java.util.function.Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        if (into != null) {
            into.add((System.nanoTime() - start) / 1e6);
        }
        return result;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = values.stream().sorted().toList();
        return Math.round(sorted.get(sorted.size() / 2) * 100) / 100.0;
    }

    private static APIGatewayProxyRequestEvent event(String method, String path, String body) {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withPath(path)
                .withBody(body)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("bench"));
    }
}
