package dev.bulwark.api.store;

/**
 * The outcome of one {@link RateLimitStore#acquire rate-limit decision}. Immutable.
 *
 * @param allowed          whether the permits were granted (and counted)
 * @param remaining        how many more single requests would be granted right now, never negative
 * @param resetAfterMillis how long until the key is back to its full burst, rounded up to whole milliseconds;
 *                         {@code 0} when it already is
 * @param retryAfterMillis when refused, how long until the same request would be granted, rounded up to
 *                         whole milliseconds (at least 1); {@code 0} when allowed
 */
public record RateLimitDecision(boolean allowed, long remaining, long resetAfterMillis, long retryAfterMillis) {

    public RateLimitDecision {
        if (remaining < 0 || resetAfterMillis < 0 || retryAfterMillis < 0) {
            throw new IllegalArgumentException("rate limit decision values must not be negative: remaining="
                    + remaining + ", resetAfter=" + resetAfterMillis + ", retryAfter=" + retryAfterMillis);
        }
        if (allowed == (retryAfterMillis > 0)) {
            throw new IllegalArgumentException("retry after must be positive exactly when refused: " + retryAfterMillis);
        }
    }
}
