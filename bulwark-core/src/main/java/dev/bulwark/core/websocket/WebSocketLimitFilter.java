package dev.bulwark.core.websocket;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.core.ratelimit.KeySource;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Caps the sockets one client address and one user may hold on a route, and hands the host a
 * {@link WebSocketSession} that enforces the route's limits on the live socket.
 *
 * <p>An upgrade over a cap gets a 429 problem ({@link Reason#WEBSOCKET_CONNECTION_LIMIT}) before the upstream is
 * contacted; refusing the upgrade, rather than accepting and closing, tells a browser plainly and costs the
 * upstream nothing. Caps count this node's sockets only. An admitted upgrade holds its slots from here until the
 * host ends its session: the filter ends it itself when the answer is anything but {@code 101}, and the host
 * ({@link #SESSION}) when the socket closes or the upgrade fails later. Other requests pass untouched.
 *
 * <p>Like every 429 of the gateway, the refusal carries {@code Retry-After}: the route's
 * {@link WebSocketConfig#retryAfter()} (5 s unless configured). It is a pace for the client's retries, not a
 * prediction: a cap frees only when one of the client's own sockets closes, which nothing here can foresee, so
 * the value is configured, as the load-shedding 503's {@code retryAfter} is for the same reason.
 *
 * <p>Runs at {@link Stage#IDENTIFIED_RATE_LIMIT}, after authentication, so the user is known. Compiled once per
 * route; thread-safe.
 */
public final class WebSocketLimitFilter implements SecurityFilter {

    /** The session of an admitted upgrade; the host opens it once the client is upgraded, and must end it. */
    public static final AttributeKey<WebSocketSession> SESSION = AttributeKey.named("websocketSession");

    private static final String SOURCE = "websocket";
    private static final int SWITCHING_PROTOCOLS = 101;

    private final String routeId;
    private final WebSocketConfig config;
    private final WebSocketConnections connections;
    private final RateLimitRule perConnection;
    private final RateLimitRule perUser;
    /** The refusal's {@code Retry-After}, in seconds: built once, not per refused upgrade. */
    private final String retryAfter;
    /** An IPv6 client counts by its /64, as rate limits key it: one host usually owns the whole network. */
    private final KeySource address = KeySource.parse(KeySource.IP);

    /**
     * @param routeId     the route, naming it in counts and keys
     * @param config      the route's websocket settings
     * @param connections this node's sockets
     * @throws IllegalArgumentException when {@link WebSocketConfig#problems} would report the settings
     */
    public WebSocketLimitFilter(String routeId, WebSocketConfig config, WebSocketConnections connections) {
        this.routeId = Objects.requireNonNull(routeId, "routeId");
        this.config = Objects.requireNonNull(config, "config");
        this.connections = Objects.requireNonNull(connections, "connections");
        var problems = WebSocketConfig.problems(config, "routes." + routeId + ".websocket");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().toString());
        }
        this.perConnection = config.messagesPerConnection() == null ? null : config.messagesPerConnection().rule();
        this.perUser = config.messagesPerUser() == null ? null : config.messagesPerUser().rule();
        this.retryAfter = Long.toString(config.retryAfter().toSeconds());
    }

    @Override
    public Stage stage() {
        return Stage.IDENTIFIED_RATE_LIMIT;
    }

    /** @return the settings this filter applies */
    public WebSocketConfig config() {
        return config;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        if (!exchange.isWebSocketUpgrade()) {
            return chain.proceed(exchange);
        }
        String addressKey = "ip " + routeId + " " + address.value(exchange);
        if (!connections.take(addressKey, config.maxConnectionsPerIp())) {
            return refuse(exchange, "client address already holds " + config.maxConnectionsPerIp()
                    + " websockets on this route");
        }
        String user = exchange.attribute(ExchangeAttributes.USER);
        String userKey = user == null ? null : "user " + routeId + " " + user;
        if (userKey != null && !connections.take(userKey, config.maxConnectionsPerUser())) {
            connections.give(addressKey);
            return refuse(exchange, "user already holds " + config.maxConnectionsPerUser()
                    + " websockets on this route");
        }
        WebSocketSession session = new WebSocketSession(this, exchange, addressKey, userKey);
        exchange.attribute(SESSION, session);
        return chain.proceed(exchange).whenComplete((response, failure) -> {
            if (failure != null || response == null || response.status() != SWITCHING_PROTOCOLS) {
                session.end();
            }
        });
    }

    private CompletionStage<Response> refuse(Exchange exchange, String detail) {
        Response refusal = exchange.refuse(Reason.WEBSOCKET_CONNECTION_LIMIT, SOURCE, detail);
        refusal.headers().set("Retry-After", retryAfter);
        return CompletableFuture.completedFuture(refusal);
    }

    String routeId() {
        return routeId;
    }

    WebSocketConnections connections() {
        return connections;
    }

    /** @return the per-socket message rule, or {@code null} for none */
    RateLimitRule perConnection() {
        return perConnection;
    }

    /** @return the per-user message rule, or {@code null} for none */
    RateLimitRule perUser() {
        return perUser;
    }
}
