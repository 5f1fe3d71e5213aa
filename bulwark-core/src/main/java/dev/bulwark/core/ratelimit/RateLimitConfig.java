package dev.bulwark.core.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * One named rate-limit tier as configured (the entries of the top-level {@code rateLimits} block), before the
 * route compiler validates it.
 *
 * @param limit          requests per period; {@code null} when not set (an error)
 * @param period         the period; {@code null} when not set (an error)
 * @param burst          requests allowed at once after a quiet spell; {@code null} means {@code limit}
 * @param key            the key parts, combined: {@code ip}, {@code user}, {@code tenant}, {@code apiKey},
 *                       {@code route}, {@code header:NAME}, {@code claim:NAME}; empty means {@code [ip]}
 * @param onStoreFailure what to do when the store cannot decide; {@code null} means {@link OnStoreFailure#DENY}
 */
public record RateLimitConfig(Long limit, Duration period, Long burst, List<String> key,
                              OnStoreFailure onStoreFailure) {

    public RateLimitConfig {
        key = key == null ? List.of() : List.copyOf(key);
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the store-failure policy to apply */
    public OnStoreFailure effectiveOnStoreFailure() {
        return onStoreFailure == null ? OnStoreFailure.DENY : onStoreFailure;
    }

    /** @return the key parts to apply */
    public List<String> effectiveKey() {
        return key.isEmpty() ? List.of(KeySource.IP) : key;
    }

    /** Builds a {@link RateLimitConfig}; the route compiler validates it. Not thread-safe. */
    public static final class Builder {
        private Long limit;
        private Duration period;
        private Long burst;
        private List<String> key = List.of();
        private OnStoreFailure onStoreFailure;

        private Builder() {
        }

        /** Sets {@code limit} requests per {@code period}. */
        public Builder limit(long limit, Duration period) {
            this.limit = limit;
            this.period = period;
            return this;
        }

        public Builder limit(long limit) {
            this.limit = limit;
            return this;
        }

        public Builder period(Duration period) {
            this.period = period;
            return this;
        }

        public Builder burst(long burst) {
            this.burst = burst;
            return this;
        }

        /** Sets the key parts, e.g. {@code "ip", "route"} or {@code "tenant", "header:X-Channel"}. */
        public Builder key(String... parts) {
            return key(List.of(parts));
        }

        public Builder key(List<String> parts) {
            this.key = parts;
            return this;
        }

        public Builder onStoreFailure(OnStoreFailure onStoreFailure) {
            this.onStoreFailure = onStoreFailure;
            return this;
        }

        public RateLimitConfig build() {
            return new RateLimitConfig(limit, period, burst, key, onStoreFailure);
        }
    }
}
