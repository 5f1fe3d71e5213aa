package dev.bulwark.testing;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeClockTest {

    @Test
    void standsStillUntilAdvanced() {
        FakeClock clock = new FakeClock();

        assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START);
        assertThat(clock.advance(Duration.ofSeconds(90))).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(90));
        assertThat(clock.millis()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(90).toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void canBeSetBackToSimulateSkew() {
        FakeClock clock = new FakeClock(Instant.parse("2030-06-01T12:00:00Z"));

        clock.set(Instant.parse("2030-06-01T11:59:00Z"));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2030-06-01T11:59:00Z"));
    }

    @Test
    void refusesToAdvanceBackwards() {
        assertThatThrownBy(() -> new FakeClock().advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("advance must not be negative: PT-1S");
    }

    @Test
    void zonedViewSharesTheTime() {
        FakeClock clock = new FakeClock();
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofHours(1));

        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    }

    @Test
    void concurrentAdvancesAreNotLost() throws InterruptedException {
        FakeClock clock = new FakeClock();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START.plusMillis(4000));
    }
}
