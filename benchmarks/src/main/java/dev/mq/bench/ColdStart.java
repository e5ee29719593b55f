package dev.mq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.core.QueueService;
import dev.mq.model.Json;
import dev.mq.model.QueueAttributes;
import dev.mq.store.Tables;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of each Lambda handler: a fresh JVM per measurement ({@link ColdStartProbe}), with the
 * flags Lambda's Java runtime uses (tiered compilation stopped at C1), against DynamoDB Local.
 */
final class ColdStart {
    static final String QUEUE = "bench-cold-start";
    static final List<String> HANDLERS = List.of(
            "PublishHandler",
            "ReceiveHandler",
            "AckHandler",
            "AdminHandler",
            "FanoutHandler",
            "DeliveryHandler",
            "MetricsHandler");

    private ColdStart() {}

    /** One handler's times, unprimed (a plain cold start) and primed (what SnapStart restores). */
    record Times(
            String handler,
            long unprimedTotalMs,
            long unprimedInitMs,
            long unprimedFirstRequestMs,
            long primedFirstRequestMs,
            long primingMs) {}

    /** {@code service} must store in the DynamoDB Local at {@code dynamoEndpoint}: it creates the probes' queue. */
    static List<Times> measure(List<String> handlers, URI dynamoEndpoint, Tables tables, QueueService service)
            throws Exception {
        service.createQueue(QUEUE, QueueAttributes.defaults());
        List<Times> all = new ArrayList<>();
        for (String handler : handlers) {
            JsonNode unprimed =
                    probe(dynamoEndpoint, tables, ColdStartProbe.class, "dev.mq.handlers." + handler, "unprimed");
            JsonNode primed =
                    probe(dynamoEndpoint, tables, ColdStartProbe.class, "dev.mq.handlers." + handler, "primed");
            all.add(new Times(
                    handler,
                    unprimed.get("totalMs").asLong(),
                    unprimed.get("initMs").asLong(),
                    unprimed.get("firstRequestMs").asLong(),
                    primed.get("firstRequestMs").asLong(),
                    primed.get("primingMs").asLong()));
        }
        return all;
    }

    /**
     * Runs {@code probe}'s main in a fresh JVM, configured as a function against DynamoDB Local, and returns
     * the JSON it prints on its {@code COLDSTART} line.
     */
    static JsonNode probe(URI dynamoEndpoint, Tables tables, Class<?> probe, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                probe.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
        env.put("MQ_RECEIPT_KEY", Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes()));
        env.put(Tables.CATALOG_ENV, tables.catalog());
        env.put(Tables.MESSAGES_ENV, tables.messages());
        env.put(Tables.TOPIC_LOG_ENV, tables.topicLog());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String line;
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            while ((line = out.readLine()) != null) {
                if (line.startsWith("COLDSTART ")) {
                    result = line.substring("COLDSTART ".length());
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || result == null) {
            process.destroyForcibly();
            throw new IllegalStateException("cold-start probe " + String.join(" ", args) + " failed:\n" + output);
        }
        JsonNode times = Json.MAPPER.readTree(result);
        // an error answer (a queue missing from the DynamoDB Local the probe reached) takes another path
        if (times.path("status").asInt(200) >= 300) {
            throw new IllegalStateException("cold-start probe " + String.join(" ", args) + " was answered "
                    + times.get("status") + ", not the answer it measures:\n" + output);
        }
        return times;
    }
}
