package dev.bulwark.api.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a {@link LoginAttemptStore} key stands: failures counted since the last lockout, how many lockouts it
 * has had, and until when it is locked.
 *
 * @param failures    failures since the last lockout (or since the key was first seen)
 * @param level       lockouts so far; 0 when never locked
 * @param lockedUntil the end of the current or last lockout, or {@code null} when never locked
 */
public record LockState(int failures, int level, Instant lockedUntil) {

    /** A key with no history. */
    public static final LockState CLEAR = new LockState(0, 0, null);

    public LockState {
        if (failures < 0 || level < 0) {
            throw new IllegalArgumentException("failures and level must not be negative: " + failures + ", " + level);
        }
    }

    /** @return whether the key is locked at {@code now} */
    public boolean isLockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** @return how long until the lock ends (for {@code Retry-After}), empty when not locked at {@code now} */
    public Optional<Duration> retryAfter(Instant now) {
        return isLockedAt(now) ? Optional.of(Duration.between(now, lockedUntil)) : Optional.empty();
    }
}
