package dev.bulwark.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How credential failures turn into lockouts: after {@code threshold} failures the key is locked for the
 * next step's duration (10 m, then 25 m, 45 m, 1 h, 6 h by default; the last step repeats), and the failure
 * count starts again. A key with no failure for {@code memory} is forgotten, lockout level included.
 *
 * @param threshold failures that trigger a lockout, at least 1
 * @param steps     the lock durations, in order; at least one, each positive
 * @param memory    how long a key is remembered after its last failure or lock end; positive
 */
public record LockoutPolicy(int threshold, List<Duration> steps, Duration memory) {

    /** The default: 5 failures, then 10 m, 25 m, 45 m, 1 h, 6 h, remembered for 24 h. */
    public static final LockoutPolicy DEFAULT = new LockoutPolicy(5,
            List.of(Duration.ofMinutes(10), Duration.ofMinutes(25), Duration.ofMinutes(45), Duration.ofHours(1),
                    Duration.ofHours(6)),
            Duration.ofHours(24));

    public LockoutPolicy {
        if (threshold < 1) {
            throw new IllegalArgumentException("lockout threshold must be at least 1: " + threshold);
        }
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("lockout steps must not be empty");
        }
        steps.forEach(step -> SessionStore.checkPositive(step, "lockout step"));
        SessionStore.checkPositive(memory, "lockout memory");
    }

    /** @return the lock duration for the {@code level}-th lockout (1-based); the last step repeats */
    public Duration step(int level) {
        if (level < 1) {
            throw new IllegalArgumentException("lockout level must be at least 1: " + level);
        }
        return steps.get(Math.min(level, steps.size()) - 1);
    }

    /**
     * The lockout arithmetic every store shares: a failure while locked changes nothing; otherwise it counts,
     * and reaching the threshold locks for the next step and restarts the count.
     *
     * @return the state after one more failure at {@code now}; {@code state} itself when nothing changed
     */
    public LockState afterFailure(LockState state, Instant now) {
        if (state.isLockedAt(now)) {
            return state;
        }
        int failures = state.failures() + 1;
        if (failures < threshold) {
            return new LockState(failures, state.level(), state.lockedUntil());
        }
        int level = state.level() + 1;
        return new LockState(0, level, now.plus(step(level)));
    }

    /** @return when a key in {@code state} is forgotten: {@link #memory()} after the later of now and its lock end */
    public Instant forgetAt(LockState state, Instant now) {
        Instant from = state.lockedUntil() != null && state.lockedUntil().isAfter(now) ? state.lockedUntil() : now;
        return from.plus(memory);
    }
}
