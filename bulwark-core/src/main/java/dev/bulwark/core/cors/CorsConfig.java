package dev.bulwark.core.cors;

import java.time.Duration;
import java.util.List;

/**
 * Cross-origin rules for a route. Origins not allowed get no CORS headers at all, and their preflights get 403.
 *
 * @param allowedOrigins       exact origins ({@code https://app.example.com}) or subdomain patterns
 *                             ({@code https://*.example.com}, which does not match the apex); {@code *} allows
 *                             any origin and cannot be combined with credentials
 * @param allowedOriginRegexes full-match regular expressions over the origin, for what patterns cannot say
 * @param allowCredentials     whether to send {@code Access-Control-Allow-Credentials: true}
 * @param allowedMethods       methods a preflight may ask for
 * @param allowedHeaders       request headers a preflight may ask for (case-insensitive)
 * @param exposedHeaders       response headers scripts may read
 * @param maxAge               how long browsers may cache a preflight
 */
public record CorsConfig(List<String> allowedOrigins, List<String> allowedOriginRegexes, boolean allowCredentials,
                         List<String> allowedMethods, List<String> allowedHeaders, List<String> exposedHeaders,
                         Duration maxAge) {

    public CorsConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedOriginRegexes = List.copyOf(allowedOriginRegexes);
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders);
        exposedHeaders = List.copyOf(exposedHeaders);
    }

    /**
     * CORS explicitly off, overriding an inherited configuration ({@code cors: false}): the gateway neither
     * answers preflights nor touches {@code Access-Control-*} headers, so the upstream's pass through. Compared by
     * identity; build an ordinary config to allow origins.
     */
    public static final CorsConfig OFF = new CorsConfig(List.of(), List.of(), false, List.of(), List.of(), List.of(),
            Duration.ZERO);

    /** @return whether this is {@link #OFF} */
    public boolean isOff() {
        return this == OFF;
    }

    /**
     * @return a builder with no allowed origins, no credentials, methods GET, HEAD, POST, PUT, PATCH, DELETE,
     *     allowed headers Authorization, Content-Type, X-Request-Id, exposed header X-Request-Id, max-age 10 minutes
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CorsConfig}; see {@link #builder()} for the starting values. Not thread-safe. */
    public static final class Builder {
        private List<String> allowedOrigins = List.of();
        private List<String> allowedOriginRegexes = List.of();
        private boolean allowCredentials;
        private List<String> allowedMethods = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
        private List<String> allowedHeaders = List.of("Authorization", "Content-Type", "X-Request-Id");
        private List<String> exposedHeaders = List.of("X-Request-Id");
        private Duration maxAge = Duration.ofMinutes(10);

        private Builder() {
        }

        public Builder allowedOrigins(List<String> origins) {
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        public Builder allowedOrigins(String... origins) {
            return allowedOrigins(List.of(origins));
        }

        public Builder allowedOriginRegexes(List<String> regexes) {
            this.allowedOriginRegexes = List.copyOf(regexes);
            return this;
        }

        public Builder allowedOriginRegexes(String... regexes) {
            return allowedOriginRegexes(List.of(regexes));
        }

        public Builder allowCredentials(boolean allowCredentials) {
            this.allowCredentials = allowCredentials;
            return this;
        }

        public Builder allowedMethods(List<String> methods) {
            this.allowedMethods = List.copyOf(methods);
            return this;
        }

        public Builder allowedMethods(String... methods) {
            return allowedMethods(List.of(methods));
        }

        public Builder allowedHeaders(List<String> headers) {
            this.allowedHeaders = List.copyOf(headers);
            return this;
        }

        public Builder allowedHeaders(String... headers) {
            return allowedHeaders(List.of(headers));
        }

        public Builder exposedHeaders(List<String> headers) {
            this.exposedHeaders = List.copyOf(headers);
            return this;
        }

        public Builder exposedHeaders(String... headers) {
            return exposedHeaders(List.of(headers));
        }

        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        public CorsConfig build() {
            return new CorsConfig(allowedOrigins, allowedOriginRegexes, allowCredentials, allowedMethods,
                    allowedHeaders, exposedHeaders, maxAge);
        }
    }
}
