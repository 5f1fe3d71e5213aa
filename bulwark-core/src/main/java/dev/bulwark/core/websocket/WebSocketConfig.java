package dev.bulwark.core.websocket;

import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.cors.AllowedOrigins;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A route's {@code websocket} settings: which pages may open a socket, how many sockets one user or address may
 * hold, and what a socket may send. Every route has them (a route without the key gets {@link #DEFAULT}); they act
 * on WebSocket upgrades only. Caps and per-user rates are counted on each gateway node separately. Immutable; the
 * origin list is kept as given (including {@code null} entries, so {@link #problems} can report them).
 *
 * @param allowedOrigins        origins whose pages may open a socket, as CORS reads them (exact, or
 *                              {@code https://*.example.com}); {@code null} when not set: then the route's CORS
 *                              origins, if it has any. Same-origin pages and clients that send no {@code Origin}
 *                              (not browsers) are always allowed
 * @param maxConnectionsPerUser open sockets one authenticated user may hold on this route
 * @param maxConnectionsPerIp   open sockets one client address may hold on this route
 * @param messagesPerConnection how fast one socket may send messages (pings count too); {@code null}: no limit
 * @param messagesPerUser       how fast all of one user's sockets on this route may send together; {@code null}:
 *                              no limit
 * @param maxFrameSize          the largest frame a client may send, in bytes
 * @param maxMessageSize        the largest message a client may send, its frames added up, in bytes
 * @param idleTimeout           how long a socket may carry no message in either direction
 * @param retryAfter            the {@code Retry-After} an upgrade refused over a cap is given, in whole seconds: a
 *                              cap frees only when one of the client's sockets closes, so this is a pace for the
 *                              client's retries, not a promise (as {@code loadShedding.retryAfter} is for a shed
 *                              request)
 */
public record WebSocketConfig(List<String> allowedOrigins, int maxConnectionsPerUser, int maxConnectionsPerIp,
                              Rate messagesPerConnection, Rate messagesPerUser, long maxFrameSize,
                              long maxMessageSize, Duration idleTimeout, Duration retryAfter) {

    /** The most sockets a cap may allow. */
    public static final int MAX_CONNECTIONS = 1_000_000;
    /** The smallest frame or message limit: control frames alone may carry 125 bytes. */
    public static final long MIN_SIZE = 1024;
    /** The largest frame limit: a frame is held whole in memory before it is relayed. */
    public static final long MAX_FRAME_SIZE = 64L * 1024 * 1024;
    /** The largest message limit: messages are relayed frame by frame, never held whole. */
    public static final long MAX_MESSAGE_SIZE = 1024L * 1024 * 1024;

    /**
     * Origins from CORS, 10 sockets per user and 100 per address, 100 messages per 10 s per socket and 300 per
     * 10 s per user (bursts of the same size), frames and messages up to 1 MB, 10 minutes idle, an upgrade
     * refused over a cap told to retry after 5 s.
     */
    public static final WebSocketConfig DEFAULT = builder().build();

    public WebSocketConfig {
        allowedOrigins = allowedOrigins == null ? null : Collections.unmodifiableList(new ArrayList<>(allowedOrigins));
    }

    /** @return a builder starting from the {@link #DEFAULT} values */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A message rate: {@code limit} messages per {@code period} sustained, {@code burst} at once after a quiet
     * spell, applied with the exact GCRA of {@link RateLimitRule}.
     *
     * @param limit  messages per period; {@code null} when not set (an error)
     * @param period the period; {@code null} when not set (an error)
     * @param burst  messages allowed at once; {@code null} means {@code limit}
     */
    public record Rate(Long limit, Duration period, Long burst) {

        /** @return {@code limit} messages per {@code period}, all of them allowed at once */
        public static Rate of(long limit, Duration period) {
            return new Rate(limit, period, null);
        }

        /**
         * @return the rule the rate limiter applies
         * @throws IllegalArgumentException when {@link WebSocketConfig#problems} would report the rate
         */
        public RateLimitRule rule() {
            if (limit == null || period == null) {
                throw new IllegalArgumentException("websocket message rate needs a limit and a period: " + this);
            }
            return new RateLimitRule(limit, period, burst == null ? limit : burst);
        }

        @Override
        public String toString() {
            return limit + " per " + period + (burst == null ? "" : " (burst " + burst + ")");
        }
    }

    /**
     * Checks settings as configured.
     *
     * @param config the settings; {@code null} (the key is absent) has no problems
     * @param path   their key path, e.g. {@code routes[2].websocket}
     * @return every problem found, each at its own key path with a message quoting the value; empty when valid
     */
    public static List<ConfigProblem> problems(WebSocketConfig config, String path) {
        if (config == null) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> origins = config.allowedOrigins() == null ? List.of() : config.allowedOrigins();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            String at = path + ".allowedOrigins[" + i + "]";
            if (origin == null) {
                problems.add(new ConfigProblem(at, "null is not an origin"));
                continue;
            }
            try {
                new AllowedOrigins("websocket", List.of(origin), List.of());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(at, ConfigProblem.quote(origin) + " is not an origin (expected scheme://"
                        + "host[:port] with no path, e.g. https://app.example.com or https://*.example.com)"));
            }
        }
        count(problems, config.maxConnectionsPerUser(), path + ".maxConnectionsPerUser");
        count(problems, config.maxConnectionsPerIp(), path + ".maxConnectionsPerIp");
        rate(problems, config.messagesPerConnection(), path + ".messagesPerConnection");
        rate(problems, config.messagesPerUser(), path + ".messagesPerUser");
        size(problems, config.maxFrameSize(), MAX_FRAME_SIZE, path + ".maxFrameSize");
        size(problems, config.maxMessageSize(), MAX_MESSAGE_SIZE, path + ".maxMessageSize");
        Duration idle = config.idleTimeout();
        if (idle == null || idle.compareTo(Duration.ofSeconds(1)) < 0 || idle.compareTo(Duration.ofDays(1)) > 0) {
            problems.add(new ConfigProblem(path + ".idleTimeout", (idle == null ? "null" : idle.toMillis() + "ms")
                    + " must be between 1s and 1d"));
        }
        ConfigProblem retryAfter = ConfigProblem.retryAfter(config.retryAfter(), path + ".retryAfter");
        if (retryAfter != null) {
            problems.add(retryAfter);
        }
        return problems;
    }

    private static void count(List<ConfigProblem> problems, int value, String path) {
        if (value < 1 || value > MAX_CONNECTIONS) {
            problems.add(new ConfigProblem(path, value + " must be between 1 and " + MAX_CONNECTIONS));
        }
    }

    private static void size(List<ConfigProblem> problems, long value, long max, String path) {
        if (value < MIN_SIZE || value > max) {
            problems.add(new ConfigProblem(path, value + " bytes must be between 1KB and " + (max >> 20) + "MB"));
        }
    }

    private static void rate(List<ConfigProblem> problems, Rate rate, String path) {
        if (rate == null) {
            return;
        }
        if (rate.limit() == null) {
            problems.add(new ConfigProblem(path + ".limit", "is required (expected messages per period, e.g. 10)"));
        }
        if (rate.period() == null) {
            problems.add(new ConfigProblem(path + ".period", "is required (expected a duration such as 10s)"));
        }
        if (rate.limit() != null && rate.period() != null) {
            try {
                rate.rule();
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(path, e.getMessage()));
            }
        }
    }

    /** Builds a {@link WebSocketConfig}; {@link #problems} validates it. Not thread-safe. */
    public static final class Builder {
        private List<String> allowedOrigins;
        private int maxConnectionsPerUser = 10;
        private int maxConnectionsPerIp = 100;
        private Rate messagesPerConnection = Rate.of(100, Duration.ofSeconds(10));
        private Rate messagesPerUser = Rate.of(300, Duration.ofSeconds(10));
        private long maxFrameSize = 1024 * 1024;
        private long maxMessageSize = 1024 * 1024;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration retryAfter = Duration.ofSeconds(5);

        private Builder() {
        }

        /** Sets the origins whose pages may open a socket; {@code null} falls back to the route's CORS origins. */
        public Builder allowedOrigins(List<String> origins) {
            this.allowedOrigins = origins;
            return this;
        }

        public Builder allowedOrigins(String... origins) {
            return allowedOrigins(java.util.Arrays.asList(origins));
        }

        public Builder maxConnectionsPerUser(int max) {
            this.maxConnectionsPerUser = max;
            return this;
        }

        public Builder maxConnectionsPerIp(int max) {
            this.maxConnectionsPerIp = max;
            return this;
        }

        /** Sets how fast one socket may send; {@code null} for no limit. */
        public Builder messagesPerConnection(Rate rate) {
            this.messagesPerConnection = rate;
            return this;
        }

        /** Sets how fast one user's sockets on the route may send together; {@code null} for no limit. */
        public Builder messagesPerUser(Rate rate) {
            this.messagesPerUser = rate;
            return this;
        }

        public Builder maxFrameSize(long bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** Sets the {@code Retry-After} of an upgrade refused over a cap; {@link #problems} wants whole seconds. */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        public WebSocketConfig build() {
            return new WebSocketConfig(allowedOrigins, maxConnectionsPerUser, maxConnectionsPerIp,
                    messagesPerConnection, messagesPerUser, maxFrameSize, maxMessageSize, idleTimeout, retryAfter);
        }
    }
}
