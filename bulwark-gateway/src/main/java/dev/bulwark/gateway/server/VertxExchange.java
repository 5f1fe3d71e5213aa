package dev.bulwark.gateway.server;

import dev.bulwark.api.AttributeKey;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Headers;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEventSink;
import dev.bulwark.core.shedding.ConcurrencyLimiter;
import dev.bulwark.gateway.proxy.UpstreamBody;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
    /** Whether a filter replaced the query ({@link #rawQuery(String)}); then {@link #replacedQuery} holds it. */
    private boolean queryReplaced;
    private String replacedQuery;
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
    private final Context context;

    private String routeId;
    private Map<String, String> pathParams = Map.of();
    private String requestId;
    private long bodyLimit = Long.MAX_VALUE;
    private Map<AttributeKey<?>, Object> attributes;
    private Reason lastReason;
    private ConcurrencyLimiter admission;
    private boolean closeConnection;
    private CompletableFuture<byte[]> bodyRead;
    private Buffer bufferedBody;

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
        this.context = Vertx.currentContext();
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

    /**
     * Refuses the request without a security event of its own, for refusals that come in floods and are reported
     * in aggregate (load shedding, open circuit breakers); metrics still see the reason.
     *
     * @return the problem response, as {@link #refuse} builds it
     */
    public Response refuseSilently(Reason reason, String detail) {
        lastReason = reason;
        return Response.problem(Problem.of(reason, detail, requestId()));
    }

    /** Records that the request holds a slot of {@code limiter}, given back by {@link #releaseAdmission()}. */
    void admittedBy(ConcurrencyLimiter limiter) {
        this.admission = limiter;
    }

    /** Gives back the slot the request holds, if any; later calls do nothing. */
    void releaseAdmission() {
        ConcurrencyLimiter held = admission;
        if (held != null) {
            admission = null;
            held.release();
        }
    }

    /** @return whether the connection must be closed after the response (unread body left behind) */
    public boolean closeConnection() {
        return closeConnection;
    }

    /** Asks the host to close the connection once the response is sent. */
    public void closeConnectionAfterResponse() {
        this.closeConnection = true;
    }

    /**
     * @return the request body read by {@link #body()}, which the proxy sends instead of streaming; {@code null}
     *     when the body was not read
     */
    public Buffer bufferedBody() {
        return bufferedBody;
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
        return queryReplaced ? replacedQuery : request.query();
    }

    @Override
    public void rawQuery(String rawQuery) {
        queryReplaced = true;
        replacedQuery = rawQuery == null || rawQuery.isEmpty() ? null : rawQuery;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        HostAndPort authority = request.authority();
        return authority == null ? -1 : authority.port();
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
    public CompletionStage<byte[]> body() {
        if (bodyRead == null) {
            bodyRead = new CompletableFuture<>();
            if (context == null || Vertx.currentContext() == context) {
                readBody();
            } else {
                context.runOnContext(v -> readBody());
            }
        }
        return bodyRead;
    }

    /** Accumulates the paused request's body on the event loop, stopping at the body limit. */
    private void readBody() {
        long limit = bodyLimit;
        if (contentLength > limit) {
            closeConnectionAfterResponse();
            bodyRead.completeExceptionally(new BodyTooLargeException(limit));
            return;
        }
        Buffer received = Buffer.buffer(contentLength > 0 ? (int) contentLength : 1024);
        request.handler(chunk -> {
            if ((long) received.length() + chunk.length() > limit) {
                request.handler(null);
                request.endHandler(null);
                closeConnectionAfterResponse();
                bodyRead.completeExceptionally(new BodyTooLargeException(limit));
                return;
            }
            received.appendBuffer(chunk);
        });
        request.endHandler(ended -> {
            bufferedBody = received;
            bodyRead.complete(received.getBytes());
        });
        request.exceptionHandler(bodyRead::completeExceptionally);
        if ("100-continue".equalsIgnoreCase(request.headers().get("Expect"))) {
            request.response().writeContinue();
        }
        request.resume();
    }

    @Override
    public CompletionStage<Response> bufferResponse(Response response, long maxBytes) {
        if (!(response.streamedBody() instanceof UpstreamBody upstream)) {
            return CompletableFuture.completedFuture(response);
        }
        String declared = response.headers().get("Content-Length");
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > maxBytes) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<Response> buffered = new CompletableFuture<>();
        Runnable read = () -> {
            upstream.whole().onComplete(done -> {
                if (done.failed()) {
                    upstream.discard();
                    buffered.completeExceptionally(done.cause());
                    return;
                }
                Response copy = Response.of(response.status(), "application/octet-stream", done.result().getBytes());
                copy.headers().remove("Content-Type");
                response.headers().forEach(copy.headers()::add);
                buffered.complete(copy);
            });
        };
        if (context == null || Vertx.currentContext() == context) {
            read.run();
        } else {
            context.runOnContext(v -> read.run());
        }
        return buffered;
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
