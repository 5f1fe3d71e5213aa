package dev.bulwark.testing;

import dev.bulwark.api.SecurityEventSink;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link TestExchange}s with sensible defaults: {@code GET /} on host {@code api.example.com} over TLS
 * from {@code 203.0.113.10}, route {@code test-route}, no body, a {@link FakeClock} at
 * {@link FakeClock#DEFAULT_START} and a fresh {@link RecordingEventSink}.
 *
 * <p>Values are taken as given, without the normalization a real host does, so tests can feed filters
 * malformed input. Not thread-safe; each {@link #build()} returns a new exchange, sharing the builder's
 * clock and event sink.
 */
public final class ExchangeBuilder {

    String method = "GET";
    String path = "/";
    String rawQuery;
    String host = "api.example.com";
    boolean secure = true;
    String clientIp = "203.0.113.10";
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    long contentLength = -1;
    byte[] bodyBytes = new byte[0];
    boolean webSocketUpgrade;
    String routeId = "test-route";
    final Map<String, String> pathParams = new LinkedHashMap<>();
    Clock clock = new FakeClock();
    SecurityEventSink events = new RecordingEventSink();
    String requestId;

    /** @return a builder for {@code GET /} */
    public static ExchangeBuilder request() {
        return new ExchangeBuilder();
    }

    /** @return a builder for {@code method path} */
    public static ExchangeBuilder request(String method, String path) {
        return new ExchangeBuilder().method(method).path(path);
    }

    /** @return a builder for {@code GET path} */
    public static ExchangeBuilder get(String path) {
        return request("GET", path);
    }

    /** @return a builder for {@code POST path} */
    public static ExchangeBuilder post(String path) {
        return request("POST", path);
    }

    /** @return a builder for {@code OPTIONS path} */
    public static ExchangeBuilder options(String path) {
        return request("OPTIONS", path);
    }

    /** Sets the method, upper-cased as a host would. */
    public ExchangeBuilder method(String method) {
        this.method = method.toUpperCase(Locale.ROOT);
        return this;
    }

    /** Sets the (already normalized) path. */
    public ExchangeBuilder path(String path) {
        this.path = Objects.requireNonNull(path, "path");
        return this;
    }

    /** Sets the raw query without {@code '?'}; {@code null} for none. */
    public ExchangeBuilder rawQuery(String rawQuery) {
        this.rawQuery = rawQuery;
        return this;
    }

    /** Sets the host exactly as given ({@code null} for a request without one). */
    public ExchangeBuilder host(String host) {
        this.host = host;
        return this;
    }

    /** Sets whether the client came over TLS. */
    public ExchangeBuilder secure(boolean secure) {
        this.secure = secure;
        return this;
    }

    /** Sets the client address. */
    public ExchangeBuilder clientIp(String clientIp) {
        this.clientIp = clientIp;
        return this;
    }

    /** Adds one request header field; call again with the same name for a repeated field. */
    public ExchangeBuilder header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    /** Sets the declared {@code Content-Length}; {@code -1} for none or chunked. */
    public ExchangeBuilder contentLength(long contentLength) {
        this.contentLength = contentLength;
        return this;
    }

    /** Adds a {@code Content-Type} header and sets the declared length. */
    public ExchangeBuilder body(String contentType, long contentLength) {
        return header("Content-Type", contentType).contentLength(contentLength);
    }

    /**
     * Sets the body {@link TestExchange#body()} reads, with its {@code Content-Type} and declared length.
     */
    public ExchangeBuilder body(String contentType, byte[] bytes) {
        this.bodyBytes = bytes.clone();
        return body(contentType, bytes.length);
    }

    /** Marks the request as a WebSocket upgrade. */
    public ExchangeBuilder webSocketUpgrade(boolean webSocketUpgrade) {
        this.webSocketUpgrade = webSocketUpgrade;
        return this;
    }

    /** Sets the matched route's id. */
    public ExchangeBuilder routeId(String routeId) {
        this.routeId = routeId;
        return this;
    }

    /** Binds one path parameter. */
    public ExchangeBuilder pathParam(String name, String value) {
        pathParams.put(name, value);
        return this;
    }

    /** Sets the clock the exchange reports. */
    public ExchangeBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Sets where events go; the default is a fresh {@link RecordingEventSink}. */
    public ExchangeBuilder events(SecurityEventSink events) {
        this.events = Objects.requireNonNull(events, "events");
        return this;
    }

    /** Pre-sets the request id, as if the request-id filter had already run. */
    public ExchangeBuilder requestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    /** @return a new exchange; the builder can be changed and reused afterwards */
    public TestExchange build() {
        return new TestExchange(this);
    }
}
