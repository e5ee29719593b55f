package dev.mq.bench;

import dev.mq.client.MqClient;
import dev.mq.core.QueueService;
import dev.mq.core.ReceiveOptions;
import dev.mq.handlers.FunctionRuntime;
import dev.mq.local.EmbeddedDynamoDb;
import dev.mq.local.LocalServer;
import dev.mq.model.QueueAttributes;
import dev.mq.store.CapacityMeter;
import dev.mq.store.Services;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code java -jar benchmarks/target/benchmarks.jar [--quick]}: one run measures lifecycle throughput
 * (our queue over HTTP and in-process, ElasticMQ, raw DynamoDB Local), latency, capacity units, cost and
 * cold start on this machine, and writes the results to {@code benchmarks/results/}.
 */
@Command(
        name = "benchmarks",
        mixinStandardHelpOptions = true,
        description = "Measure throughput, latency, capacity units, cost and cold start.")
public final class Benchmarks implements Callable<Integer> {
    @Option(names = "--quick", description = "a smoke run, under a minute")
    boolean quick;

    @Option(names = "--tiny", hidden = true, description = "the smallest run, for the test of the harness")
    boolean tiny;

    @Option(
            names = "--out",
            defaultValue = "benchmarks/results",
            description = "results directory (default ${DEFAULT-VALUE})")
    Path out;

    private long started;
    /** Unmeasured messages per measured one, per system and workload. */
    static final int WARM_UP_FACTOR = 3;

