package dev.bulwark.testing.store;

import dev.bulwark.api.store.LockState;
import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.api.store.LoginAttemptStore;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.bulwark.testing.store.Concurrently.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link LoginAttemptStore} implementation must show: counting, the progressive lockout
 * steps of seed 003 (10 m, 25 m, 45 m, 1 h, 6 h), forgetting, and exact counting under concurrency. Each
 * implementation's test extends this class and supplies the store.
 *
 * <p>Keys are random per test, so a shared database needs no cleanup between tests.
 */
public abstract class LoginAttemptStoreContract {

    private static final LockoutPolicy POLICY = LockoutPolicy.DEFAULT;

    /** The clock given to the store; tests move it. */
    protected final FakeClock clock = new FakeClock();

    private LoginAttemptStore store;

    /**
     * @param clock the clock the store must measure lockouts with
     * @return a store to test; may share a backend with earlier stores
     */
    protected abstract LoginAttemptStore createStore(FakeClock clock);

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore(clock);
    }

    private static String key() {
        return "pair:" + UUID.randomUUID() + "|203.0.113.7";
    }

    private LockState fail(String key, int times) {
        LockState state = null;
        for (int i = 0; i < times; i++) {
            state = await(store.recordFailure(key, POLICY));
        }
        return state;
    }

    @Test
    void anUnknownKeyIsClear() {
        assertThat(await(store.lockState(key()))).isEqualTo(LockState.CLEAR);
    }

    @Test
    void failuresBelowTheThresholdAreCountedWithoutLocking() {
        String key = key();

        LockState state = fail(key, 4);

        assertThat(state.failures()).isEqualTo(4);
        assertThat(state.isLockedAt(clock.instant())).isFalse();
        assertThat(await(store.lockState(key))).isEqualTo(state);
    }

    @Test
    void reachingTheThresholdLocksForTheFirstStep() {
        String key = key();

        LockState state = fail(key, 5);

        assertThat(state.level()).isEqualTo(1);
        assertThat(state.failures()).isZero();
        assertThat(state.retryAfter(clock.instant())).hasValue(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(9));
        assertThat(await(store.lockState(key)).isLockedAt(clock.instant())).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(await(store.lockState(key)).isLockedAt(clock.instant())).isFalse();
    }

    @Test
    void lockoutsGrowThroughTheStepsAndTheLastOneRepeats() {
        String key = key();
        List<Duration> expected = List.of(Duration.ofMinutes(10), Duration.ofMinutes(25), Duration.ofMinutes(45),
                Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(6));

        for (int level = 1; level <= expected.size(); level++) {
            LockState state = fail(key, 5);
            assertThat(state.level()).isEqualTo(level);
            assertThat(state.retryAfter(clock.instant())).hasValue(expected.get(level - 1));
            clock.set(state.lockedUntil());
        }
    }

    @Test
    void failuresWhileLockedAreNotCounted() {
        String key = key();
        LockState locked = fail(key, 5);

        LockState hammered = fail(key, 20);

        assertThat(hammered).isEqualTo(locked);
        clock.set(locked.lockedUntil());
        assertThat(fail(key, 1).failures()).isEqualTo(1);
    }

    @Test
    void resetClearsTheKeyAndOnlyThatKey() {
        String key = key();
        String other = key();
        fail(key, 5);
        fail(other, 3);

        await(store.reset(key));

        assertThat(await(store.lockState(key))).isEqualTo(LockState.CLEAR);
        assertThat(await(store.lockState(other)).failures()).isEqualTo(3);
        await(store.reset(key()));
    }

    @Test
    void aKeyIsForgottenAfterTheMemoryPeriod() {
        String key = key();
        fail(key, 3);
        clock.advance(Duration.ofHours(23));
        assertThat(await(store.lockState(key)).failures()).isEqualTo(3);

        clock.advance(Duration.ofHours(1));

        assertThat(await(store.lockState(key))).isEqualTo(LockState.CLEAR);
    }

    @Test
    void theMemoryPeriodStartsWhenTheLockEnds() {
        String key = key();
        LockState locked = fail(key, 5);
        clock.set(locked.lockedUntil().plus(Duration.ofHours(23)));

        assertThat(await(store.lockState(key)).level()).isEqualTo(1);
        assertThat(fail(key, 5).retryAfter(clock.instant())).as("second step").hasValue(Duration.ofMinutes(25));
    }

    @Test
    void eightConcurrentFailuresCountEightAndLockExactlyOnce() throws Exception {
        String key = key();
        LockoutPolicy eight = new LockoutPolicy(8, List.of(Duration.ofMinutes(10)), Duration.ofHours(1));

        List<LockState> states = Concurrently.run(8, i -> store.recordFailure(key, eight));

        assertThat(states).filteredOn(s -> s.level() == 1 && s.failures() == 0).hasSize(1);
        assertThat(states).extracting(LockState::failures).filteredOn(f -> f > 0)
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
        assertThat(await(store.lockState(key)).isLockedAt(clock.instant())).isTrue();
    }

    @Test
    void emptyKeysAreRefused() {
        assertThatThrownBy(() -> store.recordFailure("", POLICY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LockoutPolicy(0, List.of(Duration.ofMinutes(1)), Duration.ofHours(1)))
                .hasMessage("lockout threshold must be at least 1: 0");
    }
}
