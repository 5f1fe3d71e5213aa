package dev.bulwark.core.config;

import dev.bulwark.core.iprules.IpRulesConfig;

import java.nio.file.Path;
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
 *                         main one; {@code null} keeps them on the main port ({@link Listener} decides)
 * @param trustedProxies   CIDRs of proxies whose {@code X-Forwarded-For}/{@code Forwarded}/{@code X-Forwarded-Proto}
 *                         are believed; empty means the socket peer is always the client
 * @param allowedHosts     host names accepted in {@code Host}/{@code :authority} (exact or {@code *.example.com});
 *                         empty accepts any
 * @param maxHeaderCount   most request header fields accepted (default 100); more → 431
 * @param maxHeaderBytes   most total request header bytes accepted (default 16384); more → 431
 * @param shutdownTimeout  how long in-flight requests may finish on shutdown (default 30 s)
 * @param fallbackUpstream upstream for requests no route matches, or {@code null} to answer 404
 * @param accessLog        whether to write one JSON access-log line per request (default true)
 * @param ipRules          client addresses allowed and denied on every route and built-in path
 */
public record ServerConfig(String host, int port, TlsConfig tls, boolean http2, Integer adminPort,
                           List<String> trustedProxies, List<String> allowedHosts, int maxHeaderCount,
                           int maxHeaderBytes, Duration shutdownTimeout, String fallbackUpstream,
                           boolean accessLog, IpRulesConfig ipRules) {

    /** The documented defaults: {@code 0.0.0.0:8080}, plain HTTP with h2c, no admin port, access log on. */
    public static final ServerConfig DEFAULT = builder().build();

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
        allowedHosts = List.copyOf(allowedHosts);
        ipRules = ipRules == null ? IpRulesConfig.NONE : ipRules;
    }

    /** @return a builder starting from the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ServerConfig}; unset fields keep the documented defaults. Validation happens at compile. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private TlsConfig tls;
        private boolean http2 = true;
        private Integer adminPort;
        private List<String> trustedProxies = List.of();
        private List<String> allowedHosts = List.of();
        private IpRulesConfig ipRules = IpRulesConfig.NONE;
        private int maxHeaderCount = 100;
        private int maxHeaderBytes = 16384;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private String fallbackUpstream;
        private boolean accessLog = true;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder tls(Path certificate, Path privateKey) {
            return tls(new TlsConfig(certificate, privateKey));
        }

        public Builder http2(boolean http2) {
            this.http2 = http2;
            return this;
        }

        public Builder adminPort(Integer adminPort) {
            this.adminPort = adminPort;
            return this;
        }

        public Builder trustedProxies(List<String> cidrs) {
            this.trustedProxies = List.copyOf(cidrs);
            return this;
        }

        public Builder trustedProxies(String... cidrs) {
            return trustedProxies(List.of(cidrs));
        }

        public Builder allowedHosts(List<String> hosts) {
            this.allowedHosts = List.copyOf(hosts);
            return this;
        }

        public Builder allowedHosts(String... hosts) {
            return allowedHosts(List.of(hosts));
        }

        public Builder maxHeaderCount(int maxHeaderCount) {
            this.maxHeaderCount = maxHeaderCount;
            return this;
        }

        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        public Builder fallbackUpstream(String upstreamName) {
            this.fallbackUpstream = upstreamName;
            return this;
        }

        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        /** Sets the global client-address rules. */
        public Builder ipRules(IpRulesConfig rules) {
            this.ipRules = rules;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, tls, http2, adminPort, trustedProxies, allowedHosts, maxHeaderCount,
                    maxHeaderBytes, shutdownTimeout, fallbackUpstream, accessLog, ipRules);
        }
    }
}