    /** How much each part measures. */
    record Size(
            String name,
            int messages,
            List<Integer> threads,
            int latencySamples,
            int capacityMessages,
            List<String> coldStartHandlers,
            int idleSeconds,
            int warmRounds,
            List<Integer> backlog,
            int backlogSamples,
            List<Integer> statsStored) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmarks()).execute(args));
    }

    Size size() {
        if (tiny) {
            return new Size(
                    "tiny",
                    20,
                    List.of(1, 2),
                    5,
                    2,
                    List.of("PublishHandler"),
                    1,
                    2,
                    List.of(0, 20),
                    5,
                    List.of(0, 20));
        }
        if (quick) {
            return new Size(
                    "quick",
                    100,
                    List.of(1, 8),
                    30,
                    10,
                    List.of("PublishHandler"),
                    2,
                    5,
                    List.of(0, 1_000),
                    30,
                    List.of(0, 1_000));
        }
        return new Size(
                "full",
                1000,
                List.of(1, 8),
                200,
                50,
                ColdStart.HANDLERS,
                20,
                50,
                List.of(0, 1_000, 10_000),
                100,
                List.of(0, 10_000, 100_000));
    }

    @Override
    public Integer call() throws Exception {
        started = System.nanoTime();
        Size size = size();
        progress("benchmarks, " + size.name() + " run; results go to "
                + out.toAbsolutePath().normalize());
        Map<String, Object> results = new LinkedHashMap<>();

        List<Lifecycle.Outcome> lifecycle = lifecycle(size);

        List<Latency.Percentiles> latency;
        try (LocalServer http = LocalServer.start(new LocalServer.Options(0, null, "127.0.0.1", null));
                MqClient client = MqClient.builder()
                        .endpoint(http.baseUrl())
                        .autoDeduplication(false)
                        .build()) {
            latency = List.of(
                    Latency.queue(client, "bench-latency", size.latencySamples()),
                    Latency.topic(client, "bench-latency-", size.latencySamples()));
        }
        latency.forEach(p -> progress(String.format(
                Locale.ROOT,
                "latency %-46s p50 %.1f ms, p95 %.1f ms, p99 %.1f ms",
                p.path(),
                p.p50(),
                p.p95(),
                p.p99())));

        List<Capacity.Units> capacity = onItsOwnDynamoDb(dynamo -> {
            CapacityMeter meter = new CapacityMeter();
            Tables tables = createTables(dynamo, "capacity");
            try (DynamoDbClient metered = EmbeddedDynamoDbClients.metered(dynamo.endpoint(), meter)) {
                return Capacity.measure(metered, meter, tables, size.capacityMessages());
            }
        });
        capacity.forEach(u -> progress(
                String.format(Locale.ROOT, "capacity %-66s %.2f W, %.2f R", u.path(), u.writeUnits(), u.readUnits())));

        List<Backlog.Point> backlog = onItsOwnDynamoDb(dynamo -> Backlog.measure(
                dynamo.endpoint(), createTables(dynamo, "backlog"), size.backlog(), size.backlogSamples()));
        backlog.forEach(p -> progress("backlog " + Backlog.describe(p)));

        List<StatsCost.Point> statsCost = onItsOwnDynamoDb(
                dynamo -> StatsCost.measure(dynamo.endpoint(), createTables(dynamo, "stats"), size.statsStored()));
        statsCost.forEach(p -> progress("stats " + StatsCost.describe(p)));

        double idleReads = onItsOwnDynamoDb(dynamo -> idleReadUnitsPer20s(dynamo, size.idleSeconds()));
        progress(String.format(Locale.ROOT, "idle long poll: %.2f read units per 20 s receive", idleReads));

        // a warm function's duration, so over the functions' own HTTP client
        Map<String, Double> warm = onItsOwnDynamoDb(dynamo -> {
            Tables tables = createTables(dynamo, "bench");
            try (DynamoDbClient functionsClient = EmbeddedDynamoDbClients.likeTheFunctions(dynamo.endpoint())) {
                Services services = services(functionsClient, tables);
                return WarmHandlers.medians(services.queues(), services.topics(), size.warmRounds());
            }
        });
        progress("warm handler medians (ms): " + warm);

        // the probes' JVMs reach this DynamoDB Local over HTTP; their queue is created in it first
        List<ColdStart.Times> coldStart = onItsOwnDynamoDb(dynamo -> {
            Tables tables = createTables(dynamo, "bench");
            return ColdStart.measure(
                    size.coldStartHandlers(), dynamo.endpoint(), tables, service(dynamo.client(), tables));
        });
        coldStart.forEach(t -> progress(String.format(
                Locale.ROOT,
                "cold start %-16s %5d ms to first answer; first request %d ms unprimed, %d ms primed",
                t.handler(),
                t.unprimedTotalMs(),
                t.unprimedFirstRequestMs(),
                t.primedFirstRequestMs())));

        IdleDeployment.Measured idle = onItsOwnDynamoDb(
                dynamo -> IdleDeployment.measure(dynamo.endpoint(), dynamo.client(), size.warmRounds()));
        progress("idle deployment, per minute: " + idle);

        Map<String, Object> cost = Cost.of(capacity, warm, idleReads, idle);

        Map<String, Object> runInfo = new LinkedHashMap<>();
        runInfo.put(
                "command", "java -jar benchmarks/target/benchmarks.jar" + (tiny ? " --tiny" : quick ? " --quick" : ""));
        runInfo.put("size", size);
        runInfo.put("machine", machine());
        runInfo.put("startedAt", Instant.now().toString());
        runInfo.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        results.put("run", runInfo);
        results.put("goals", goals(lifecycle, latency.get(0), capacity.get(0), backlog, statsCost, coldStart));
        results.put("lifecycle", lifecycle);
        results.put("latency", latency);
        results.put("capacity", capacity);
        results.put("backlog", backlog);
        results.put("statsCost", statsCost);
        results.put("cost", cost);
        results.put("coldStart", coldStart);
        results.put(
                "notes",
                "All systems run on this machine in one JVM (cold start in fresh JVMs); DynamoDB Local "
                        + "stands in for DynamoDB, so absolute figures say more about DynamoDB Local than about AWS. "
                        + "Each lifecycle run of each system, and each other part, starts on an empty DynamoDB Local of its "
                        + "own (in memory). Each system ran every lifecycle workload unmeasured first, with "
                        + WARM_UP_FACTOR
                        + " times the measured messages (JIT warm-up). "
                        + "CPU per message is the whole process's CPU time over a run divided by its messages: client and "
                        + "server together. HTTP runs use the Java client without automatic deduplication. The local server, "
                        + "library mode and raw DynamoDB Local call DynamoDB Local in process (no HTTP hop), ElasticMQ is "
                        + "driven by the AWS SDK's SQS client over the pooled Apache 5 HTTP client; capacity units are "
                        + "counted over HTTP, and the warm handler durations use the functions' own URL-connection client. "
                        + "Reading DynamoDB streams is free for Lambda and is not counted in capacity units.");
        Report.write(out, results, lifecycle);
        progress("wrote latest.json, latest.md and throughput.png to "
                + out.toAbsolutePath().normalize());
        return 0;
    }

    /**
     * Every system runs each workload unmeasured first, three times as many messages as measured, so none
     * is timed while the JIT still compiles its paths (a shorter warm-up left the HTTP path, the longest,
     * still speeding up in the measured run). Each run opens its targets afresh ({@link Targets}).
     */
    private List<Lifecycle.Outcome> lifecycle(Size size) throws Exception {
        List<Lifecycle.Outcome> lifecycle = new ArrayList<>();
        int sqsPort = freePort();
        SQSRestServer elasticMq = SQSRestServerBuilder.withPort(sqsPort)
                .withInterface("127.0.0.1")
                .start();
        elasticMq.waitUntilStarted();
        try {
            URI sqs = URI.create("http://127.0.0.1:" + sqsPort);
            List<TargetOpener> systems = List.of(
                    suffix -> Targets.http("bench-http-" + suffix),
                    suffix -> Targets.sqs("bench-sqs-" + suffix),
                    suffix -> Targets.library("bench-lib-" + suffix),
                    suffix -> Targets.elasticMq(sqs, "bench-elasticmq-" + suffix),
                    suffix -> Targets.rawDynamoDb());
            for (boolean warmUp : List.of(true, false)) {
                int run = 0;
                for (int threads : size.threads()) {
                    for (int batch : List.of(1, 10)) {
                        run++;
                        String suffix = (warmUp ? "warm-up-" : "") + run;
                        for (TargetOpener system : systems) {
                            Lifecycle.Outcome outcome;
                            try (Targets.Target target = system.open(suffix)) {
                                outcome = Lifecycle.run(
                                        target,
                                        threads,
                                        batch,
                                        warmUp ? WARM_UP_FACTOR * size.messages() : size.messages());
                            }
                            if (!warmUp) {
                                lifecycle.add(outcome);
                            }
                            progress(String.format(
                                    Locale.ROOT,
                                    "lifecycle%s %-48s %-18s %8.0f msg/s %6.2f ms CPU/msg",
                                    warmUp ? " (warm-up)" : "",
                                    outcome.target(),
                                    Report.config(outcome),
                                    outcome.perSecond(),
                                    outcome.cpuMsPerMessage()));
                        }
                    }
                }
            }
            return lifecycle;
        } finally {
            elasticMq.stopAndWait();
        }
    }

    /** Opens one system's target for one lifecycle run; {@code suffix} names its queue. */
    private interface TargetOpener {
        Targets.Target open(String suffix) throws Exception;
    }

    /** One part of the run, against the DynamoDB Local it is given. */
    interface Part<T> {
        T run(EmbeddedDynamoDb dynamo) throws Exception;
    }

    /**
     * Runs {@code part} against a DynamoDB Local of its own, in memory and over HTTP, stopped after it, so
     * no part runs on what an earlier one stored. DynamoDB Local (2.6.1) keeps the stream records of all
     * its tables in one SQLite table, for 24 hours, with no index by stream; each write to a table with a
     * stream (ours all have one), and each read of a stream, first looks up that stream's oldest record,
     * reading that SQLite table in sequence order until it finds one. A table whose stream began after
     * hundreds of thousands of other tables' records pays for all of them on every write, and a stream
     * poller of a quiet stream on every poll. Run after the backlog part on the same DynamoDB Local, the
     * warm-handler part's calls took 20 to 60 times as long, and with the earlier parts before it, it
     * seemed to hang.
     */
    static <T> T onItsOwnDynamoDb(Part<T> part) throws Exception {
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, EmbeddedDynamoDb.Access.OVER_HTTP)) {
            return part.run(dynamo);
        }
    }

    static Tables createTables(EmbeddedDynamoDb dynamo, String prefix) {
        Tables tables = Tables.withPrefix(prefix);
        TableSetup.createIfMissing(dynamo.client(), tables);
        return tables;
    }

    /**
     * Read units one empty 20-second long poll costs, from a shorter one scaled up, each query counting at
     * least the half unit DynamoDB bills ({@link BilledReads}).
     */
    private static double idleReadUnitsPer20s(EmbeddedDynamoDb dynamo, int seconds) {
        Tables tables = createTables(dynamo, "idle-poll");
        BilledReads reads = new BilledReads();
        CapacityMeter meter = new CapacityMeter();
        try (DynamoDbClient counted = EmbeddedDynamoDbClients.metered(dynamo.endpoint(), meter, reads)) {
            QueueService service = service(counted, tables);
            service.createQueue("bench-idle", QueueAttributes.defaults());
            service.receive("bench-idle", new ReceiveOptions(1, 0, null)); // caches the settings
            meter.reset();
            reads.reset();
            service.receive("bench-idle", new ReceiveOptions(1, seconds, null));
            return reads.units(meter) * 20.0 / seconds;
        }
    }

    private static List<Map<String, Object>> goals(
            List<Lifecycle.Outcome> lifecycle,
            Latency.Percentiles queue,
            Capacity.Units standard,
            List<Backlog.Point> backlog,
            List<StatsCost.Point> statsCost,
            List<ColdStart.Times> coldStart) {
        List<Map<String, Object>> goals = new ArrayList<>();
        goals.add(ratioGoal(
                lifecycle,
                "library-mode lifecycle >= 80% of raw DynamoDB Local, 1 thread",
                "mq library",
                "raw",
                o -> o.threads() == 1,
                0.8));
        goals.add(ratioGoal(
                lifecycle,
                "HTTP lifecycle, one message per request, >= ElasticMQ's",
                "mq over HTTP",
                "ElasticMQ",
                o -> o.batch() == 1,
                1.0));
        goals.add(ratioGoal(
                lifecycle,
                "HTTP lifecycle, batches of 10, >= 50% of ElasticMQ's",
                "mq over HTTP",
                "ElasticMQ",
                o -> o.batch() > 1,
                0.5));
        goals.add(ratioGoal(
                lifecycle,
                "SQS API lifecycle >= 90% of the /v1 API's (same local server, messages and threads)",
                "mq over SQS",
                "mq over HTTP",
                o -> true,
                0.9));
        goals.add(Report.goal(
                "send -> receive p99 < 30 ms over HTTP, 1 thread",
                String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (%s)", queue.p50(), queue.p99(), queue.path()),
                queue.p99() < 30));
        goals.add(Report.goal(
                "<= 4 write units and <= 1 read unit per 1 KB standard-queue lifecycle",
                String.format(Locale.ROOT, "%.2f W, %.2f R", standard.writeUnits(), standard.readUnits()),
                standard.writeUnits() <= 4.0 && standard.readUnits() <= 1.0));
        Backlog.Point most = backlog.get(backlog.size() - 1);
        goals.add(Report.goal(
                "a receive's read units and p50 within 1.5x of an empty queue's, beside up to "
                        + String.format(Locale.ROOT, "%,d", most.count()) + " messages in flight or delayed",
                backlog.stream()
                        .filter(p -> p.count() == most.count())
                        .map(p -> String.format(
                                Locale.ROOT, "%s: %.2f R, p50 %.1f ms", p.hidden(), p.readUnitsPerMessage(), p.p50Ms()))
                        .collect(java.util.stream.Collectors.joining("; ")),
                Backlog.flat(backlog, 1.5)));
        StatsCost.Point empty = statsCost.get(0);
        StatsCost.Point fullest = statsCost.get(statsCost.size() - 1);
        goals.add(Report.goal(
                "a queue's stats (the metrics function's read each minute) within 1.5x of an empty "
                        + "queue's read units, with " + String.format(Locale.ROOT, "%,d", fullest.stored())
                        + " messages stored",
                statsCost.stream()
                        .map(p -> String.format(Locale.ROOT, "%,d stored: %.2f R", p.stored(), p.readUnits()))
                        .collect(java.util.stream.Collectors.joining("; ")),
                statsCost.stream().allMatch(p -> p.readUnits() <= 1.5 * Math.max(empty.readUnits(), 0.5))));
        ColdStart.Times publish = coldStart.stream()
                .filter(t -> t.handler().equals("PublishHandler"))
                .findFirst()
                .orElseThrow();
        goals.add(Report.goal(
                "publish handler cold start < 1 s locally, priming hook for SnapStart in place",
                publish.unprimedTotalMs() + " ms to first answer (" + publish.primedFirstRequestMs()
                        + " ms for the first request after priming)",
                publish.unprimedTotalMs() < 1000));
        return goals;
    }

    /** Met when {@code ours ÷ theirs} is at least {@code least} in every workload {@code which} picks. */
    private static Map<String, Object> ratioGoal(
            List<Lifecycle.Outcome> lifecycle,
            String goal,
            String ours,
            String theirs,
            java.util.function.Predicate<Lifecycle.Outcome> which,
            double least) {
        double worst = Double.MAX_VALUE;
        StringBuilder measured = new StringBuilder();
        for (Lifecycle.Outcome peer : lifecycle.stream()
                .filter(o -> o.target().startsWith(theirs))
                .filter(which)
                .toList()) {
            double ratio = Report.find(lifecycle, ours, Report.config(peer))
                            .map(Lifecycle.Outcome::perSecond)
                            .orElse(0.0)
                    / peer.perSecond();
            worst = Math.min(worst, ratio);
            measured.append(String.format(Locale.ROOT, "%s %.0f%%; ", Report.config(peer), 100 * ratio));
        }
        return Report.goal(goal, measured.toString().strip(), worst >= least);
    }

    static QueueService service(DynamoDbClient client, Tables tables) {
        return services(client, tables).queues();
    }

    /** The services as a deployment runs them, with a fixed receipt key. */
    static Services services(DynamoDbClient client, Tables tables) {
        return Services.over(client, tables)
                .receiptKey("0123456789abcdef0123456789abcdef".getBytes())
                .settings(QueueService.Settings.defaults().withMaxAnswerBytes(FunctionRuntime.MAX_ANSWER_BYTES))
                .build();
    }

    private static String machine() {
        Runtime rt = Runtime.getRuntime();
        return String.format(
                Locale.ROOT,
                "%d cores, %d MiB max heap, %s %s, Java %s",
                rt.availableProcessors(),
                rt.maxMemory() >> 20,
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"));
    }

    private void progress(String line) {
        System.out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
        System.out.flush();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** DynamoDB clients of the embedded DynamoDB Local with extra configuration. */
    static final class EmbeddedDynamoDbClients {
        private EmbeddedDynamoDbClients() {}

        /** Pooled, like every other system's client here; for capacity units any client counts the same. */
        static DynamoDbClient metered(URI endpoint, CapacityMeter meter, ExecutionInterceptor... more) {
            List<ExecutionInterceptor> interceptors = new ArrayList<>(List.of(meter));
            interceptors.addAll(List.of(more));
            return EmbeddedDynamoDb.client(endpoint, interceptors.toArray(ExecutionInterceptor[]::new));
        }

        /**
         * With the deployed functions' HTTP client (URL connection, which {@link LambdaHttpClients} finds
         * the cheapest to start), for the figures that stand for a function's duration and so its cost.
         */
        static DynamoDbClient likeTheFunctions(URI endpoint, ExecutionInterceptor... interceptors) {
            return DynamoDbClient.builder()
                    .endpointOverride(endpoint)
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                    .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                    .build();
        }
    }
}
