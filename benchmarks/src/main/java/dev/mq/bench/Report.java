package dev.mq.bench;

import dev.mq.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Writes one run's results as {@code latest.json}, {@code latest.md}, {@code throughput.png} and {@code backlog.png}. */
final class Report {
    private Report() {}

    @SuppressWarnings("unchecked")
    static void write(Path dir, Map<String, Object> results, List<Lifecycle.Outcome> lifecycle) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("latest.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
        Files.writeString(dir.resolve("latest.md"), markdown(results, lifecycle));
        chart(lifecycle, dir.resolve("throughput.png"));
        backlogChart((List<Backlog.Point>) results.get("backlog"), dir.resolve("backlog.png"));
    }

    /** Read units per message received against the number of messages hidden beside it, one line per kind. */
    private static void backlogChart(List<Backlog.Point> points, Path png) throws IOException {
        org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChartBuilder()
                .width(800)
                .height(420)
                .title("A receive beside messages in flight or delayed (one 1 KB message received each time)")
                .xAxisTitle("messages in flight or delayed in the same queue")
                .yAxisTitle("read units per message received")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        for (String hidden :
                points.stream().map(Backlog.Point::hidden).distinct().toList()) {
            List<Backlog.Point> line =
                    points.stream().filter(p -> p.hidden().equals(hidden)).toList();
            chart.addSeries(
                    hidden,
                    line.stream().map(p -> (double) p.count()).toList(),
                    line.stream().map(Backlog.Point::readUnitsPerMessage).toList());
        }
        BitmapEncoder.saveBitmap(chart, png.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }

    static String config(Lifecycle.Outcome o) {
        return o.threads() + (o.threads() == 1 ? " thread" : " threads") + ", "
                + (o.batch() == 1 ? "single" : "batch " + o.batch());
    }

    private static void chart(List<Lifecycle.Outcome> lifecycle, Path png) throws IOException {
        List<String> configs = lifecycle.stream().map(Report::config).distinct().toList();
        // the title says how our HTTP figure compares with ElasticMQ's, group by group
        List<String> ratios = configs.stream()
                .map(c -> {
                    java.util.Optional<Lifecycle.Outcome> ours = find(lifecycle, "mq over HTTP", c);
                    java.util.Optional<Lifecycle.Outcome> theirs = find(lifecycle, "ElasticMQ", c);
                    return ours.isPresent() && theirs.isPresent()
                            ? String.format(
                                    "%.0f%%",
                                    100 * ours.get().perSecond() / theirs.get().perSecond())
                            : "-";
                })
                .toList();
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(520)
                .title("Lifecycle throughput (send -> receive -> ack, 1 KB bodies); mq over HTTP / ElasticMQ: "
                        + String.join(", ", ratios))
                .xAxisTitle("producer and consumer threads each, request size")
                .yAxisTitle("messages per second")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (String target :
                lifecycle.stream().map(Lifecycle.Outcome::target).distinct().toList()) {
            List<Double> values = new ArrayList<>();
            for (String c : configs) {
                values.add(lifecycle.stream()
                        .filter(o -> o.target().equals(target) && config(o).equals(c))
                        .mapToDouble(Lifecycle.Outcome::perSecond)
                        .findFirst()
                        .orElse(0));
            }
            chart.addSeries(target, configs, values);
        }
        BitmapEncoder.saveBitmap(chart, png.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> r, List<Lifecycle.Outcome> lifecycle) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> run = (Map<String, Object>) r.get("run");
        md.append("# Benchmark results\n\n");
        md.append("Command: `").append(run.get("command")).append("`  \n");
        md.append("Machine: ").append(run.get("machine")).append("  \n");
        md.append("Started: ")
                .append(run.get("startedAt"))
                .append(", took ")
                .append(run.get("seconds"))
                .append(" s\n\n");

        md.append("## Goals\n\n| goal | measured | met |\n|---|---|---|\n");
        for (Map<String, Object> g : (List<Map<String, Object>>) r.get("goals")) {
            md.append("| ")
                    .append(g.get("goal"))
                    .append(" | ")
                    .append(g.get("measured"))
                    .append(" | ")
                    .append(Boolean.TRUE.equals(g.get("met")) ? "yes" : "**no**")
                    .append(" |\n");
        }

        md.append("\n## Lifecycle throughput (messages/s)\n\n![throughput](throughput.png)\n\n");
        List<String> configs = lifecycle.stream().map(Report::config).distinct().toList();
        table(md, lifecycle, configs, "system", Lifecycle.Outcome::perSecond, "%.0f");
        ratio(md, lifecycle, configs, "mq over HTTP ÷ ElasticMQ", "mq over HTTP", "ElasticMQ");
        ratio(md, lifecycle, configs, "mq over SQS API ÷ mq over HTTP", "mq over SQS", "mq over HTTP");
        ratio(md, lifecycle, configs, "mq library mode ÷ raw DynamoDB Local", "mq library", "raw");
        md.append("\n## CPU per message (ms, client and server, whole process)\n\n");
        table(md, lifecycle, configs, "system", Lifecycle.Outcome::cpuMsPerMessage, "%.2f");

        md.append("\n## Latency (ms)\n\n| path | samples | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|\n");
        for (Latency.Percentiles p : (List<Latency.Percentiles>) r.get("latency")) {
            md.append(String.format(
                    "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n",
                    p.path(), p.samples(), p.p50(), p.p95(), p.p99(), p.max()));
        }

        md.append(
                "\n## DynamoDB capacity units per message\n\n| path | write units | read units | by operation (W / R) |\n|---|---|---|---|\n");
        for (Capacity.Units u : (List<Capacity.Units>) r.get("capacity")) {
            md.append(String.format(
                    "| %s | %.2f | %.2f | %s |%n",
                    u.path(),
                    u.writeUnits(),
                    u.readUnits(),
                    Capacity.describe(u).toString().replaceAll("[{}]", "")));
        }

        md.append("\n## A receive beside messages it cannot take\n\n![backlog](backlog.png)\n\n");
        md.append(
                "| hidden beside the queue's one ready message | read units per message received | p50 receive (ms) |\n|---|---:|---:|\n");
        for (Backlog.Point p : (List<Backlog.Point>) r.get("backlog")) {
            md.append(String.format(
                    "| %,d %s | %.2f | %.1f |%n", p.count(), p.hidden(), p.readUnitsPerMessage(), p.p50Ms()));
        }

        md.append("\n## A queue's stats beside stored messages (read each minute by the metrics function)\n\n");
        md.append("| messages stored | read units per stats read |\n|---:|---:|\n");
        for (StatsCost.Point p : (List<StatsCost.Point>) r.get("statsCost")) {
            md.append(String.format("| %,d | %.2f |%n", p.stored(), p.readUnits()));
        }

        Map<String, Object> cost = (Map<String, Object>) r.get("cost");
        md.append("\n## Cost on AWS (US dollars)\n\nPrices: ")
                .append(cost.get("prices"))
                .append(".\n\n");
        md.append(
                "Per million 1 KB messages through a standard queue:\n\n| | one per request | batches of 10 |\n|---|---|---|\n");
        ((Map<String, Map<String, Double>>) cost.get("perMillionMessages"))
                .forEach((item, v) -> md.append("| ")
                        .append(item)
                        .append(" | ")
                        .append(v.get("onePerRequest"))
                        .append(" | ")
                        .append(v.get("batchesOf10"))
                        .append(" |\n"));
        md.append(
                "\nPer million messages published to a topic with 3 queue subscriptions (each copy received and acked):\n\n");
        ((Map<String, Object>) cost.get("perMillionFannedOut"))
                .forEach((k, v) ->
                        md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\nOne consumer long-polling an empty queue around the clock, per month:\n\n");
        ((Map<String, Object>) cost.get("idleConsumerPerMonth"))
                .forEach((k, v) ->
                        md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\nA deployment with nothing to do, per month (queues empty, no consumer polling):\n\n");
        ((Map<String, Object>) cost.get("idleDeploymentPerMonth"))
                .forEach((k, v) ->
                        md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\nWarm handler durations used for Lambda duration (median ms, in-process against DynamoDB Local): ")
                .append(cost.get("warmHandlerMs"))
                .append('\n');

        md.append("\n## Cold start (ms, fresh JVM, -XX:TieredStopAtLevel=1, against DynamoDB Local)\n\n");
        md.append(
                "| handler | JVM start to first answer | of which init | first request | first request after priming | priming |\n|---|---|---|---|---|---|\n");
        for (ColdStart.Times t : (List<ColdStart.Times>) r.get("coldStart")) {
            md.append(String.format(
                    "| %s | %d | %d | %d | %d | %d |%n",
                    t.handler(),
                    t.unprimedTotalMs(),
                    t.unprimedInitMs(),
                    t.unprimedFirstRequestMs(),
                    t.primedFirstRequestMs(),
                    t.primingMs()));
        }
        md.append("\nNotes: ").append(r.get("notes")).append('\n');
        return md.toString();
    }

    private static void table(
            StringBuilder md,
            List<Lifecycle.Outcome> lifecycle,
            List<String> configs,
            String first,
            java.util.function.ToDoubleFunction<Lifecycle.Outcome> figure,
            String format) {
        md.append("| ")
                .append(first)
                .append(" | ")
                .append(String.join(" | ", configs))
                .append(" |\n|---");
        md.append("|---:".repeat(configs.size())).append("|\n");
        for (String target :
                lifecycle.stream().map(Lifecycle.Outcome::target).distinct().toList()) {
            md.append("| ").append(target);
            for (String c : configs) {
                md.append(" | ")
                        .append(find(lifecycle, target, c)
                                .map(o -> String.format(format, figure.applyAsDouble(o)))
                                .orElse("-"));
            }
            md.append(" |\n");
        }
    }

    /** A row of {@code ours ÷ theirs} throughput, as a percentage, under the throughput table. */
    private static void ratio(
            StringBuilder md,
            List<Lifecycle.Outcome> lifecycle,
            List<String> configs,
            String label,
            String ours,
            String theirs) {
        md.append("| *").append(label).append("*");
        for (String c : configs) {
            java.util.Optional<Lifecycle.Outcome> a = find(lifecycle, ours, c);
            java.util.Optional<Lifecycle.Outcome> b = find(lifecycle, theirs, c);
            md.append(" | ")
                    .append(
                            a.isPresent() && b.isPresent()
                                    ? String.format(
                                            "*%.0f%%*",
                                            100 * a.get().perSecond() / b.get().perSecond())
                                    : "-");
        }
        md.append(" |\n");
    }

    /** The outcome of the system whose name starts with {@code targetPrefix} in workload {@code config}. */
    static java.util.Optional<Lifecycle.Outcome> find(
            List<Lifecycle.Outcome> lifecycle, String targetPrefix, String config) {
        return lifecycle.stream()
                .filter(o -> o.target().startsWith(targetPrefix) && config(o).equals(config))
                .findFirst();
    }

    static Map<String, Object> goal(String goal, String measured, boolean met) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("goal", goal);
        g.put("measured", measured);
        g.put("met", met);
        return g;
    }
}
