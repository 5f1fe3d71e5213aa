package dev.bulwark.core.config;

import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.requestid.RequestIdConfig;

/**
 * A bundle of per-route feature settings: the {@code defaults} block, a named policy, or a route's inline
 * settings. A {@code null} component means "not set here, inherit"; merging goes defaults → named policies
 * in listed order → the route's inline settings, each feature replaced as a whole.
 *
 * @param requestId request id assignment
 * @param headers   response hardening headers
 * @param cors      cross-origin rules; {@code null} everywhere means CORS is off for the route
 * @param bodyLimit request body caps
 */
public record PolicyConfig(RequestIdConfig requestId, SecurityHeadersConfig headers, CorsConfig cors,
                           BodyLimitConfig bodyLimit) {

    /** A policy that sets nothing. */
    public static final PolicyConfig EMPTY = new PolicyConfig(null, null, null, null);

    /**
     * The built-in defaults every configuration starts from: {@link RequestIdConfig#DEFAULT},
     * {@link SecurityHeadersConfig#DEFAULT}, no CORS, {@link BodyLimitConfig#DEFAULT}.
     */
    public static final PolicyConfig DEFAULTS = new PolicyConfig(RequestIdConfig.DEFAULT, SecurityHeadersConfig.DEFAULT,
            null, BodyLimitConfig.DEFAULT);

    /** @return this policy with every component that {@code override} sets replaced by the override's */
    public PolicyConfig overriddenBy(PolicyConfig override) {
        return new PolicyConfig(
                override.requestId != null ? override.requestId : requestId,
                override.headers != null ? override.headers : headers,
                override.cors != null ? override.cors : cors,
                override.bodyLimit != null ? override.bodyLimit : bodyLimit);
    }

    /** @return a builder for a policy that sets nothing until told to */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PolicyConfig}; unset features stay {@code null} (inherited). Not thread-safe. */
    public static final class Builder {
        private RequestIdConfig requestId;
        private SecurityHeadersConfig headers;
        private CorsConfig cors;
        private BodyLimitConfig bodyLimit;

        private Builder() {
        }

        public Builder requestId(RequestIdConfig requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder requestId(RequestIdConfig.Builder requestId) {
            return requestId(requestId.build());
        }

        public Builder headers(SecurityHeadersConfig headers) {
            this.headers = headers;
            return this;
        }

        public Builder headers(SecurityHeadersConfig.Builder headers) {
            return headers(headers.build());
        }

        public Builder cors(CorsConfig cors) {
            this.cors = cors;
            return this;
        }

        public Builder cors(CorsConfig.Builder cors) {
            return cors(cors.build());
        }

        public Builder bodyLimit(BodyLimitConfig bodyLimit) {
            this.bodyLimit = bodyLimit;
            return this;
        }

        public Builder bodyLimit(BodyLimitConfig.Builder bodyLimit) {
            return bodyLimit(bodyLimit.build());
        }

        /** Sets the same body cap for every kind of content. */
        public Builder bodyLimit(long bytes) {
            return bodyLimit(BodyLimitConfig.uniform(bytes));
        }

        public PolicyConfig build() {
            return new PolicyConfig(requestId, headers, cors, bodyLimit);
        }
    }
}
