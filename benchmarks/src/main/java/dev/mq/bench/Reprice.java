package dev.mq.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mq.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mq.bench.Reprice [results.json]}: the cost model
 * ({@link Cost}) over the measurements a benchmark run recorded (capacity units, warm handler durations,
 * the idle long poll's and the idle deployment's reads), with the prices of this build. It measures
 * nothing, so it takes a second, and a change of prices or of the model (a second front door) shows on
 * the last full run's figures without running it again.
 */
public final class Reprice {
    private Reprice() {}

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results/latest.json");
        JsonNode run = Json.MAPPER.readTree(Files.readString(results));
        System.out.println(
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("from", from(results, run))));
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(cost(run)));
    }

    /** The cost section a run with these measurements writes today. */
    static Map<String, Object> cost(JsonNode run) {
        List<Capacity.Units> capacity =
                Json.MAPPER.convertValue(run.get("capacity"), new TypeReference<List<Capacity.Units>>() {});
        Map<String, Double> warm =
                Json.MAPPER.convertValue(run.at("/cost/warmHandlerMs"), new TypeReference<Map<String, Double>>() {});
        double idleReads =
                run.at("/cost/idleConsumerPerMonth/dynamoReadUnitsPerPoll").asDouble();
        IdleDeployment.Measured idle = Json.MAPPER.convertValue(
                run.at("/cost/idleDeploymentPerMonth/measuredPerMinute"), IdleDeployment.Measured.class);
        return Cost.of(capacity, warm, idleReads, idle);
    }

    private static String from(Path results, JsonNode run) {
        return results + ": " + run.at("/run/command").asText() + ", "
                + run.at("/run/startedAt").asText();
    }
}
