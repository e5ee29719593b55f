package dev.mq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.local.EmbeddedDynamoDb;
import dev.mq.model.QueueAttributes;
import dev.mq.store.TableSetup;
import dev.mq.store.Tables;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mq.bench.LambdaHttpClients}: which SDK HTTP client
 * the Lambda package should carry. For each client, in fresh JVMs configured as Lambda's Java runtime
 * ({@link ColdStart#probe}) against DynamoDB Local in this process: the cold start to the first answered
 * publish, in wall time and in CPU time (which other work on the machine hardly moves), and the first
 * request after the SnapStart priming; then, warm, one put+get pair and one publish; and the size its jars
 * add to the function package. Runs are interleaved (one of each client, then again), so whatever else
 * loads the machine weighs on every client alike.
 */
@Command(
        name = "lambda-http-clients",
        mixinStandardHelpOptions = true,
        description =
                "Cold start, warm per-call time and package size of each SDK HTTP client in the publish function.")
public final class LambdaHttpClients implements Callable<Integer> {
    /** The deployed functions run on arm64 (see MqStack); the CRT client needs only that platform's library. */
    static final String LAMBDA_NATIVE_PLATFORM = "linux/armv8/glibc/";

    @Option(
            names = "--runs",
            defaultValue = "5",
            description = "fresh JVMs per client and mode (default ${DEFAULT-VALUE})")
    int runs;

    @Option(
            names = "--warm-calls",
            defaultValue = "500",
            description = "timed warm calls per JVM, after " + HttpClientProbe.WARM_UP_CALLS
                    + " untimed (default ${DEFAULT-VALUE})")
    int warmCalls;

    @Option(
            names = "--clients",
            split = ",",
            defaultValue = "url-connection,apache,apache5,crt",
            description = "which clients, comma-separated (default ${DEFAULT-VALUE})")
    List<String> clients;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LambdaHttpClients()).execute(args));
    }

    /** One fresh JVM's figures. */
    record Run(String client, boolean primed, JsonNode figures) {}

    @Override
    public Integer call() throws Exception {
        if (!HttpClientProbe.CLIENTS.containsAll(clients)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--clients: each one of " + String.join(", ", HttpClientProbe.CLIENTS));
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Run> all = new ArrayList<>();
        try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null)) {
            Tables tables = Tables.withPrefix("http-clients");
            TableSetup.createIfMissing(dynamo.client(), tables);
            Benchmarks.service(dynamo.client(), tables).createQueue(ColdStart.QUEUE, QueueAttributes.defaults());
            for (int run = 1; run <= runs; run++) {
                for (String client : clients) {
                    for (boolean primed : List.of(false, true)) {
                        JsonNode figures = ColdStart.probe(
                                dynamo.endpoint(),
                                tables,
                                HttpClientProbe.class,
                                client,
                                primed ? "primed" : "unprimed",
                                Integer.toString(warmCalls));
                        all.add(new Run(client, primed, figures));
                        out.printf(Locale.ROOT, "run %d/%d %s%n", run, runs, figures);
                        out.flush();
                    }
                }
            }
        }
        out.println();
        out.print(table(all, clients, runs));
        out.flush();
        return 0;
    }

    static String table(List<Run> all, List<String> clients, int runs) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%d fresh JVMs per client and mode (C1 only, -Xmx512m, as Lambda), publish function, DynamoDB Local in another process%n",
                runs));
        out.append(
                "| client | cold start to first answer | its CPU time | classes loaded "
                        + "| first request after priming | warm put+get pair | its CPU time | warm publish | package size added |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String client : clients) {
            List<JsonNode> unprimed = all.stream()
                    .filter(r -> r.client().equals(client) && !r.primed())
                    .map(Run::figures)
                    .toList();
            List<JsonNode> primed = all.stream()
                    .filter(r -> r.client().equals(client) && r.primed())
                    .map(Run::figures)
                    .toList();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s ms | %s ms | %.0f | %s ms | %s ms | %s ms | %s ms | %s |%n",
                    client,
                    medianMin(values(unprimed, "totalMs"), 0),
                    medianMin(values(unprimed, "cpuMs"), 0),
                    median(values(unprimed, "classesLoaded")),
                    medianMin(values(primed, "firstRequestMs"), 0),
                    medianMin(values(unprimed, "putGetMs"), 2),
                    medianMin(values(unprimed, "putGetCpuMs"), 2),
                    medianMin(values(unprimed, "publishMs"), 2),
                    kib(packageBytes(client))));
        }
        out.append("each figure: median (min) over the runs\n");
        return out.toString();
    }

    private static List<Double> values(List<JsonNode> runs, String figure) {
        return runs.stream().map(f -> f.get(figure).asDouble()).toList();
    }

    private static String medianMin(List<Double> values, int decimals) {
        String format = "%." + decimals + "f (%." + decimals + "f)";
        return String.format(
                Locale.ROOT,
                format,
                median(values),
                values.stream().mapToDouble(d -> d).min().orElse(0));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static String kib(long bytes) {
        return bytes >= 1 << 20
                ? String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%d KiB", Math.round(bytes / 1024.0));
    }

    /**
     * The libraries each client brings beyond the SDK core the function carries anyway, named by a class of
     * each, so the sizes come from the jars on this classpath.
     */
    static List<String> libraryClasses(String client) {
        return switch (client) {
            case "url-connection" -> List.of("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient");
            case "apache" ->
                List.of(
                        "software.amazon.awssdk.http.apache.ApacheHttpClient",
                        "org.apache.http.impl.client.HttpClientBuilder",
                        "org.apache.http.HttpRequest",
                        "org.apache.commons.logging.Log",
                        "org.apache.commons.codec.binary.Base64");
            case "apache5" ->
                List.of(
                        "software.amazon.awssdk.http.apache5.Apache5HttpClient",
                        "org.apache.hc.client5.http.impl.classic.HttpClientBuilder",
                        "org.apache.hc.core5.http.HttpRequest",
                        "org.apache.hc.core5.http2.HttpVersionPolicy");
            case "crt" ->
                List.of(
                        "software.amazon.awssdk.http.crt.AwsCrtHttpClient",
                        "software.amazon.awssdk.crt.CRT",
                        "software.amazon.awssdk.crtcore.CrtProxyConfiguration");
            default -> throw new IllegalArgumentException("unknown HTTP client " + client);
        };
    }

    /**
     * What the client's jars add to the shaded function jar: their entries' compressed sizes, leaving out
     * the CRT's native libraries for platforms other than Lambda's.
     */
    static long packageBytes(String client) {
        Set<Path> jars = new LinkedHashSet<>();
        for (String name : libraryClasses(client)) {
            try {
                URI location = Class.forName(name, false, LambdaHttpClients.class.getClassLoader())
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI();
                jars.add(Path.of(location));
            } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
                throw new IllegalStateException("no jar for " + name, e);
            }
        }
        long bytes = 0;
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                    ZipEntry entry = entries.nextElement();
                    if (!entry.isDirectory() && !otherPlatformsLibrary(entry.getName())) {
                        bytes += entry.getCompressedSize();
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return bytes;
    }

    private static boolean otherPlatformsLibrary(String entry) {
        boolean nativeLibrary = entry.endsWith(".so") || entry.endsWith(".dylib") || entry.endsWith(".dll");
        return nativeLibrary && !entry.startsWith(LAMBDA_NATIVE_PLATFORM);
    }
}
