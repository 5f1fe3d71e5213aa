package dev.bulwark.gateway.server;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEventSink;
import io.vertx.core.http.HttpServerRequest;

import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The gateway's {@link Exchange}: a Vert.x server request with its normalized path, resolved client and
 * matched route. Request headers are the Vert.x request's own map, so what filters change is what the proxy
 * forwards.
 *
 * <p>Not thread-safe: one exchange is handled by one thread at a time, as the {@link Exchange} contract says.
 */
public final class VertxExchange implements Exchange {

    private final HttpServerRequest request;
    private final String method;
    private final String path;
    private final String forwardPath;
    private final String host;
    private final boolean secure;
    private final String peer;
    private final boolean peerTrusted;
    private final String clientIp;
    private final MultiMapHeaders requestHeaders;
    private final long contentLength;
    private final Clock clock;
    private final SecurityEventSink events;
    private final long startNanos;

    private String routeId;
    private Map<String, String> pathParams = Map.of();
    private String requestId;
    private long bodyLimit = Long.MAX_VALUE;
    private Map<AttributeKey<?>, Object> attributes;
    private Reason lastReason;
    private boolean closeConnection;

    VertxExchange(HttpServerRequest request, String path, String forwardPath, String host, boolean secure, String peer,
                  boolean peerTrusted, String clientIp, long contentLength, Clock clock, SecurityEventSink events,
                  long startNanos) {
        this.request = request;
        this.method = request.method().name();
        this.path = path;
        this.forwardPath = forwardPath;
        this.host = host;
        this.secure = secure;
        this.peer = peer;
        this.peerTrusted = peerTrusted;
        this.clientIp = clientIp;
        this.requestHeaders = new MultiMapHeaders(request.headers());
        this.contentLength = contentLength;
        this.clock = clock;
        this.events = events;
        this.startNanos = startNanos;
    }

    /** @return the underlying Vert.x request (paused until the proxy streams its body) */
    public HttpServerRequest request() {
        return request;
    }

    /** @return the normalized path re-encoded for the upstream request line */
    public String forwardPath() {
        return forwardPath;
    }

    /** @return the socket peer address */
    public String peer() {
        return peer;
    }

    /** @return whether the socket peer is a trusted proxy */
    public boolean peerTrusted() {
        return peerTrusted;
    }

    /** @return the reason of the last security event emitted for this exchange, or {@code null} */
    public Reason lastReason() {
        return lastReason;
    }

    /** @return whether the connection must be closed after the response (unread body left behind) */
    public boolean closeConnection() {
        return closeConnection;
    }

    /** Asks the host to close the connection once the response is sent. */
    public void closeConnectionAfterResponse() {
        this.closeConnection = true;
    }

    long startNanos() {
        return startNanos;
    }

    void route(String routeId, Map<String, String> pathParams) {
        this.routeId = routeId;
        this.pathParams = pathParams;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawQuery() {
        return request.query();
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public Headers requestHeaders() {
        return requestHeaders;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public boolean isWebSocketUpgrade() {
        return request.canUpgradeToWebSocket();
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public void requestId(String requestId) {
        this.requestId = requestId;
    }

    @Override
    public void bodyLimit(long maxBytes) {
        this.bodyLimit = maxBytes;
    }

    @Override
    public long bodyLimit() {
        return bodyLimit;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(AttributeKey<T> key) {
        return attributes == null ? null : (T) attributes.get(key);
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
        if (attributes == null) {
            attributes = new IdentityHashMap<>(4);
        }
        attributes.put(key, value);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public SecurityEventSink events() {
        return events;
    }

    @Override
    public void emit(Reason reason, String source, String detail) {
        lastReason = reason;
        Exchange.super.emit(reason, source, detail);
    }
}
