package dev.mq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each lifecycle run of our systems begins on an empty DynamoDB Local: whatever an earlier run stored
 * (and the stream records DynamoDB Local keeps of it, which slow every later write) is not there.
 */
class TargetsTest {
    private interface Opener {
        Targets.Target open(String queue) throws Exception;
    }

    @Test
    void aTargetOpenedAgain_findsNothingAnEarlierOneLeft() throws Exception {
        for (Opener system : List.<Opener>of(Targets::http, Targets::library)) {
            try (Targets.Target first = system.open("bench-again")) {
                first.send(List.of("left behind", "left behind"));
            }
            try (Targets.Target second = system.open("bench-again")) {
                assertThat(second.receive(10)).as(second.name()).isEmpty();
            }
        }
    }
}
