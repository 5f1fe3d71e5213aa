package dev.bulwark.core.config;

import java.net.URI;
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
}
