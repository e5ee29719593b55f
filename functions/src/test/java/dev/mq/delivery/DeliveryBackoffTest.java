package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryBackoffTest {
    final DeliveryWorker.Settings settings = DeliveryWorker.Settings.defaults();

    @Test
    void delay_doublesFromTheBase_withEqualJitter_inWholeSeconds() {
        // attempt n: between half and all of 2^(n-1) s
        assertThat(settings.delaySecondsAfter(1, 0.0)).isEqualTo(1);
        assertThat(settings.delaySecondsAfter(1, 0.999)).isEqualTo(1);
        assertThat(settings.delaySecondsAfter(2, 0.0)).isEqualTo(1);
        assertThat(settings.delaySecondsAfter(2, 0.999)).isEqualTo(2);
        assertThat(settings.delaySecondsAfter(5, 0.0)).isEqualTo(8);
        assertThat(settings.delaySecondsAfter(5, 0.5)).isEqualTo(12);
        assertThat(settings.delaySecondsAfter(5, 0.999)).isEqualTo(16);
    }

    @Test
    void delay_isCappedAtMaxDelay_evenForHugeAttemptNumbers() {
        assertThat(settings.delaySecondsAfter(11, 0.999)).isEqualTo(900);
        assertThat(settings.delaySecondsAfter(11, 0.0)).isEqualTo(450);
        assertThat(settings.delaySecondsAfter(1000, 0.999)).isEqualTo(900);
        assertThat(settings.delaySecondsAfter(Integer.MAX_VALUE, 0.5)).isBetween(450, 900);
    }

    @Test
    void settings_refuseBudgetsAndDelaysOutOfRange() {
        assertThatThrownBy(() -> settings.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryWorker.Settings(Duration.ZERO, Duration.ofMinutes(1), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryWorker.Settings(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryWorker.Settings(Duration.ofSeconds(1), Duration.ofHours(13), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
