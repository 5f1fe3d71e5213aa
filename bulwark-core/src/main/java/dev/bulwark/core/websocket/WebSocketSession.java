package dev.bulwark.core.websocket;

import dev.bulwark.api.Exchange;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.core.auth.Authenticator;
import dev.bulwark.core.auth.revocation.RevocationList;
import dev.bulwark.core.auth.token.AccessToken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted WebSocket, from the upgrade until it closes: the route's limits applied to the live socket.
 *
 * <p>The host {@linkplain #open opens} it once the client is upgraded, passes every frame the client sends
 * through {@link #onClientFrame} (relaying it only when allowed), reports the upstream's messages with
 * {@link #onUpstreamMessage}, and {@linkplain #end ends} it when the socket is gone, whatever the way. In
 * between, the session ends the socket through its {@link Endpoint} when the client sends too fast (1008) or too
 * much at once (1009), when no message went either way for the idle timeout (1001), or when the token it opened
 * with expires or is revoked (1008); each of those emits one security event (see {@link WebSocketClose}).
 *
 * <p>Messages are counted when they start (a ping counts as one), with the exact GCRA of the rate-limit store,
 * per socket and per user on this node. A message's size is its frames added up, continuation frames included,
 * so splitting a large message into small frames does not get it through. Only the client's frames are limited;
 * the upstream is trusted, and its messages only count as activity.
 *
 * <p>Frames come on the socket's own thread; expiry, idleness and revocations are noticed on others. The first
 * close wins, so a socket ends once with one event. Thread-safe.
 */
public final class WebSocketSession {

    /** The host's side of a socket, which the session asks to close. */
    public interface Endpoint {
        /**
         * Closes the client's socket with {@code close}'s code and text, and the upstream's with {@code 1001}.
         * Called at most once, from any thread: the host hops to the socket's own.
         */
        void close(WebSocketClose close);
    }

    private static final String SOURCE = "websocket";

    private final WebSocketLimitFilter limits;
    private final WebSocketConnections connections;
    private final String addressKey;
    private final String userKey;
    private final String connectionRateKey;
    private final String userRateKey;
    private final String userId;
    private final String sessionId;
    private final String apiKeyId;
    private final AccessToken token;
    private final Instant expiresAt;
    /** Orders sockets by expiry in the node's expiry queue; unique per session. */
    private final long id;
    private final Clock clock;
    private final SecurityEventSink events;
    private final String requestId;
    private final String routeId;
    private final String clientIp;
    private final String tenant;
    private final long idleMillis;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Endpoint endpoint;
    private volatile long lastActivityMillis;
    /** The bytes of the message being received so far; touched on the socket's thread only. */
    private long messageBytes;

    WebSocketSession(WebSocketLimitFilter limits, Exchange exchange, String addressKey, String userKey) {
        this.limits = limits;
        this.connections = limits.connections();
        this.addressKey = addressKey;
        this.userKey = userKey;
        this.id = connections.nextId();
        this.connectionRateKey = "socket " + id;
        this.userRateKey = userKey;
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        this.userId = exchange.attribute(ExchangeAttributes.USER);
        this.sessionId = principal == null ? null : principal.sessionId();
        this.apiKeyId = exchange.attribute(ExchangeAttributes.API_KEY);
        this.token = exchange.attribute(Authenticator.ACCESS_TOKEN);
        this.expiresAt = token != null ? token.expiresAt()
                : principal != null && !principal.expiresAt().equals(Instant.MAX) ? principal.expiresAt() : null;
        this.clock = exchange.clock();
        this.events = exchange.events();
        this.requestId = exchange.requestId();
        this.routeId = limits.routeId();
        this.clientIp = exchange.clientIp();
        this.tenant = exchange.attribute(ExchangeAttributes.TENANT);
        this.idleMillis = limits.config().idleTimeout().toMillis();
    }

    /**
     * Starts watching the live socket: registers it for revocations, expiry and idleness on this node. A credential
     * that ended while the upgrade was in flight closes the socket at once.
     */
    public void open(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.lastActivityMillis = clock.millis();
        connections.register(this);
        if (isRevokedBy(connections.revocations())) {
            terminate(WebSocketClose.TOKEN_REVOKED, "the token's session or user was revoked during the upgrade");
        } else if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
            expire();
        }
    }

    /**
     * Applies the limits to one frame from the client.
     *
     * @param kind   what the frame is
     * @param length its payload length in bytes
     * @return whether to relay the frame; {@code false} once the socket is being closed (this frame may be what
     *     closed it)
     */
    public boolean onClientFrame(ClientFrame kind, long length) {
        if (closing.get()) {
            return false;
        }
        WebSocketConfig config = limits.config();
        if (length > config.maxFrameSize()) {
            return terminate(WebSocketClose.FRAME_TOO_BIG, "client sent a frame of " + length
                    + " bytes, over the limit of " + config.maxFrameSize());
        }
        long now = clock.millis();
        switch (kind) {
            case MESSAGE_START -> {
                messageBytes = length;
                lastActivityMillis = now;
                if (!withinRates(now)) {
                    return false;
                }
            }
            case CONTINUATION -> {
                messageBytes += length;
                lastActivityMillis = now;
            }
            case PING -> {
                if (!withinRates(now)) {
                    return false;
                }
            }
            case OTHER -> {
                return true;
            }
        }
        if (messageBytes > config.maxMessageSize()) {
            return terminate(WebSocketClose.MESSAGE_TOO_BIG, "client sent a message of more than "
                    + config.maxMessageSize() + " bytes (" + messageBytes + " so far)");
        }
        return true;
    }

    /**
     * Closes the socket for a frame the host's decoder refused before it could be passed to
     * {@link #onClientFrame}: one over the server-wide frame cap, which is at least every route's limit.
     */
    public void onOversizedFrame() {
        terminate(WebSocketClose.FRAME_TOO_BIG, "client sent a frame over the limit of "
                + limits.config().maxFrameSize() + " bytes");
    }

    /** Records a message from the upstream: the socket is in use. */
    public void onUpstreamMessage() {
        lastActivityMillis = clock.millis();
    }

    /** Releases the socket's slots and stops watching it; idempotent. The host calls it once the socket is gone. */
    public void end() {
        if (ended.compareAndSet(false, true)) {
            connections.release(this);
        }
    }

    private boolean withinRates(long now) {
        RateLimitRule perConnection = limits.perConnection();
        if (perConnection != null && !connections.acquire(connectionRateKey, perConnection, now)) {
            return terminate(WebSocketClose.RATE_LIMITED, "client sent more than " + describe(perConnection)
                    + " on one websocket");
        }
        RateLimitRule perUser = limits.perUser();
        if (perUser != null && userRateKey != null && !connections.acquire(userRateKey, perUser, now)) {
            return terminate(WebSocketClose.RATE_LIMITED, "user sent more than " + describe(perUser)
                    + " over their websockets on this route");
        }
        return true;
    }

    private static String describe(RateLimitRule rule) {
        return rule.limit() + " messages per " + format(rule.period())
                + (rule.burst() == rule.limit() ? "" : " (burst " + rule.burst() + ")");
    }

    private static String format(Duration period) {
        return period.toMillis() % 1000 == 0 ? period.toSeconds() + "s" : period.toMillis() + "ms";
    }

    /**
     * Closes the socket for {@code close} unless it is already closing: emits the event, then asks the endpoint.
     *
     * @return {@code false}, so frame checks can return it
     */
    boolean terminate(WebSocketClose close, String detail) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        events.emit(new SecurityEvent(clock.instant(), close.reason(), SOURCE, requestId, routeId, clientIp, tenant,
                detail));
        Endpoint target = endpoint;
        if (target != null) {
            target.close(close);
        }
        return false;
    }

    /** Closes the socket because its credential has expired. */
    void expire() {
        terminate(WebSocketClose.TOKEN_EXPIRED, (token != null ? "the token" : "the api key")
                + " of this websocket expired at " + expiresAt);
    }

    /** Closes the socket when it carried no message either way for the idle timeout. */
    void checkIdle(long nowMillis) {
        if (nowMillis - lastActivityMillis >= idleMillis) {
            terminate(WebSocketClose.IDLE, "no message either way for " + format(Duration.ofMillis(idleMillis)));
        }
    }

    /** @return when the credential expires, or {@code null} when it does not */
    Instant expiresAt() {
        return expiresAt;
    }

    long id() {
        return id;
    }

    /** @return whether {@code revocations} (if any) void the credential this socket opened with */
    boolean isRevokedBy(RevocationList revocations) {
        if (revocations == null) {
            return false;
        }
        return token != null ? revocations.isRevoked(token)
                : apiKeyId != null && revocations.isApiKeyRevoked(apiKeyId);
    }

    /** @return the keys under which revocations find this socket: its session, its user, its API key */
    List<String> credentialKeys() {
        List<String> keys = new ArrayList<>(3);
        if (sessionId != null) {
            keys.add(WebSocketConnections.sessionKey(sessionId));
        }
        if (apiKeyId != null) {
            keys.add(WebSocketConnections.apiKeyKey(apiKeyId));
        } else if (userId != null) {
            keys.add(WebSocketConnections.userKey(userId));
        }
        return keys;
    }

    String addressKey() {
        return addressKey;
    }

    String userKey() {
        return userKey;
    }
}
