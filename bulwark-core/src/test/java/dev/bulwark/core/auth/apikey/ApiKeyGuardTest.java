package dev.bulwark.core.auth.apikey;

import dev.bulwark.api.Exchange;
import dev.bulwark.core.ratelimit.InMemoryRateLimitStore;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyGuardTest {

    private final FakeClock clock = new FakeClock();
    private final ApiKeyGuard guard = new ApiKeyGuard(new ApiKeyConfig(3, Duration.ofMinutes(1)),
            new InMemoryRateLimitStore(1000), clock);

    private static Exchange from(String ip) {
        return ExchangeBuilder.get("/api/orders").clientIp(ip).build();
    }

    private Duration fail(String ip) throws Exception {
        return guard.recordFailure(from(ip)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAddressIsBlockedAtTheFailureAfterTheLimitAndOthersAreNot() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(fail("203.0.113.7")).isZero();
            assertThat(guard.blockedFor(from("203.0.113.7"))).isZero();
        }

        Duration blocked = fail("203.0.113.7");

        // Three a minute: the next try is allowed a third of a minute later.
        assertThat(blocked).isEqualTo(Duration.ofSeconds(20));
        assertThat(guard.blockedFor(from("203.0.113.7"))).isEqualTo(Duration.ofSeconds(20));
        assertThat(guard.blockedFor(from("198.51.100.4"))).isZero();
        assertThat(fail("198.51.100.4")).isZero();
    }

    @Test
    void aBlockEndsAfterItsRetryTimeAndGuessingThenGoesAtTheConfiguredRate() throws Exception {
        for (int i = 0; i < 3; i++) {
            fail("203.0.113.7");
        }
        Duration blocked = fail("203.0.113.7");

        clock.advance(blocked.minusMillis(1));
        assertThat(guard.blockedFor(from("203.0.113.7"))).isEqualTo(Duration.ofMillis(1));
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.blockedFor(from("203.0.113.7"))).isZero();

        assertThat(fail("203.0.113.7")).as("one more try after 20 s").isZero();
        assertThat(fail("203.0.113.7")).as("and then blocked again").isPositive();
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() throws Exception {
        for (int i = 0; i < 3; i++) {
            fail("2001:db8:1:2::" + (i + 1));
        }

        assertThat(fail("2001:db8:1:2::ffff")).isPositive();
        assertThat(guard.blockedFor(from("2001:db8:1:2:abcd::1"))).isPositive();
        assertThat(guard.blockedFor(from("2001:db8:1:3::1"))).isZero();
    }
}
