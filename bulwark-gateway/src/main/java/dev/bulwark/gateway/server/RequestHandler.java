package dev.bulwark.gateway.server;

import dev.bulwark.api.Chain;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.routing.NormalizedPath;
import dev.bulwark.core.routing.PathNormalizer;
import dev.bulwark.core.routing.RouteMatch;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.gateway.log.AccessLog;
import dev.bulwark.gateway.proxy.HttpProxy;
import dev.bulwark.gateway.proxy.UpstreamBody;
import dev.bulwark.gateway.proxy.WebSocketUpgrade;
import dev.bulwark.gateway.shedding.LoadShedder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Handles every request of one server on one event loop: builds the exchange (client address, host, the path
 * normalized once), picks the chain (the admin API's where this server serves it, a route's, or the fallback
 * chain for unmatched, refused and built-in paths), takes a slot of the global concurrency limit for the route's
 * priority class (health endpoints are {@link Priority#CRITICAL}; waiting, or shed with 503), runs the chain and
 * writes what comes back, streaming upstream bodies. The slot is given back once the response is sent.
 *
 * <p>A filter that throws or fails is a bug: the client gets a 500 problem with the request id, never a stack
 * trace, and the failure is logged. Confined to its event loop; filters may complete on other threads, and
 * the handler hops back before touching Vert.x objects.
 */
final class RequestHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    private static final String UNMATCHED = "unmatched";
    private static final String BUILTIN = "builtin";
    /** Unread request bodies up to this size are drained to keep the connection; larger ones close it. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    /** How long, and how many more body bytes, a connection about to close keeps reading so its answer is read. */
    private static final long LINGER_MILLIS = 2_000;
    private static final long LINGER_BYTES = 16 * 1024 * 1024;
    private static final int MAX_LOGGED_RAW_PATH = 256;
    /** Upstream bodies up to this declared size are read whole and sent with the head. */
    private static final long SMALL_BODY = 16 * 1024;

    private final GatewayRuntime runtime;
    private final HttpProxy proxy;
    private final Context context;
    private final boolean serveRoutes;
    private final boolean serveBuiltins;
    private final boolean serveAdminApi;

    RequestHandler(GatewayRuntime runtime, HttpProxy proxy, Context context, boolean serveRoutes,
                   boolean serveBuiltins, boolean serveAdminApi) {
        this.runtime = runtime;
        this.proxy = proxy;
        this.context = context;
        this.serveRoutes = serveRoutes;
        this.serveBuiltins = serveBuiltins;
        this.serveAdminApi = serveAdminApi;
    }

    @Override
    public void handle(HttpServerRequest request) {
        long start = System.nanoTime();
        // Nothing of the body is read until every filter has accepted the request.
        request.pause();
        MultiMap headers = request.headers();
        String peer = request.remoteAddress().hostAddress();
        TrustedProxies trusted = runtime.trustedProxies();
        boolean peerTrusted = trusted.isTrusted(peer);
        String clientIp = trusted.clientAddress(peer, headers, peerTrusted);
        boolean secure = request.isSSL() || (peerTrusted && forwardedHttps(headers.get("X-Forwarded-Proto")));
        HostAndPort authority = request.authority();
        String host = authority == null ? null : authority.host().toLowerCase(Locale.ROOT);
        long contentLength = contentLength(headers);
        String rawPath = request.path();
        NormalizedPath normalized = PathNormalizer.normalize(rawPath == null ? "" : rawPath);
        String path = normalized.isRefused() ? truncate(rawPath) : normalized.path();
        String forwardPath = normalized.isRefused() ? null : normalized.forwardPath();
        VertxExchange exchange = new VertxExchange(request, path, forwardPath, host, secure, peer, peerTrusted,
                clientIp, contentLength < -1 ? -1 : contentLength, runtime.clock(), runtime.events(), start);
        if (request.version() == HttpVersion.HTTP_1_1 && asksToClose(headers)) {
            // Vert.x closes only on a field that is exactly "close", not on "close, TE" (RFC 9112 §9.6).
            exchange.closeConnectionAfterResponse();
        }

        FilterChain chain = runtime.routes().fallbackChain();
        Chain terminal;
        String label = UNMATCHED;
        Priority priority = Priority.NORMAL;
        // The admin API comes first where it is served: its prefix may lie under the built-ins' /_bulwark/.
        RouteMatch adminMatch = serveAdminApi && !normalized.isRefused()
                ? runtime.routes().matchAdmin(normalized) : null;
        if (contentLength < -1) {
            terminal = refusal(Reason.MALFORMED_REQUEST, "content-length is not a single non-negative number");
        } else if (normalized.isRefused()) {
            terminal = refusal(normalized.reason(), normalized.detail());
        } else if (adminMatch == null && serveBuiltins
                && (path.startsWith(BuiltinEndpoints.PREFIX) || !serveRoutes)) {
            label = BUILTIN;
            priority = path.startsWith(BuiltinEndpoints.HEALTH_PREFIX) ? Priority.CRITICAL : Priority.NORMAL;
            terminal = ex -> runtime.builtins().handle(exchange);
        } else if (servedElsewhere(path, normalized)) {
            terminal = refusal(Reason.ROUTE_NOT_FOUND, "no route matches this request");
        } else {
            RouteMatch match = adminMatch != null || !serveRoutes ? adminMatch
                    : runtime.routes().match(host, exchange.method(), normalized);
            if (match != null) {
                exchange.route(match.route().id(), match.pathParams());
                chain = match.route().chain();
                label = null;
                if (match.route().policy().priority() != null) {
                    priority = match.route().policy().priority();
                }
                terminal = match.route().handler() != null ? match.route().handler()
                        : forwardTo(exchange, match.route().upstream(), priority);
            } else if (serveRoutes && runtime.routes().fallbackUpstream() != null) {
                terminal = forwardTo(exchange, runtime.routes().fallbackUpstream(), priority);
            } else {
                terminal = refusal(Reason.ROUTE_NOT_FOUND, "no route matches this request");
            }
        }
        LoadShedder shedder = runtime.shedder();
        if (shedder == null) {
            run(exchange, chain, terminal, label);
        } else if (shedder.tryAcquire(priority)) {
            exchange.admittedBy(shedder.limiter());
            run(exchange, chain, terminal, label);
        } else {
            await(shedder, exchange, priority, chain, terminal, label);
        }
    }

    /**
     * Waits for a slot of the global concurrency limit. A shed request is answered through the fallback chain
     * (request id, security headers), never its route's: its filters are work the gateway cannot afford now.
     */
    private void await(LoadShedder shedder, VertxExchange exchange, Priority priority, FilterChain chain,
                       Chain terminal, String label) {
        shedder.await(priority, context, () -> {
            exchange.admittedBy(shedder.limiter());
            run(exchange, chain, terminal, label);
        }, cause -> run(exchange, runtime.routes().fallbackChain(),
                ex -> CompletableFuture.completedFuture(shedder.refusal(exchange, priority, cause)), label));
    }

    private void run(VertxExchange exchange, FilterChain chain, Chain terminal, String label) {
        CompletionStage<Response> outcome;
        try {
            outcome = chain.run(exchange, terminal);
        } catch (RuntimeException bug) {
            outcome = CompletableFuture.failedFuture(bug);
        }
        outcome.whenComplete((response, failure) -> onLoop(() -> {
            try {
                respond(exchange, label, response, failure);
            } catch (RuntimeException bug) {
                exchange.releaseAdmission(); // a slot lost here would be lost for good
                throw bug;
            }
        }));
    }

    private Chain forwardTo(VertxExchange exchange, UpstreamConfig upstream, Priority priority) {
        return ex -> {
            if (Vertx.currentContext() == context) {
                return proxy.forward(exchange, upstream, priority);
            }
            CompletableFuture<Response> hopped = new CompletableFuture<>();
            context.runOnContext(v -> proxy.forward(exchange, upstream, priority).whenComplete((response, failure) -> {
                if (failure != null) {
                    hopped.completeExceptionally(failure);
                } else {
                    hopped.complete(response);
                }
            }));
            return hopped;
        };
    }

    /**
     * Whether this port serves routes while another serves the built-in endpoints or the admin API that the request
     * is for: such a request gets 404 rather than go on to a catch-all route or the fallback upstream, so a health
     * probe or an admin call aimed at the wrong port fails plainly instead of getting the backend's answer.
     */
    private boolean servedElsewhere(String path, NormalizedPath normalized) {
        return serveRoutes && ((!serveBuiltins && path.startsWith(BuiltinEndpoints.PREFIX))
                || (!serveAdminApi && runtime.routes().matchAdmin(normalized) != null));
    }

    private static Chain refusal(Reason reason, String detail) {
        String source = reason == Reason.MALFORMED_REQUEST || reason == Reason.PATH_TRAVERSAL ? "path" : "routing";
        return ex -> CompletableFuture.completedFuture(ex.refuse(reason, source, detail));
    }

    private void onLoop(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private static BodyTooLargeException bodyTooLarge(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }

    private void respond(VertxExchange exchange, String label, Response response, Throwable failure) {
        HttpServerRequest request = exchange.request();
        HttpServerResponse out = request.response();
        Response answer = response;
        BodyTooLargeException tooLarge = bodyTooLarge(failure);
        if (tooLarge != null) {
            // A body with no declared length that outgrew the limit while a filter or endpoint read it: the
            // client's fault, whichever reader failed to say so itself.
            exchange.closeConnectionAfterResponse();
            answer = exchange.refuse(Reason.BODY_TOO_LARGE, "gateway",
                    "request body exceeds " + tooLarge.limit() + " bytes");
        } else if (failure != null || answer == null) {
            LOG.error("filter chain failed for route {} (request {})", exchange.routeId(), exchange.requestId(),
                    failure);
            answer = exchange.refuse(Reason.INTERNAL_ERROR, "gateway",
                    "the gateway failed to handle this request; quote the request id to an operator");
            answer.headers().set("X-Content-Type-Options", "nosniff");
        }
        if (out.ended() || out.closed()) {
            exchange.releaseAdmission();
            discard(answer);
            return;
        }
        Object handle = answer.streamedBody();
        if (handle instanceof WebSocketUpgrade upgrade) {
            record(exchange, label, upgrade.accept(request, runtime.metrics()), 0);
            return;
        }
        out.setStatusCode(answer.status());
        writeHead(answer, out.headers());
        if (handle instanceof UpstreamBody body) {
            stream(exchange, label, body, out);
            return;
        }
        boolean close = releaseRequestBody(exchange, out);
        byte[] bytes = answer.body();
        Future<Void> sent = bytes == null || bytes.length == 0 ? out.end() : out.end(Buffer.buffer(bytes));
        int status = answer.status();
        sent.onComplete(done -> {
            if (close) {
                if (request.version() == HttpVersion.HTTP_2) {
                    out.reset(0);
                } else {
                    lingerThenClose(request);
                }
            }
            record(exchange, label, status, out.bytesWritten());
        });
    }

    private void stream(VertxExchange exchange, String label, UpstreamBody body, HttpServerResponse out) {
        HttpServerRequest request = exchange.request();
        int status = out.getStatusCode();
        if (!out.headers().contains("Content-Length") && request.version() != HttpVersion.HTTP_2) {
            boolean bodyless = status == 204 || status == 304 || status < 200 || request.method().name().equals("HEAD");
            if (!bodyless) {
                out.setChunked(true);
            }
        }
        boolean close = exchange.closeConnection() && request.version() != HttpVersion.HTTP_2;
        if (close) {
            out.headers().set("Connection", "close");
        }
        Future<Void> sent;
        if (isSmall(out.headers().get("Content-Length"))) {
            // A small declared body is sent with its head in one write: piping would flush head and end apart.
            sent = body.whole().compose(out::end);
        } else {
            sent = body.stream().pipe().endOnFailure(false).to(out);
        }
        sent.onComplete(done -> {
            if (done.failed()) {
                // A truncated body must not look complete: reset instead of ending the response.
                body.discard();
                out.reset();
            } else if (close) {
                request.connection().close();
            }
            record(exchange, label, status, out.bytesWritten());
        });
    }

    /** @return whether a declared {@code Content-Length} is small enough to send in one write */
    private static boolean isSmall(String contentLength) {
        if (contentLength == null || contentLength.isEmpty() || contentLength.length() > 5) {
            return false;
        }
        long length = parseLength(contentLength);
        return length >= 0 && length <= SMALL_BODY;
    }

    /**
     * Closes an HTTP/1.1 connection whose request body is still arriving, after reading and dropping what the
     * client sends for a moment: closing with unread bytes makes the kernel reset the connection, and a reset can
     * destroy the answer before the client has read it (RFC 9112 §9.6). Bounded in time and in bytes.
     */
    private void lingerThenClose(HttpServerRequest request) {
        if (request.isEnded()) {
            request.connection().close();
            return;
        }
        long timer = context.owner().setTimer(LINGER_MILLIS, fired -> request.connection().close());
        long[] dropped = {0};
        Runnable close = () -> {
            context.owner().cancelTimer(timer);
            request.connection().close();
        };
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > LINGER_BYTES) {
                close.run();
            }
        });
        request.endHandler(ended -> close.run());
        request.exceptionHandler(failure -> close.run());
        request.resume();
    }

    /**
     * Makes sure an unread request body does not stall the connection after a locally produced answer.
     *
     * @return whether the connection (or HTTP/2 stream) must be closed once the answer is sent
     */
    private static boolean releaseRequestBody(VertxExchange exchange, HttpServerResponse out) {
        HttpServerRequest request = exchange.request();
        if (request.version() == HttpVersion.HTTP_2) {
            if (request.isEnded()) {
                // A filter read the whole body (webhook verification, idempotency); resuming would throw.
                return false;
            }
            // Draining costs only flow-control window; a body cut off by a limit gets its stream reset.
            request.handler(null);
            request.resume();
            return exchange.closeConnection() && !request.isEnded();
        }
        boolean hasBody = exchange.contentLength() > 0 || request.headers().contains("Transfer-Encoding");
        boolean close = exchange.closeConnection()
                || (hasBody && (exchange.contentLength() < 0 || exchange.contentLength() > DRAIN_LIMIT));
        if (close) {
            out.headers().set("Connection", "close");
        } else {
            request.handler(null);
            request.resume();
        }
        return close;
    }

    /**
     * Puts the answer's fields into the client response. A proxied answer's fields are already there (the proxy
     * wrote the upstream head into the response's own map, and filters edited it in place); any other answer
     * replaces whatever the map holds, so a response a filter swapped in never carries the upstream's fields.
     */
    private static void writeHead(Response answer, MultiMap target) {
        if (answer.headers() instanceof MultiMapHeaders native_) {
            if (native_.unwrap() == target) {
                return;
            }
            target.clear();
            native_.unwrap().forEach((name, value) -> {
                if (!name.isEmpty() && name.charAt(0) != ':') {
                    target.add(name, value);
                }
            });
        } else {
            target.clear();
            answer.headers().forEach(target::add);
        }
    }

    private static void discard(Response answer) {
        if (answer.streamedBody() instanceof UpstreamBody body) {
            body.discard();
        } else if (answer.streamedBody() instanceof WebSocketUpgrade upgrade) {
            upgrade.discard();
        }
    }

    private void record(VertxExchange exchange, String label, int status, long bytesOut) {
        exchange.releaseAdmission();
        long nanos = System.nanoTime() - exchange.startNanos();
        String route = label != null ? label : exchange.routeId();
        Reason reason = exchange.lastReason();
        String error = status >= 400 && reason != null ? reason.name()
                : status >= 500 ? "UPSTREAM_STATUS_" + status : null;
        runtime.metrics().request(route, exchange.method(), status, nanos, error);
        AccessLog accessLog = runtime.accessLog();
        if (accessLog != null && accessLog.enabled()) {
            HttpServerRequest request = exchange.request();
            accessLog.log(new AccessLog.Entry(runtime.clock().instant(), exchange.requestId(), exchange.routeId(),
                    exchange.method(), exchange.path(), status, nanos / 1_000_000, exchange.clientIp(),
                    request.bytesRead(), bytesOut, request.headers().get("User-Agent")));
        }
    }

    /** @return whether a {@code Connection} field of the request holds the {@code close} option */
    private static boolean asksToClose(MultiMap headers) {
        if (!headers.contains("Connection")) {
            return false; // the usual case, answered without building a list
        }
        for (String value : headers.getAll("Connection")) {
            for (String option : value.split(",")) {
                if (option.trim().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean forwardedHttps(String proto) {
        if (proto == null) {
            return false;
        }
        int comma = proto.indexOf(',');
        String first = (comma < 0 ? proto : proto.substring(0, comma)).trim();
        return first.equalsIgnoreCase("https");
    }

    /** @return the declared length, {@code -1} when absent, {@code -2} when malformed or contradictory */
    private static long contentLength(MultiMap headers) {
        List<String> values = headers.getAll("Content-Length");
        if (values.isEmpty()) {
            return -1;
        }
        long length = -1;
        for (String value : values) {
            for (String item : value.split(",", -1)) {
                long parsed = parseLength(item.trim());
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    return -2;
                }
                length = parsed;
            }
        }
        return length;
    }

    private static long parseLength(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String truncate(String rawPath) {
        if (rawPath == null) {
            return "";
        }
        return rawPath.length() <= MAX_LOGGED_RAW_PATH ? rawPath : rawPath.substring(0, MAX_LOGGED_RAW_PATH);
    }
}
