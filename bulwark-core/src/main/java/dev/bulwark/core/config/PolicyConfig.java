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

    /** @return this policy with every component that {@code override} sets replaced by the override's */
    public PolicyConfig overriddenBy(PolicyConfig override) {
        return new PolicyConfig(
                override.requestId != null ? override.requestId : requestId,
                override.headers != null ? override.headers : headers,
                override.cors != null ? override.cors : cors,
                override.bodyLimit != null ? override.bodyLimit : bodyLimit);
    }
}
