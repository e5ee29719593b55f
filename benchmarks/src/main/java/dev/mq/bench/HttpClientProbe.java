package dev.mq.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.mq.core.QueueService;
import dev.mq.core.TopicService;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.handlers.PublishHandler;
import dev.mq.local.LocalLambdaContext;
import dev.mq.model.Json;
import dev.mq.store.Services;
import dev.mq.store.Tables;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs in a fresh JVM, as Lambda starts one: builds the publish function as {@code FunctionRuntime} does
 * but over the SDK HTTP client named in its arguments, optionally runs the SnapStart priming the snapshot
 * would hold, answers one publish request, then (unprimed only) times warm DynamoDB calls and warm
 * publishes. Prints the figures as one JSON line. Arguments: client ({@link #CLIENTS}),
 * {@code primed|unprimed}, warm calls.
 */
public final class HttpClientProbe {
    static final List<String> CLIENTS = List.of("url-connection", "apache", "apache5", "crt");
    /** Calls that warm the JIT and the connection before the timed ones. */
    static final int WARM_UP_CALLS = 200;

    private HttpClientProbe() {}

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainStart = System.currentTimeMillis();
        String client = args[0];
        boolean primed = args[1].equals("primed");
        int warmCalls = Integer.parseInt(args[2]);

        DynamoDbClient dynamo = functionClient(httpClient(client));
        Tables tables = Tables.fromEnvironment();
        Services services = Services.over(dynamo, tables)
                .receiptKey(Base64.getDecoder().decode(System.getenv("MQ_RECEIPT_KEY")))
                .settings(QueueService.Settings.defaults().withMaxAnswerBytes(FunctionRuntime.MAX_ANSWER_BYTES))
                .build();
        QueueService service = services.queues();
        TopicService topics = services.topics();
        PublishHandler handler = new PublishHandler(service, topics);
        long initDone = System.currentTimeMillis();
        if (primed) { // what PublishHandler's SnapStart priming runs before the snapshot
            service.checkHealth();
            handler.handleRequest(ColdStartProbe.api("GET", "/health", null), null);
        }
        long primeDone = System.currentTimeMillis();
        APIGatewayProxyRequestEvent publish = (APIGatewayProxyRequestEvent) ColdStartProbe.event("PublishHandler");
        answered(handler.handleRequest(publish, new LocalLambdaContext("cold-start", "PublishHandler", 300_000)));
        long answered = System.currentTimeMillis();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("client", client);
        figures.put("primed", primed);
        figures.put("initMs", initDone - mainStart);
        figures.put("primingMs", primeDone - initDone);
        figures.put("firstRequestMs", answered - primeDone);
        figures.put("totalMs", answered - jvmStart);
        figures.put("classesLoaded", ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        figures.put("cpuMs", cpuNanos() / 1_000_000);
        if (!primed) {
            Warm putGet = warm(warmCalls, () -> putAndGet(dynamo, tables.messages(), client));
            figures.put("putGetMs", putGet.medianMs());
            figures.put("putGetCpuMs", putGet.cpuMsPerCall());
            figures.put(
                    "publishMs",
                    warm(warmCalls, () -> answered(handler.handleRequest(publish, null)))
                            .medianMs());
        }
        System.out.println("COLDSTART " + Json.write(figures));
        System.exit(0);
    }

    /**
     * The one place the client is chosen, by name. Each branch names its client's class only there, so the
     * JVM loads the chosen client alone, as a function jar carrying only that client would.
     */
    static SdkHttpClient httpClient(String name) {
        return switch (name) {
            case "url-connection" -> software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create();
            case "apache" -> software.amazon.awssdk.http.apache.ApacheHttpClient.create();
            case "apache5" -> software.amazon.awssdk.http.apache5.Apache5HttpClient.create();
            case "crt" -> software.amazon.awssdk.http.crt.AwsCrtHttpClient.create();
            default -> throw new IllegalArgumentException("unknown HTTP client " + name + "; one of " + CLIENTS);
        };
    }

    /** As {@code FunctionRuntime} builds it: the region named, the endpoint and credentials from the environment. */
    private static DynamoDbClient functionClient(SdkHttpClient http) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(http);
        String region = System.getenv("AWS_REGION");
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region));
        }
        return builder.build();
    }

    private static Object putAndGet(DynamoDbClient dynamo, String table, String client) {
        Map<String, AttributeValue> key =
                Map.of("pk", AttributeValue.fromS("http-client-probe#" + client), "sk", AttributeValue.fromS("item"));
        Map<String, AttributeValue> item = new LinkedHashMap<>(key);
        item.put("body", AttributeValue.fromS(Lifecycle.BODY));
        dynamo.putItem(r -> r.tableName(table).item(item));
        return dynamo.getItem(r -> r.tableName(table).key(key)).item();
    }

    private static APIGatewayProxyResponseEvent answered(APIGatewayProxyResponseEvent response) {
        if (response.getStatusCode() != 200) {
            throw new IllegalStateException("publish answered " + response.getStatusCode() + ": " + response.getBody());
        }
        return response;
    }

    /** Warm calls: the median wall time of one, and the CPU time of this JVM (every thread) per call. */
    record Warm(double medianMs, double cpuMsPerCall) {}

    /** Times {@code calls} calls after {@link #WARM_UP_CALLS} untimed ones. */
    private static Warm warm(int calls, Supplier<?> call) {
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            call.get();
        }
        List<Double> ms = new ArrayList<>();
        long cpuStart = cpuNanos();
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.get();
            ms.add((System.nanoTime() - start) / 1e6);
        }
        double cpuMsPerCall = (cpuNanos() - cpuStart) / 1e6 / calls;
        ms.sort(null);
        return new Warm(round(ms.get(ms.size() / 2)), round(cpuMsPerCall));
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    /**
     * CPU time of this JVM so far, every thread (the CRT client's own I/O threads too). Unlike wall time it
     * hardly moves when other processes share the cores, and it is what a cold start costs on Lambda,
     * where a function of 1 GB has less than one vCPU.
     */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
