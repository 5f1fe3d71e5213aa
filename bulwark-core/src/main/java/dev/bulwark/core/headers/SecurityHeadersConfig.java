package dev.bulwark.core.headers;

import java.time.Duration;
import java.util.List;

/**
 * Response hardening headers. A {@code null} string value means "do not send that header".
 *
 * @param contentSecurityPolicy     the {@code Content-Security-Policy} value
 * @param hsts                      HSTS settings, or {@code null} to never send it
 * @param frameOptions              {@code X-Frame-Options} (default {@code DENY})
 * @param noSniff                   whether to send {@code X-Content-Type-Options: nosniff}
 * @param referrerPolicy            {@code Referrer-Policy} (default {@code no-referrer})
 * @param crossOriginResourcePolicy {@code Cross-Origin-Resource-Policy} (default {@code same-origin})
 * @param permissionsPolicy         {@code Permissions-Policy}
 * @param removeResponseHeaders     upstream response headers removed before the client sees them
 */
public record SecurityHeadersConfig(String contentSecurityPolicy, Hsts hsts, String frameOptions, boolean noSniff,
                                    String referrerPolicy, String crossOriginResourcePolicy,
                                    String permissionsPolicy, List<String> removeResponseHeaders) {

    /** Safe defaults for an API: nothing may frame, embed or sniff it. */
    public static final SecurityHeadersConfig DEFAULT = new SecurityHeadersConfig(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
            new Hsts(Duration.ofDays(365), true, false),
            "DENY", true, "no-referrer", "same-origin",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            List.of("X-Powered-By", "Server", "X-AspNet-Version", "X-AspNetMvc-Version"));

    public SecurityHeadersConfig {
        removeResponseHeaders = List.copyOf(removeResponseHeaders);
    }

    /**
     * {@code Strict-Transport-Security} settings; sent only on requests that arrived over TLS (directly or
     * through a trusted TLS-terminating proxy), because browsers ignore it over plain HTTP.
     *
     * @param maxAge            how long browsers remember to use HTTPS
     * @param includeSubDomains whether the rule covers subdomains
     * @param preload           whether to add {@code preload}
     */
    public record Hsts(Duration maxAge, boolean includeSubDomains, boolean preload) {
    }

    /** @return a builder starting from {@link #DEFAULT}: set only what differs */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link SecurityHeadersConfig}; unset fields keep the {@link #DEFAULT} values, and a
     * {@code null} header value turns that header off. Not thread-safe.
     */
    public static final class Builder {
        private String contentSecurityPolicy = DEFAULT.contentSecurityPolicy;
        private Hsts hsts = DEFAULT.hsts;
        private String frameOptions = DEFAULT.frameOptions;
        private boolean noSniff = DEFAULT.noSniff;
        private String referrerPolicy = DEFAULT.referrerPolicy;
        private String crossOriginResourcePolicy = DEFAULT.crossOriginResourcePolicy;
        private String permissionsPolicy = DEFAULT.permissionsPolicy;
        private List<String> removeResponseHeaders = DEFAULT.removeResponseHeaders;

        private Builder() {
        }

        /** Turns every header off and removes nothing, as a starting point for an explicit set. */
        public Builder disableAll() {
            contentSecurityPolicy = null;
            hsts = null;
            frameOptions = null;
            noSniff = false;
            referrerPolicy = null;
            crossOriginResourcePolicy = null;
            permissionsPolicy = null;
            removeResponseHeaders = List.of();
            return this;
        }

        public Builder contentSecurityPolicy(String value) {
            this.contentSecurityPolicy = value;
            return this;
        }

        public Builder hsts(Hsts hsts) {
            this.hsts = hsts;
            return this;
        }

        public Builder frameOptions(String value) {
            this.frameOptions = value;
            return this;
        }

        public Builder noSniff(boolean noSniff) {
            this.noSniff = noSniff;
            return this;
        }

        public Builder referrerPolicy(String value) {
            this.referrerPolicy = value;
            return this;
        }

        public Builder crossOriginResourcePolicy(String value) {
            this.crossOriginResourcePolicy = value;
            return this;
        }

        public Builder permissionsPolicy(String value) {
            this.permissionsPolicy = value;
            return this;
        }

        public Builder removeResponseHeaders(List<String> names) {
            this.removeResponseHeaders = List.copyOf(names);
            return this;
        }

        public Builder removeResponseHeaders(String... names) {
            return removeResponseHeaders(List.of(names));
        }

        public SecurityHeadersConfig build() {
            return new SecurityHeadersConfig(contentSecurityPolicy, hsts, frameOptions, noSniff, referrerPolicy,
                    crossOriginResourcePolicy, permissionsPolicy, removeResponseHeaders);
        }
    }
}
