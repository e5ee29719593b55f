package dev.mq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.model.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The harness in its smallest mode: it must run every part and write well-formed results. No figure is
 * judged here; performance goals are read from real runs of the benchmark command.
 */
class BenchmarksTest {
    @Test
    void tinyRun_writesWellFormedJsonMarkdownAndChart(@TempDir Path out) throws Exception {
        int code = new CommandLine(new Benchmarks()).execute("--tiny", "--out", out.toString());

        assertThat(code).isZero();
        JsonNode results = Json.MAPPER.readTree(Files.readString(out.resolve("latest.json")));
        assertThat(results.at("/run/command").asText()).isEqualTo("java -jar benchmarks/target/benchmarks.jar --tiny");
        assertThat(results.get("goals")).hasSize(9).allSatisfy(g -> {
            assertThat(g.get("goal").asText()).isNotBlank();
            assertThat(g.get("measured").asText()).isNotBlank();
            assertThat(g.get("met").isBoolean()).isTrue();
        });
        // 5 systems x 2 thread counts x (single, batch of 10)
        assertThat(results.get("lifecycle")).hasSize(20).allSatisfy(o -> {
            assertThat(o.get("perSecond").asDouble()).isPositive();
            assertThat(o.get("cpuMsPerMessage").asDouble()).isPositive();
        });
        assertThat(results.get("latency"))
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.get("samples").asInt()).isPositive());
        assertThat(results.get("capacity")).hasSize(6);
        assertThat(results.at("/capacity/0/writeUnits").asDouble()).isPositive();
        assertThat(results.at("/cost/perMillionMessages/totalRestApi/onePerRequest")
                        .asDouble())
                .isPositive();
        // the HTTP API's $1.00 per million requests instead of the REST API's $3.50, 3 requests a message
        assertThat(results.at("/cost/perMillionMessages/totalRestApi/onePerRequest")
                                .asDouble()
                        - results.at("/cost/perMillionMessages/totalHttpApi/onePerRequest")
                                .asDouble())
                .isCloseTo(7.50, org.assertj.core.data.Offset.offset(0.001));
        // the same measurements, repriced from the results file, give the same figures
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(Reprice.cost(results))))
                .isEqualTo(results.get("cost"));
        assertThat(results.at("/cost/idleConsumerPerMonth/receiveCallsPerMonth").asLong())
                .isEqualTo(129_600);
        // an idle deployment: a fixed part, and a part per queue that includes its custom metrics
        // 28 alarms at $0.10: errors and throttles of ten functions, four iterator ages, four more
        assertThat(results.at("/cost/idleDeploymentPerMonth/perDeployment/alarms")
                        .asDouble())
                .isEqualTo(2.8);
        assertThat(results.at("/cost/idleDeploymentPerMonth/perQueue/customMetrics")
                        .asDouble())
                .isEqualTo(1.2);
        assertThat(results.at("/cost/idleDeploymentPerMonth/measuredPerMinute/perQueue/readUnits")
                        .asDouble())
                .isPositive();
        // in flight and delayed, each beside 0 and 20 hidden messages
        assertThat(results.get("backlog")).hasSize(4).allSatisfy(p -> {
            assertThat(p.get("readUnitsPerMessage").asDouble()).isPositive();
            assertThat(p.get("p50Ms").asDouble()).isPositive();
        });
        assertThat(results.get("statsCost"))
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.get("readUnits").asDouble()).isPositive());
        assertThat(results.get("coldStart")).hasSize(1);
        assertThat(results.at("/coldStart/0/unprimedTotalMs").asLong()).isPositive();

        String markdown = Files.readString(out.resolve("latest.md"));
        assertThat(markdown)
                .contains(
                        "# Benchmark results",
                        "## Goals",
                        "![throughput](throughput.png)",
                        "*mq over HTTP ÷ ElasticMQ*",
                        "*mq over SQS API ÷ mq over HTTP*",
                        "*mq library mode ÷ raw DynamoDB Local*",
                        "## CPU per message (ms, client and server, whole process)",
                        "## Latency (ms)",
                        "## DynamoDB capacity units per message",
                        "## Cost on AWS",
                        "## Cold start",
                        "![backlog](backlog.png)",
                        "| 20 in flight |",
                        "| 20 delayed |",
                        "## A queue's stats beside stored messages");

        BufferedImage chart = ImageIO.read(out.resolve("throughput.png").toFile());
        assertThat(chart.getWidth()).isEqualTo(1000);
        assertThat(chart.getHeight()).isEqualTo(520);
        assertThat(ImageIO.read(out.resolve("backlog.png").toFile()).getWidth()).isEqualTo(800);
    }
}
