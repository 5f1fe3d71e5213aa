package dev.bulwark.core.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryConfigTest {

    private final RetryConfig retry = RetryConfig.builder().maxAttempts(5).backoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(350)).build();

    @Test
    void theBackoffDoublesWithEachRetryUpToItsMaximumWithHalfOfItRandom() {
        assertThat(retry.delayMillis(1, 0.0)).isEqualTo(50);
        assertThat(retry.delayMillis(1, 0.999)).isEqualTo(99);
        assertThat(retry.delayMillis(2, 0.0)).isEqualTo(100);
        assertThat(retry.delayMillis(2, 0.5)).isEqualTo(150);
        assertThat(retry.delayMillis(3, 0.0)).as("capped at maxBackoff").isEqualTo(175);
        assertThat(retry.delayMillis(9, 0.999)).isEqualTo(349);
        assertThat(retry.delayMillis(64, 0.5)).as("no overflow on absurd attempt numbers").isBetween(175L, 350L);
    }

    @Test
    void oneAttemptMeansNoRetries() {
        assertThat(RetryConfig.OFF.enabled()).isFalse();
        assertThat(RetryConfig.DEFAULT.enabled()).isTrue();
    }
}
