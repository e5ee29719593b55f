package dev.mq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost model's arithmetic for the two front doors, on fixed inputs. */
class CostTest {
    static final Capacity.Units ONE_KB = new Capacity.Units("standard", 3.0, 0.5, Map.of());
    static final Capacity.Units BATCHED = new Capacity.Units("batched", 3.0, 0.17, Map.of());
    static final Map<String, Double> WARM =
            Map.of("send", 3.0, "receive", 7.0, "ack", 3.0, "send10", 5.0, "receive10", 20.0, "ack10", 12.0);

    @Test
    void perMillionMessages_differOnlyInTheRequestPrice_350_against_100_perMillion() {
        Map<String, Object> cost = Cost.perMillionMessages(ONE_KB, BATCHED, WARM);

        assertThat(cost.get("apiGatewayRestApi")).isEqualTo(Map.of("onePerRequest", 10.5, "batchesOf10", 1.05));
        assertThat(cost.get("apiGatewayHttpApi")).isEqualTo(Map.of("onePerRequest", 3.0, "batchesOf10", 0.3));
        double rest = single(cost, "totalRestApi");
        double http = single(cost, "totalHttpApi");
        assertThat(rest - http).isCloseTo(7.5, org.assertj.core.data.Offset.offset(0.0002));
    }

    @Test
    void anIdleConsumer_paysEachReceiveCallsRequest_atItsFrontDoorsPrice() {
        Map<String, Object> cost = Cost.idleConsumerPerMonth(45);

        assertThat(cost.get("apiGatewayRestApi")).isEqualTo(0.4536); // 129,600 calls at $3.50 per million
        assertThat(cost.get("apiGatewayHttpApi")).isEqualTo(0.1296); // at $1.00 per million
        assertThat((double) cost.get("totalRestApi") - (double) cost.get("totalHttpApi"))
                .isCloseTo(0.324, org.assertj.core.data.Offset.offset(0.0002));
    }

    @Test
    void aFannedOutMessage_isSevenRequests_atEitherPrice() {
        Map<String, Object> cost = Cost.perMillionFannedOut(new Capacity.Units("topic", 25.0, 3.0, Map.of()));

        assertThat(cost.get("apiGatewayRestApi")).isEqualTo(24.5);
        assertThat(cost.get("apiGatewayHttpApi")).isEqualTo(7.0);
    }

    @SuppressWarnings("unchecked")
    private static double single(Map<String, Object> cost, String key) {
        return ((Map<String, Double>) cost.get(key)).get("onePerRequest");
    }
}
