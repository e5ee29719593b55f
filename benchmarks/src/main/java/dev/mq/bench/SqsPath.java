package dev.mq.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQS-compatible endpoint beside the /v1 API, measured alone:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mq.bench.SqsPath [--messages N] [--rounds R]}.
 * The same lifecycle as the full run ({@link Lifecycle}: 1 KB bodies, send, receive, ack), on a local
 * server of its own per run, with 1 and 8 threads, one message per request and batches of 10, through
 * the Java client (/v1) and through the AWS SDK's {@code SqsClient} (JSON protocol). Each pair runs
 * warm-up first and then alternates the two paths {@code rounds} times, so neither is favoured by the
 * order; the figure is the median of the rounds.
 */
public final class SqsPath {
    private SqsPath() {}

    public static void main(String[] args) throws Exception {
        int messages = intArg(args, "--messages", 2_000);
        int rounds = intArg(args, "--rounds", 3);
        System.out.println("| threads, batch | /v1 API msg/s | SQS API msg/s | SQS ÷ /v1 |");
        System.out.println("|---|---:|---:|---:|");
        int run = 0;
        for (int threads : List.of(1, 8)) {
            for (int batch : List.of(1, 10)) {
                run++;
                String suffix = Integer.toString(run);
                once("http", suffix + "-warm-up", threads, batch, 3 * messages);
                once("sqs", suffix + "-warm-up", threads, batch, 3 * messages);
                List<Double> v1 = new ArrayList<>();
                List<Double> sqs = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    v1.add(once("http", suffix + "-" + r, threads, batch, messages));
                    sqs.add(once("sqs", suffix + "-" + r, threads, batch, messages));
                }
                double a = median(v1);
                double b = median(sqs);
                System.out.printf(
                        Locale.ROOT, "| %d, %d | %.0f | %.0f | %.0f%% |%n", threads, batch, a, b, 100 * b / a);
            }
        }
        System.exit(0);
    }

    private static double once(String path, String suffix, int threads, int batch, int messages) throws Exception {
        try (Targets.Target target =
                path.equals("sqs") ? Targets.sqs("sqs-path-" + suffix) : Targets.http("v1-path-" + suffix)) {
            return Lifecycle.run(target, threads, batch, messages).perSecond();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
