/**
 * Rate limiting: named tiers (limit, period, burst, key), the {@link dev.bulwark.core.ratelimit.RateLimitFilter}
 * that applies them at {@link dev.bulwark.api.Stage#RATE_LIMIT}, and the bounded
 * {@link dev.bulwark.core.ratelimit.InMemoryRateLimitStore}.
 */
package dev.bulwark.core.ratelimit;
