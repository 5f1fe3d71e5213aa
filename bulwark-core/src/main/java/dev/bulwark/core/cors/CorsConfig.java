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
}
