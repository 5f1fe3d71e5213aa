package dev.bulwark.core.config;

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
 */
public record UpstreamConfig(String name, URI url, Duration connectTimeout, Duration responseTimeout,
                             int maxConnections, boolean http2) {

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

        public UpstreamConfig build() {
            return new UpstreamConfig(name, url, connectTimeout, responseTimeout, maxConnections, http2);
        }
    }
}
