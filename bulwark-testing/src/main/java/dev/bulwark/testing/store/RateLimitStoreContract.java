package dev.bulwark.testing.store;

import dev.bulwark.api.store.RateLimitDecision;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.RateLimitStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link RateLimitStore} implementation must show; each implementation's test extends this
 * class and supplies the store.
 *
 * <p>Time is a {@link FakeClock} whose reading is passed into every call, as the rate-limit filter does, so
 * the exact GCRA arithmetic of the interface is checked without sleeping, and a networked store (Redis, with
 * the math in a Lua script) runs this unchanged. Keys are random per test, so a shared server needs no cleanup
 * between tests.
 */
public abstract class RateLimitStoreContract {

    /** The time every call in a test passes in; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private RateLimitStore store;

    /** @return a store to test; may share a backend with earlier stores */
    protected abstract RateLimitStore createStore();

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore();
    }

    /** @return a key no other test uses */
    protected static String uniqueKey() {
        return "contract:" + UUID.randomUUID();
    }

    private RateLimitDecision acquire(String key, RateLimitRule rule) {
        return acquire(key, rule, 1);
    }

    private RateLimitDecision acquire(String key, RateLimitRule rule, int permits) {
        return Concurrently.await(store.acquire(key, rule, clock.millis(), permits));
    }

    private int admitted(String key, RateLimitRule rule, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (acquire(key, rule).allowed()) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void aFreshKeyAdmitsExactlyTheBurstAtOnceCountingDown() {
        RateLimitRule rule = new RateLimitRule(10, Duration.ofMinutes(1), 10);
        String key = uniqueKey();
        for (int i = 9; i >= 0; i--) {
            RateLimitDecision decision = acquire(key, rule);
            assertThat(decision.allowed()).isTrue();
            assertThat(decision.remaining()).isEqualTo(i);
            assertThat(decision.retryAfterMillis()).isZero();
        }
        RateLimitDecision refused = acquire(key, rule);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterMillis()).isEqualTo(6_000);
        assertThat(refused.resetAfterMillis()).isEqualTo(60_000);
    }

    @Test
    void aSteadyClientGetsExactlyTheLimitInEveryPeriod() {
        RateLimitRule rule = new RateLimitRule(10, Duration.ofMinutes(1), 1);
        String key = uniqueKey();
        for (int period = 0; period < 5; period++) {
            int admitted = 0;
            for (int tick = 0; tick < 600; tick++) {
                if (acquire(key, rule).allowed()) {
                    admitted++;
                }
                clock.advance(Duration.ofMillis(100));
            }
            assertThat(admitted).as("period %d", period).isEqualTo(10);
        }
    }

    @Test
    void afterTheFirstBurstEachPeriodAdmitsExactlyTheLimit() {
        RateLimitRule rule = RateLimitRule.of(10, Duration.ofMinutes(1));
        String key = uniqueKey();
        List<Integer> perPeriod = new ArrayList<>();
        for (int period = 0; period < 4; period++) {
            int admitted = 0;
            for (int tick = 0; tick < 600; tick++) {
                admitted += acquire(key, rule).allowed() ? 1 : 0;
                clock.advance(Duration.ofMillis(100));
            }
            perPeriod.add(admitted);
        }
        // the burst of 10 at once, then one every 6 s: 9 more in the first minute, 10 in each later one
        assertThat(perPeriod).containsExactly(19, 10, 10, 10);
    }

    @Test
    void burstIsAvailableAtOnceAndRefillsAtTheSustainedRate() {
        RateLimitRule rule = new RateLimitRule(60, Duration.ofMinutes(1), 5);
        String key = uniqueKey();
        assertThat(admitted(key, rule, 8)).isEqualTo(5);
        RateLimitDecision refused = acquire(key, rule);
        assertThat(refused.retryAfterMillis()).isEqualTo(1_000);

        clock.advance(Duration.ofSeconds(1));
        assertThat(admitted(key, rule, 3)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(admitted(key, rule, 8)).as("a quiet spell restores the burst, never more").isEqualTo(5);
    }

    @Test
    void aWindowEdgeDoesNotLetTwiceTheLimitThrough() {
        RateLimitRule rule = RateLimitRule.of(100, Duration.ofMinutes(1));
        String key = uniqueKey();
        clock.set(FakeClock.DEFAULT_START.plusMillis(59_999));
        assertThat(admitted(key, rule, 100)).isEqualTo(100);

        // a fixed one-minute window would start afresh here and admit another 100
        clock.advance(Duration.ofMillis(2));
        assertThat(admitted(key, rule, 100)).isZero();
        clock.advance(Duration.ofMillis(598));
        assertThat(admitted(key, rule, 100)).as("one interval of 600 ms later").isEqualTo(1);
    }

    @Test
    void refusalsDoNotCountAgainstTheKey() {
        RateLimitRule rule = new RateLimitRule(1, Duration.ofSeconds(10), 1);
        String key = uniqueKey();
        assertThat(acquire(key, rule).allowed()).isTrue();
        for (int i = 0; i < 50; i++) {
            assertThat(acquire(key, rule).retryAfterMillis()).isEqualTo(10_000);
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(acquire(key, rule).allowed()).isTrue();
    }

    @Test
    void aRefusedClientRecoversExactlyWhenToldTo() {
        RateLimitRule rule = RateLimitRule.of(3, Duration.ofSeconds(9));
        String key = uniqueKey();
        admitted(key, rule, 3);
        RateLimitDecision refused = acquire(key, rule);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isEqualTo(3_000);

        clock.advance(Duration.ofMillis(2_999));
        assertThat(acquire(key, rule).allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        RateLimitDecision allowed = acquire(key, rule);
        assertThat(allowed.allowed()).isTrue();
        assertThat(allowed.remaining()).isZero();

        clock.advance(Duration.ofMillis(allowed.resetAfterMillis()));
        RateLimitDecision reset = acquire(key, rule);
        assertThat(reset.remaining()).as("fully reset after resetAfter").isEqualTo(2);
    }

    @Test
    void fractionalIntervalsRoundTowardsFewerRequests() {
        // 180 per minute is one every 333.33 ms; the interval rounds up to 333 334 microseconds
        RateLimitRule rule = new RateLimitRule(180, Duration.ofMinutes(1), 1);
        String key = uniqueKey();
        int admitted = 0;
        for (int ms = 0; ms < 60_000; ms++) {
            admitted += acquire(key, rule).allowed() ? 1 : 0;
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(admitted).isEqualTo(180);
    }

    @Test
    void keysAreIndependent() {
        RateLimitRule rule = RateLimitRule.of(2, Duration.ofMinutes(1));
        String first = uniqueKey();
        String second = uniqueKey();
        assertThat(admitted(first, rule, 5)).isEqualTo(2);
        assertThat(admitted(second, rule, 5)).isEqualTo(2);
    }

    @Test
    void severalPermitsCountAsSeveralRequests() {
        RateLimitRule rule = RateLimitRule.of(10, Duration.ofMinutes(1));
        String key = uniqueKey();
        RateLimitDecision decision = acquire(key, rule, 4);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.remaining()).isEqualTo(6);
        assertThat(acquire(key, rule, 7).allowed()).isFalse();
        assertThat(acquire(key, rule, 6).remaining()).isZero();
    }

    @Test
    void aLaggingClockNeverAdmitsMore() {
        RateLimitRule rule = RateLimitRule.of(5, Duration.ofSeconds(5));
        String key = uniqueKey();
        assertThat(admitted(key, rule, 5)).isEqualTo(5);
        // another node whose clock is two seconds behind asks next
        clock.set(clock.instant().minusSeconds(2));
        assertThat(acquire(key, rule).allowed()).isFalse();
    }

    @Test
    void eightThreadsHammeringOneKeyNeverExceedTheLimit() throws Exception {
        RateLimitRule rule = RateLimitRule.of(100, Duration.ofMinutes(1));
        String key = uniqueKey();
        long now = clock.millis();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    int admitted = 0;
                    for (int i = 0; i < 250; i++) {
                        CompletionStage<RateLimitDecision> stage = store.acquire(key, rule, now, 1);
                        admitted += Concurrently.await(stage).allowed() ? 1 : 0;
                    }
                    return admitted;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidCallsAreRefusedAtOnce() {
        RateLimitRule rule = RateLimitRule.of(5, Duration.ofSeconds(5));
        long now = clock.millis();
        assertThatThrownBy(() -> store.acquire("", rule, now, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.acquire(uniqueKey(), rule, now, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.acquire(uniqueKey(), rule, now, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
        assertThatThrownBy(() -> store.acquire(null, rule, now, 1)).isInstanceOf(NullPointerException.class);
    }
}
