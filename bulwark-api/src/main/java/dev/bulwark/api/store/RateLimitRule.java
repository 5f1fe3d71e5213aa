package dev.bulwark.api.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast one key may go: {@code limit} requests per {@code period} on average, of which {@code burst} may
 * arrive at once after a quiet spell. Immutable.
 *
 * <p>The rule is applied with the generic cell rate algorithm described on {@link RateLimitStore}: requests
 * are spaced by the {@linkplain #emissionIntervalMicros() emission interval} {@code period / limit}, and a
 * client may run up to {@code burst} intervals ahead of that schedule. So a client that keeps asking is
 * admitted exactly {@code limit} times per {@code period}, and in any interval of length {@code d} at most
 * {@code burst + d / emissionInterval} requests get through; there is no window edge at which twice the
 * limit passes.
 *
 * @param limit  requests per period, at least 1
 * @param period the period, at least one millisecond
 * @param burst  how many requests may arrive at once, at least 1
 * @throws IllegalArgumentException when a value is out of range, or the burst takes more than
 *                                  {@link #MAX_PERIOD} to refill
 */
public record RateLimitRule(long limit, Duration period, long burst) {

    /** Rules longer than this are refused, so every derived microsecond value fits in 53 bits (a Lua number). */
    public static final Duration MAX_PERIOD = Duration.ofDays(366);

    /** The largest limit or burst: far above any real policy, and keeps {@code burst * interval} exact. */
    public static final long MAX_COUNT = 1_000_000_000L;

    public RateLimitRule {
        Objects.requireNonNull(period, "period");
        if (limit <= 0 || limit > MAX_COUNT) {
            throw new IllegalArgumentException("rate limit must be between 1 and " + MAX_COUNT + ": " + limit);
        }
        if (burst <= 0 || burst > MAX_COUNT) {
            throw new IllegalArgumentException("rate limit burst must be between 1 and " + MAX_COUNT + ": " + burst);
        }
        if (period.toMillis() < 1 || period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("rate limit period must be between 1ms and 366d: " + period);
        }
        long interval = Math.max(1, (period.toNanos() / 1_000 + limit - 1) / limit);
        if (burst > MAX_PERIOD.toNanos() / 1_000 / interval) {
            throw new IllegalArgumentException("rate limit burst must not take more than 366d to refill: burst "
                    + burst + " at " + limit + " per " + period);
        }
    }

    /** @return a rule whose burst equals its limit: a quiet client may spend a whole period's quota at once */
    public static RateLimitRule of(long limit, Duration period) {
        return new RateLimitRule(limit, period, limit);
    }

    /**
     * @return the spacing between requests at the sustained rate, {@code ceil(period / limit)} in whole
     *     microseconds; rounded up so the rate never exceeds {@code limit} per {@code period}
     */
    public long emissionIntervalMicros() {
        long periodMicros = period.toNanos() / 1_000;
        return Math.max(1, (periodMicros + limit - 1) / limit);
    }

    /** @return how far ahead of the schedule a client may run: {@code burst * emissionInterval} microseconds */
    public long toleranceMicros() {
        return burst * emissionIntervalMicros();
    }
}
