package dev.bulwark.core.ratelimit;

/**
 * What a rate-limit tier does when its store cannot decide (backend unreachable). Either way the event
 * {@link dev.bulwark.api.Reason#RATE_LIMIT_STORE_UNAVAILABLE} is emitted, so the choice is visible in metrics.
 */
public enum OnStoreFailure {
    /** Refuse with 503: the safe default, and the only sensible one for login and other auth tiers. */
    DENY,
    /** Let the request through unlimited, for tiers that only smooth load. */
    ALLOW
}
