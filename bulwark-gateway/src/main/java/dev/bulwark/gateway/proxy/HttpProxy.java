package dev.bulwark.gateway.proxy;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.resilience.RetryConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.gateway.server.MultiMapHeaders;
import dev.bulwark.gateway.server.VertxExchange;
import dev.bulwark.gateway.shedding.LoadShedder;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;

import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Forwards exchanges to their upstream: the terminal step of every route chain.
 *
 * <p>One instance per event loop, created on it, so pooled keep-alive connections stay on the loop that uses
 * them. A plain {@code http://} upstream spoken to over HTTP/1.1 goes through the gateway's own client
 * ({@link Http1Pool}, {@link Http1Exchange}); HTTP/2 and TLS upstreams go through Vert.x's HTTP client. Bodies stream both ways with backpressure; the request body is counted against
 * {@link VertxExchange#bodyLimit()} and cut off with 413 before the upstream sees more than the limit. A body
 * a filter already read ({@link VertxExchange#bufferedBody()}) is sent as those exact bytes instead.
 * Unreachable upstreams give 502, silent ones 504. Each upstream's {@link UpstreamGuard} (shared by every event
 * loop) adds its concurrency limit, its circuit breaker (503 with {@code Retry-After} while open, without
 * connecting) and retries of idempotent requests without a body, on Vert.x timers, when the connection failed or
 * was lost before the response head. A WebSocket upgrade opens the upstream socket first, with
 * the handshake built from the exchange's request headers as the filters left them; a refused or broken
 * upstream handshake gives the client a 502 problem. Must be called on its event loop; not thread-safe.
 */
public final class HttpProxy {

    private static final String SOURCE = "proxy";
    private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    /** Methods a retry cannot change the effect of (RFC 9110 §9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private static final Set<String> WEBSOCKET_HANDSHAKE = Set.of("sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-protocol", "content-length");

    private final Map<String, Target> targets = new HashMap<>();
    private final Vertx vertx;
    private final Context context;

    /**
     * @param vertx  the Vert.x instance; call from the event loop that will use this proxy
     * @param guards every upstream a route or the fallback may name, with its limit, breaker and retry budget
     * @param maxWebSocketFrameSize the largest frame an upstream WebSocket may send, in bytes (the largest route
     *                              limit: a frame is held whole before it is relayed)
     * @throws IllegalArgumentException when an upstream URL is not {@code http} or {@code https}
     */
    public HttpProxy(Vertx vertx, Collection<UpstreamGuard> guards, int maxWebSocketFrameSize) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        for (UpstreamGuard guard : guards) {
            targets.put(guard.config().name(), new Target(vertx, guard, maxWebSocketFrameSize));
        }
    }

    /** Closes every pooled connection. */
    public void close() {
        for (Target target : targets.values()) {
            if (target.http1 != null) {
                target.http1.close();
            } else {
                target.client.close();
            }
            target.webSockets.close();
        }
    }

    /**
     * Forwards the exchange (plain HTTP, or a WebSocket upgrade) to {@code upstream}. A plain request first takes
     * a slot of the upstream's concurrency limit, if it has one (waiting in its queue, or shed with 503), then
     * asks the circuit breaker (503 while it is open); a failed idempotent request without a body is retried as
     * the upstream's retry settings and budget allow.
     *
     * @param priority the request's class, for the upstream's concurrency limit
     * @return the upstream response head with its body still to be piped ({@link UpstreamBody} or
     *     {@link WebSocketUpgrade} as the streamed handle), or a 413/502/503/504 problem; never fails
     */
    public CompletionStage<Response> forward(VertxExchange exchange, UpstreamConfig upstream, Priority priority) {
        Target target = targets.get(upstream.name());
        if (exchange.isWebSocketUpgrade()) {
            return forwardWebSocket(exchange, target);
        }
        Call call = new Call(exchange, target, priority);
        LoadShedder shedder = target.guard.shedder();
        if (shedder == null) {
            call.start();
        } else if (shedder.tryAcquire(priority)) {
            call.holding(shedder).start();
        } else {
            shedder.await(priority, context, () -> call.holding(shedder).start(),
                    cause -> call.result.complete(shedder.refusal(exchange, priority, cause)));
        }
        return call.result;
    }

    /** @return whether the request may be sent again after a failure: idempotent, without a body */
    private static boolean retryable(VertxExchange exchange, UpstreamConfig upstream) {
        if (!upstream.retry().enabled() || !IDEMPOTENT.contains(exchange.method())) {
            return false;
        }
        Buffer buffered = exchange.bufferedBody();
        if (buffered != null) {
            return buffered.length() == 0;
        }
        HttpServerRequest in = exchange.request();
        // Without a length, only an HTTP/1.1 request without Transfer-Encoding is known to have no body.
        return exchange.contentLength() == 0 || (exchange.contentLength() < 0 && in.version() != HttpVersion.HTTP_2
                && !in.headers().contains(HttpHeaders.TRANSFER_ENCODING));
    }

    private static Response failure(VertxExchange exchange, UpstreamConfig upstream, Throwable cause) {
        if (cause instanceof TimeoutException) {
            return exchange.refuse(Reason.UPSTREAM_TIMEOUT, SOURCE, "upstream " + upstream.name()
                    + " did not answer within " + upstream.responseTimeout().toMillis() + " ms");
        }
        return exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE,
                "upstream " + upstream.name() + " failed before answering");
    }

    private CompletionStage<Response> forwardWebSocket(VertxExchange exchange, Target target) {
        // The handshake is built from what the filters left in the exchange (an authentication filter takes its
        // token out of Sec-WebSocket-Protocol), never from the request as the client sent it.
        MultiMap filtered = headerMap(exchange.requestHeaders());
        MultiMap headers = HttpHeaders.headers();
        ProxyHeaders.copyRequest(filtered, headers, WEBSOCKET_HANDSHAKE);
        forwarding(exchange, filtered).setOn(headers);
        setRequestId(exchange, headers);
        List<String> subProtocols = subProtocols(filtered);
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(target.host)
                .setPort(target.port)
                .setSsl(target.ssl)
                .setURI(target.uri(exchange.forwardPath(), exchange.rawQuery()))
                .setHeaders(headers)
                // Otherwise the handshake invents an Origin naming the upstream itself when the client sent none.
                .setAllowOriginHeader(headers.contains(HttpHeaders.ORIGIN))
                .setConnectTimeout(target.config.connectTimeout().toMillis())
                .setTimeout(target.config.responseTimeout().toMillis());
        if (!subProtocols.isEmpty()) {
            options.setSubProtocols(subProtocols);
        }
        CompletableFuture<Response> result = new CompletableFuture<>();
        target.webSockets.connect(options).onComplete(connected -> {
            if (connected.failed()) {
                result.complete(handshakeFailure(exchange, target.config, connected.cause()));
                return;
            }
            WebSocket upstream = connected.result();
            // Nothing is relayed until the client is upgraded too; the frames wait in the upstream socket.
            upstream.pause();
            if (WebSocketUpgrade.lostBeforeRelaying(upstream)) {
                result.complete(exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE, "upstream "
                        + target.config.name() + " closed the websocket right after accepting it"));
                return;
            }
            result.complete(Response.streamed(101, new MultiMapHeaders(HttpHeaders.headers()),
                    new WebSocketUpgrade(upstream, exchange, target.config.name())));
        });
        return result;
    }

    private static Response handshakeFailure(VertxExchange exchange, UpstreamConfig upstream, Throwable cause) {
        if (cause instanceof UpgradeRejectedException rejected) {
            return exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE, "upstream " + upstream.name()
                    + " refused the websocket handshake with status " + rejected.getStatus());
        }
        if (cause instanceof TimeoutException) {
            return failure(exchange, upstream, cause);
        }
        if (cause instanceof ConnectException) {
            return exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE,
                    "upstream " + upstream.name() + " is unreachable");
        }
        // A broken or silent handshake, or a subprotocol answer the WebSocket client refuses: one never offered,
        // or none although some were (browsers fail those too).
        return exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE, "upstream " + upstream.name()
                + " failed the websocket handshake");
    }

    private static MultiMap headerMap(Headers headers) {
        if (headers instanceof MultiMapHeaders native_) {
            return native_.unwrap();
        }
        MultiMap copy = HttpHeaders.headers();
        headers.forEach(copy::add);
        return copy;
    }

    /** @return the offered subprotocols in order, from every {@code Sec-WebSocket-Protocol} field */
    private static List<String> subProtocols(MultiMap headers) {
        List<String> offered = new ArrayList<>(2);
        for (String value : headers.getAll(SEC_WEBSOCKET_PROTOCOL)) {
            for (String protocol : value.split(",")) {
                String trimmed = protocol.trim();
                if (!trimmed.isEmpty()) {
                    offered.add(trimmed);
                }
            }
        }
        return offered;
    }

    private static ProxyHeaders.Forwarding forwarding(VertxExchange exchange, MultiMap incoming) {
        HttpServerRequest in = exchange.request();
        var authority = in.authority();
        String host = authority == null ? null
                : authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
        return ProxyHeaders.forwarding(incoming, exchange.peer(), exchange.peerTrusted(), exchange.secure(),
                in.isSSL(), host);
    }

    private static void setRequestId(VertxExchange exchange, MultiMap headers) {
        if (exchange.requestId() != null && !headers.contains("X-Request-Id")) {
            headers.set("X-Request-Id", exchange.requestId());
        }
    }

    /**
     * @return whether the request carries a body whose length the client did not declare: chunked over HTTP/1.1,
     *     or an HTTP/2 stream still open
     */
    private static boolean hasBodyOfUnknownLength(VertxExchange exchange) {
        if (exchange.contentLength() >= 0) {
            return false;
        }
        HttpServerRequest in = exchange.request();
        return in.version() == HttpVersion.HTTP_2 ? !in.isEnded()
                : in.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    /** One upstream's connection settings and pools on this event loop. */
    private static final class Target {
        final UpstreamGuard guard;
        final UpstreamConfig config;
        final String host;
        final int port;
        /** Built once: given no server, Vert.x builds (and checks the host of) an address for every request. */
        final SocketAddress server;
        final boolean ssl;
        final String basePath;
        /** The {@code Host} the upstream is sent. */
        final String authority;
        /** The gateway's own client, for a plain HTTP/1.1 upstream; {@code null} otherwise. */
        final Http1Pool http1;
        /** Vert.x's client, for an HTTP/2 or TLS upstream; {@code null} otherwise. */
        final HttpClientAgent client;
        final WebSocketClient webSockets;

        Target(Vertx vertx, UpstreamGuard guard, int maxWebSocketFrameSize) {
            this.guard = guard;
            UpstreamConfig config = guard.config();
            this.config = config;
            URI url = config.url();
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("upstream " + config.name() + " url must be http or https: "
                        + url);
            }
            this.ssl = scheme.equals("https");
            this.host = url.getHost();
            this.port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
            this.server = SocketAddress.inetSocketAddress(port, host);
            String path = url.getRawPath() == null ? "" : url.getRawPath();
            this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            this.authority = port == (ssl ? 443 : 80) ? host : host + ":" + port;
            if (!ssl && !config.http2()) {
                this.http1 = new Http1Pool(vertx, server, config.maxConnections(), config.connectTimeout());
                this.client = null;
            } else {
                this.http1 = null;
                HttpClientOptions options = new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) config.connectTimeout().toMillis())
                        .setSsl(ssl)
                        .setName("bulwark-upstream-" + config.name());
                if (config.http2()) {
                    options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(ssl).setHttp2ClearTextUpgrade(false);
                }
                this.client = vertx.createHttpClient(options, new PoolOptions()
                        .setHttp1MaxSize(config.maxConnections())
                        .setHttp2MaxSize(Math.max(1, config.maxConnections() / 16)));
            }
            this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setConnectTimeout((int) config.connectTimeout().toMillis())
                    .setSsl(ssl)
                    .setMaxFrameSize(maxWebSocketFrameSize)
                    .setMaxConnections(config.maxConnections()));
        }

        String uri(String path, String rawQuery) {
            String full = basePath.isEmpty() ? path : basePath + path;
            return rawQuery == null ? full : full + '?' + rawQuery;
        }
    }

    /**
     * One request on its way to the upstream: its attempts (the first, and retries after a backoff), each
     * permitted and settled with the circuit breaker, and the slot of the upstream's concurrency limit it holds
     * until the response body has been relayed.
     */
    private final class Call {
        final CompletableFuture<Response> result = new CompletableFuture<>();
        private final VertxExchange exchange;
        private final Target target;
        private final Priority priority;
        private int attempts;
        private boolean bodyRelayed;
        /** When the current attempt's request was fully sent; 0 until then. Slow calls are timed from here. */
        private long sentNanos;
        private Supplier<Response> lastFailure;

        Call(VertxExchange exchange, Target target, Priority priority) {
            this.exchange = exchange;
            this.target = target;
            this.priority = priority;
        }

        /** Gives the slot back once the response is done: at once for a local answer, else after its body. */
        Call holding(LoadShedder shedder) {
            result.thenAccept(response -> {
                if (response.streamedBody() instanceof UpstreamBody body) {
                    body.ended().onComplete(done -> shedder.release());
                } else {
                    shedder.release();
                }
            });
            return this;
        }

        void start() {
            target.guard.recordRequest();
            attempt();
        }

        private void attempt() {
            if (!target.guard.permitCall()) {
                // A retry the breaker refuses keeps the failure that caused it.
                result.complete(attempts == 0 ? target.guard.circuitOpen(exchange, priority) : lastFailure.get());
                return;
            }
            attempts++;
            long started = System.nanoTime();
            sentNanos = 0;
            if (target.http1 != null) {
                target.http1.acquire(started, connection -> sendHttp1(connection, started),
                        failure -> unreachable(started));
            } else {
                sendVertx(started);
            }
        }

        private void unreachable(long started) {
            target.guard.failed(System.nanoTime() - started);
            retryOr(() -> exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE,
                    "upstream " + target.config.name() + " is unreachable"));
        }

        /** One attempt with the gateway's own HTTP/1.1 client. */
        private void sendHttp1(Http1Connection connection, long started) {
            HttpServerRequest in = exchange.request();
            Buffer buffered = exchange.bufferedBody();
            // A body read by a filter goes as it was received, now with its exact length even if it came chunked.
            boolean declareLength = buffered != null && (buffered.length() > 0 || exchange.contentLength() >= 0);
            String method = in.method().name();
            ByteBuf head = Http1RequestHead.encode(connection.alloc(), method,
                    target.uri(exchange.forwardPath(), exchange.rawQuery()), target.authority, in.headers(),
                    forwarding(exchange, in.headers()), exchange.requestId(),
                    declareLength ? buffered.length() : -1);
            boolean lengthKnown = buffered != null || bodyRelayed || !hasBodyOfUnknownLength(exchange);
            Http1Exchange out = new Http1Exchange(vertx, connection, head, lengthKnown, method.equals("HEAD"),
                    target.config.responseTimeout().toMillis(), new Http1Exchange.Listener() {
                        @Override
                        public void answered(Http1Exchange answered, HttpResponse response) {
                            if (settledAbandoned()) {
                                answered.discard();
                                return;
                            }
                            int status = response.status().code();
                            target.guard.answered(status, elapsedSince(started));
                            MultiMap clientHead = in.response().headers();
                            ProxyHeaders.copyResponse(response.headers(), response.headers().getAll("Connection"),
                                    clientHead);
                            result.complete(Response.streamed(status, new MultiMapHeaders(clientHead), answered));
                        }

                        @Override
                        public void failed(Throwable cause) {
                            attemptFailed(cause, started);
                        }
                    });
            send(out);
        }

        /** One attempt with Vert.x's HTTP client: HTTP/2 and TLS upstreams. */
        private void sendVertx(long started) {
            UpstreamConfig upstream = target.config;
            HttpServerRequest in = exchange.request();
            RequestOptions options = new RequestOptions()
                    .setMethod(in.method())
                    .setServer(target.server)
                    .setHost(target.host)
                    .setPort(target.port)
                    .setSsl(target.ssl)
                    .setURI(target.uri(exchange.forwardPath(), exchange.rawQuery()))
                    .setConnectTimeout(upstream.connectTimeout().toMillis());
            target.client.request(options).onComplete(connected -> {
                if (connected.failed()) {
                    unreachable(started);
                    return;
                }
                HttpClientRequest out = connected.result();
                // Written straight into the request's own map: headers given in the options would be copied
                // (and every name validated) a second time.
                MultiMap headers = out.headers();
                ProxyHeaders.copyRequest(in.headers(), headers, Set.of());
                forwarding(exchange, in.headers()).setOn(headers);
                setRequestId(exchange, headers);
                Buffer buffered = exchange.bufferedBody();
                if (buffered != null && (buffered.length() > 0 || exchange.contentLength() >= 0)) {
                    // A body read by a filter goes as it was received, now with its exact length even if it
                    // came chunked.
                    headers.set("Content-Length", Integer.toString(buffered.length()));
                }
                // Failures surface through response(); without a handler Vert.x would also log each reset as an
                // error.
                out.exceptionHandler(failure -> { });
                out.response().onComplete(answered -> {
                    if (answered.failed()) {
                        attemptFailed(answered.cause(), started);
                        return;
                    }
                    var response = answered.result();
                    response.pause();
                    if (settledAbandoned()) {
                        out.reset();
                        return;
                    }
                    target.guard.answered(response.statusCode(), elapsedSince(started));
                    // Straight into the client response's own map, which the filters then edit in place: the
                    // gateway sends it without copying (and validating) every field a second time.
                    MultiMap head = in.response().headers();
                    ProxyHeaders.copyResponse(response.headers(), response.headers().getAll("Connection"), head);
                    result.complete(Response.streamed(response.statusCode(), new MultiMapHeaders(head),
                            new VertxUpstreamBody(out, response)));
                });
                send(new VertxUpstreamRequest(out, exchange.contentLength() >= 0,
                        upstream.responseTimeout().toMillis()));
            });
        }

        /** @return from the end of the request: a client's slow upload says nothing of the upstream */
        private long elapsedSince(long started) {
            return System.nanoTime() - (sentNanos != 0 ? sentNanos : started);
        }

        /**
         * @return whether the gateway already answered (a body over the limit cut the exchange off): then the
         *     attempt's outcome says nothing of the upstream, and is settled with the breaker as abandoned
         */
        private boolean settledAbandoned() {
            if (result.isDone()) {
                target.guard.abandoned();
                return true;
            }
            return false;
        }

        private void attemptFailed(Throwable cause, long started) {
            long elapsed = elapsedSince(started);
            if (settledAbandoned()) {
                return;
            }
            target.guard.failed(elapsed);
            if (cause instanceof TimeoutException) {
                // The upstream may be working on it: a second copy would only add to its load.
                result.complete(failure(exchange, target.config, cause));
            } else {
                retryOr(() -> failure(exchange, target.config, cause));
            }
        }

        /**
         * Sends the request's body, or its end: a body a filter read goes as those bytes, the client's body is
         * relayed once, a retry has none.
         */
        private void send(UpstreamRequest out) {
            Buffer buffered = exchange.bufferedBody();
            if (buffered != null) {
                out.end(buffered);
                sentNanos = System.nanoTime();
            } else if (bodyRelayed) {
                out.end();
                sentNanos = System.nanoTime();
            } else {
                bodyRelayed = true;
                new BodyRelay(exchange, out, result, () -> sentNanos = System.nanoTime()).start();
            }
        }

        /**
         * Retries after a jittered backoff when the request allows it, attempts remain and the budget has a
         * retry; otherwise answers with {@code failure}.
         */
        private void retryOr(Supplier<Response> failure) {
            RetryConfig retry = target.config.retry();
            if (attempts >= retry.maxAttempts() || !retryable(exchange, target.config) || !target.guard.mayRetry()) {
                result.complete(failure.get());
                return;
            }
            lastFailure = failure;
            vertx.setTimer(retry.delayMillis(attempts, ThreadLocalRandom.current().nextDouble()),
                    fired -> attempt());
        }
    }

    /**
     * Streams the client's request body to the upstream request, counting bytes against the exchange's body
     * limit and pausing the client while the upstream connection is saturated.
     */
    private static final class BodyRelay {
        private final VertxExchange exchange;
        private final HttpServerRequest in;
        private final UpstreamRequest out;
        private final CompletableFuture<Response> result;
        private final long limit;
        private final Runnable sent;
        private long received;

        /** @param sent called once the whole body has been handed to the upstream request */
        BodyRelay(VertxExchange exchange, UpstreamRequest out, CompletableFuture<Response> result, Runnable sent) {
            this.exchange = exchange;
            this.sent = sent;
            this.in = exchange.request();
            this.out = out;
            this.result = result;
            this.limit = exchange.bodyLimit();
        }

        void start() {
            in.handler(this::onData);
            // The response timeout starts once the body is sent: a backend answers uploads only after reading
            // them, and a large upload may take longer than the timeout while the backend is busy reading it.
            in.endHandler(ended -> {
                out.end();
                sent.run();
            });
            in.exceptionHandler(failure -> {
                // The client's fault (gone mid-body, or a broken body): answered first, so the reset that follows
                // is not counted against the upstream's breaker.
                if (!result.isDone()) {
                    result.complete(exchange.refuseSilently(Reason.MALFORMED_REQUEST,
                            "the request body ended before it was complete"));
                }
                out.reset();
            });
            if ("100-continue".equalsIgnoreCase(in.headers().get("Expect"))) {
                // Only now, after every filter accepted the request, is the client invited to send its body.
                in.response().writeContinue();
            }
            in.resume();
        }

        private void onData(Buffer chunk) {
            received += chunk.length();
            if (received > limit) {
                in.handler(null);
                in.endHandler(null);
                exchange.closeConnectionAfterResponse();
                // Answer first: resetting fails the upstream response, which must not win as a 502.
                if (!result.isDone()) {
                    result.complete(exchange.refuse(Reason.BODY_TOO_LARGE, SOURCE,
                            "request body exceeds " + limit + " bytes"));
                }
                out.reset();
                return;
            }
            out.write(chunk);
            if (out.writeQueueFull()) {
                in.pause();
                out.drainHandler(drained -> in.resume());
            }
        }
    }
}
