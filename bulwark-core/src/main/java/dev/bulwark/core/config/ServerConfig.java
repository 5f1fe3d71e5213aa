package dev.bulwark.core.config;

import java.time.Duration;
import java.util.List;

/**
 * The listening side of the gateway.
 *
 * @param host             bind address (default {@code 0.0.0.0})
 * @param port             listening port (default 8080; 0 picks a free port)
 * @param tls              TLS settings, or {@code null} for plain HTTP (h2c is still offered)
 * @param http2            whether HTTP/2 is offered (h2c upgrade / prior knowledge, ALPN over TLS); default true
 * @param adminPort        when set, built-in endpoints ({@code /_bulwark/...}) move to this port and leave the
 *                         main one; {@code null} keeps them on the main port
 * @param trustedProxies   CIDRs of proxies whose {@code X-Forwarded-For}/{@code Forwarded}/{@code X-Forwarded-Proto}
 *                         are believed; empty means the socket peer is always the client
 * @param allowedHosts     host names accepted in {@code Host}/{@code :authority} (exact or {@code *.example.com});
 *                         empty accepts any
 * @param maxHeaderCount   most request header fields accepted (default 100); more → 431
 * @param maxHeaderBytes   most total request header bytes accepted (default 16384); more → 431
 * @param shutdownTimeout  how long in-flight requests may finish on shutdown (default 30 s)
 * @param fallbackUpstream upstream for requests no route matches, or {@code null} to answer 404
 * @param accessLog        whether to write one JSON access-log line per request (default true)
 */
public record ServerConfig(String host, int port, TlsConfig tls, boolean http2, Integer adminPort,
                           List<String> trustedProxies, List<String> allowedHosts, int maxHeaderCount,
                           int maxHeaderBytes, Duration shutdownTimeout, String fallbackUpstream,
                           boolean accessLog) {

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
        allowedHosts = List.copyOf(allowedHosts);
    }
}
