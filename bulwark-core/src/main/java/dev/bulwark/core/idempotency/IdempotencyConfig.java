package dev.bulwark.core.idempotency;

import java.time.Duration;

/**
 * De-duplication settings for a route.
 *
 * @param enabled whether requests are de-duplicated at all
 * @param key     where the key comes from: a header name or a JSON path starting with {@code $}; {@code null}
 *                means the webhook preset's default
 * @param ttl     how long a key is remembered; {@code null} means {@link #DEFAULT_TTL}
 */
public record IdempotencyConfig(boolean enabled, String key, Duration ttl) {

    /** Providers retry for about a day (Meta and Stripe up to three days with backoff; most within hours). */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    /** De-duplication with the preset's default key and TTL. */
    public static final IdempotencyConfig DEFAULTS = new IdempotencyConfig(true, null, null);

    /** No de-duplication. */
    public static final IdempotencyConfig DISABLED = new IdempotencyConfig(false, null, null);

    /** @return the TTL to use */
    public Duration effectiveTtl() {
        return ttl == null ? DEFAULT_TTL : ttl;
    }
}
