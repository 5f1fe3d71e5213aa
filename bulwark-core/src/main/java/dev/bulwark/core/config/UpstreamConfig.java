package dev.bulwark.core.config;

import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * A backend the gateway forwards to.
 *
 * @param name            the key under {@code upstreams}
 * @param url             base URL, {@code http} or {@code https}; its path (if any) is prefixed to forwarded paths
 * @param connectTimeout  how long to wait for a connection (default 2 s); then 502
 * @param responseTimeout how long to wait for the response head and between body chunks (default 30 s); then 504
 * @param maxConnections  pooled keep-alive connections per gateway event loop (default 64)
 * @param http2           whether to speak HTTP/2 to this upstream (h2c or ALPN); default {@code false}
 * @param maxConcurrent   requests in progress at this upstream at once, across the gateway's event loops, from
 *                        sending to the last response byte; 0 (the default) for no limit
 * @param queue           requests that may wait for this upstream when {@code maxConcurrent} is reached
 *                        (default 100); they wait up to {@code loadShedding.queueTimeout}
 * @param circuitBreaker  the circuit breaker; {@link BreakerConfig#DEFAULT} unless configured
 * @param retry           how failed idempotent requests are retried; {@link RetryConfig#DEFAULT} unless configured
 */
public record UpstreamConfig(String name, URI url, Duration connectTimeout, Duration responseTimeout,
                             int maxConnections, boolean http2, int maxConcurrent, int queue,
                             BreakerConfig circuitBreaker, RetryConfig retry) {

    /** Requests that may wait for an upstream with a concurrency limit, unless configured. */
    public static final int DEFAULT_QUEUE = 100;

    /** @return a builder with the documented defaults and no URL yet */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link UpstreamConfig}. The name is usually supplied by
     * {@link BulwarkConfig.Builder#upstream(String, Builder)}. Not thread-safe.
     */
    public static final class Builder {
        private String name;
        private URI url;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private int maxConnections = 64;
        private boolean http2;
        private int maxConcurrent;
        private int queue = DEFAULT_QUEUE;
        private BreakerConfig circuitBreaker = BreakerConfig.DEFAULT;
        private RetryConfig retry = RetryConfig.DEFAULT;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder url(URI url) {
            this.url = url;
            return this;
        }

        /** @throws IllegalArgumentException when {@code url} is not URI syntax */
        public Builder url(String url) {
            try {
                return url(new URI(url));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a valid url: \"" + url + "\" (" + e.getReason() + ")", e);
            }
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder http2(boolean http2) {
            this.http2 = http2;
            return this;
        }

        /** Caps the requests in progress at this upstream; 0 for no limit. */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /** Sets how many requests may wait when {@code maxConcurrent} is reached. */
        public Builder queue(int queue) {
            this.queue = queue;
            return this;
        }

        /** Sets the circuit breaker; {@link BreakerConfig#OFF} for none. */
        public Builder circuitBreaker(BreakerConfig circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
            return this;
        }

        /** Sets the retries; {@link RetryConfig#OFF} for none. */
        public Builder retry(RetryConfig retry) {
            this.retry = retry;
            return this;
        }

        public UpstreamConfig build() {
            return new UpstreamConfig(name, url, connectTimeout, responseTimeout, maxConnections, http2,
                    maxConcurrent, queue, circuitBreaker, retry);
        }
    }
}
