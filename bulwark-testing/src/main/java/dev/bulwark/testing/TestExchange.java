package dev.bulwark.testing;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Headers;
import dev.bulwark.api.SecurityEventSink;

import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An in-memory {@link Exchange} for tests, built with {@link ExchangeBuilder}. It records what filters set on
 * it (request id, body limit, attributes, request headers) so tests can assert on them.
 *
 * <p>Not thread-safe, like any exchange.
 */
public final class TestExchange implements Exchange {

    private final String method;
    private final String path;
    private String rawQuery;
    private final String host;
    private final boolean secure;
    private final String clientIp;
    private final Headers requestHeaders;
    private final long contentLength;
    private final boolean webSocketUpgrade;
    private final String routeId;
    private final Map<String, String> pathParams;
    private final Clock clock;
    private final SecurityEventSink events;
    private final Map<AttributeKey<?>, Object> attributes = new IdentityHashMap<>();
    private String requestId;
    private long bodyLimit = Long.MAX_VALUE;
    private final byte[] body;
    private CompletionStage<byte[]> bodyRead;

    TestExchange(ExchangeBuilder b) {
        this.method = b.method;
        this.path = b.path;
        this.rawQuery = b.rawQuery;
        this.host = b.host;
        this.secure = b.secure;
        this.clientIp = b.clientIp;
        this.requestHeaders = Headers.create();
        b.headers.forEach(field -> requestHeaders.add(field.getKey(), field.getValue()));
        this.contentLength = b.contentLength;
        this.webSocketUpgrade = b.webSocketUpgrade;
        this.routeId = b.routeId;
        this.pathParams = Map.copyOf(b.pathParams);
        this.clock = b.clock;
        this.events = b.events;
        this.requestId = b.requestId;
        this.body = b.bodyBytes;
    }

    @Override public String method() { return method; }

    @Override public String path() { return path; }

    @Override public String rawQuery() { return rawQuery; }

    @Override public void rawQuery(String rawQuery) {
        this.rawQuery = rawQuery == null || rawQuery.isEmpty() ? null : rawQuery;
    }

    @Override public String host() { return host; }

    @Override public boolean secure() { return secure; }

    @Override public String clientIp() { return clientIp; }

    @Override public Headers requestHeaders() { return requestHeaders; }

    @Override public long contentLength() { return contentLength; }

    @Override public boolean isWebSocketUpgrade() { return webSocketUpgrade; }

    @Override public String routeId() { return routeId; }

    @Override public Map<String, String> pathParams() { return pathParams; }

    @Override public String requestId() { return requestId; }

    @Override public void requestId(String requestId) { this.requestId = requestId; }

    @Override public void bodyLimit(long maxBytes) { this.bodyLimit = maxBytes; }

    @Override public long bodyLimit() { return bodyLimit; }

    /** Reads the builder's body, failing like a host when it exceeds the body limit. */
    @Override
    public CompletionStage<byte[]> body() {
        if (bodyRead == null) {
            bodyRead = body.length > bodyLimit
                    ? CompletableFuture.failedFuture(new BodyTooLargeException(bodyLimit))
                    : CompletableFuture.completedFuture(body.clone());
        }
        return bodyRead;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(AttributeKey<T> key) {
        return (T) attributes.get(key);
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
        attributes.put(key, value);
    }

    @Override public Clock clock() { return clock; }

    @Override public SecurityEventSink events() { return events; }

    /**
     * @return the sink events go to, when it records them (the default)
     * @throws IllegalStateException when the builder was given a sink that does not record
     */
    public RecordingEventSink recordedEvents() {
        if (events instanceof RecordingEventSink recording) {
            return recording;
        }
        throw new IllegalStateException("events go to a sink that does not record: " + events);
    }

    @Override
    public String toString() {
        return "TestExchange[" + method + " " + host + path + (rawQuery == null ? "" : "?" + rawQuery) + "]";
    }
}
