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
}
