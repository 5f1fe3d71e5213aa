package dev.bulwark.gateway.proxy;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.auth.Authenticator;
import dev.bulwark.core.websocket.ClientFrame;
import dev.bulwark.core.websocket.WebSocketClose;
import dev.bulwark.core.websocket.WebSocketLimitFilter;
import dev.bulwark.core.websocket.WebSocketSession;
import dev.bulwark.gateway.metrics.GatewayMetrics;
import dev.bulwark.gateway.server.VertxExchange;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The host handle inside a {@code 101} {@link dev.bulwark.api.Response}: an upstream WebSocket already
 * connected (and paused), waiting for the client side to be accepted so frames can be relayed both ways.
 *
 * <p>The client is answered with exactly the subprotocol the upstream selected, or none; the one exception is
 * the gateway's own token marker ({@link Authenticator#WEBSOCKET_PROTOCOL}), answered when the client
 * authenticated with it and the upstream selected nothing, since browsers require one of their offers. Frames are relayed
 * one by one (text, binary, continuation, ping), in order, with backpressure: when one side's write queue is
 * full the other side stops reading until it drains. A close frame on either side closes the other with the
 * same code and reason, after the frames that preceded it. A side that vanishes without a close frame closes
 * the other with {@code 1014} (upstream lost) or {@code 1001} (client gone), and the reason is logged. If the
 * upstream is lost before the client is upgraded, the client gets a 502 problem instead of a dead socket.
 *
 * <p>The route's {@link WebSocketSession} (admitted by its {@link WebSocketLimitFilter}) sees every frame the
 * client sends before it is relayed, and every message of the upstream; when it ends the socket (too fast, too
 * big, idle, credential expired or revoked) the client gets the session's close code and the upstream
 * {@code 1001}. The session is ended however the relay ends, which frees its connection slots. The client is
 * pinged every {@link #PING_INTERVAL_MILLIS} so the server's connection idle timeout never cuts a quiet socket
 * short of the route's own; its pongs are not relayed. Open sockets and why they closed are counted in metrics.
 *
 * <p>Used on one event loop; not thread-safe, except the session's close requests, which hop onto it.
 */
public final class WebSocketUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);
    private static final String SOURCE = "proxy";
    private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    private static final short GOING_AWAY = 1001;
    private static final short INTERNAL_ERROR = 1011;
    /** "Bad Gateway" in the IANA WebSocket close code registry. */
    private static final short BAD_GATEWAY = 1014;
    /** Well inside the server's 120 s connection idle timeout, and the 60 s of common load balancers. */
    static final long PING_INTERVAL_MILLIS = 30_000;
    private static final String UNMATCHED = "unmatched";

    private final WebSocket upstream;
    private final VertxExchange exchange;
    private final String upstreamName;
    /** The route's limits on this socket, or {@code null} where no route admitted it (an embedding host). */
    private final WebSocketSession session;
    /** Set when a close frame had already come before any handler could be registered. */
    private final boolean closedOnArrival;
    private ServerWebSocket client;
    /** Set once the upstream connection ended without a close frame, before the client was upgraded. */
    private boolean upstreamLost;
    /** Set once the relay is over: both sides closed or being closed, or the upgrade abandoned. */
    private boolean finished;
    private GatewayMetrics metrics;
    private Context context;
    /** Set once frames flow: the socket counts as open in metrics until {@link #ended} runs. */
    private boolean relaying;
    private long pingTimer = -1;

    WebSocketUpgrade(WebSocket upstream, VertxExchange exchange, String upstreamName) {
        this.upstream = upstream;
        this.exchange = exchange;
        this.upstreamName = upstreamName;
        this.session = exchange.attribute(WebSocketLimitFilter.SESSION);
        // Vert.x refuses handlers on a socket that has seen a close frame, and one can arrive at any time after
        // the handshake. Registered now, while the socket is open, the upstream's frames and its close wait in
        // order in the paused socket until the client is accepted.
        this.closedOnArrival = upstream.isClosed();
        if (!closedOnArrival) {
            upstream.frameHandler(frame -> onFrame(frame, upstream, client, "upstream"));
            upstream.closeHandler(closed -> onUpstreamClosed());
            upstream.exceptionHandler(failure -> LOG.debug("upstream {} websocket failed (request {}): {}",
                    upstreamName, exchange.requestId(), failure.toString()));
        }
    }

    /**
     * @return whether the freshly connected upstream socket already ended without a close frame, so nothing
     *     can be relayed and the client should get a 502
     */
    static boolean lostBeforeRelaying(WebSocket upstream) {
        return upstream.isClosed() && !sendable(upstream.closeStatusCode());
    }

    /** Closes the upstream side when the client will not be accepted. */
    public void discard() {
        finished = true;
        if (!upstream.isClosed()) {
            upstream.close(GOING_AWAY, "client gone");
        }
        ended(null);
    }

    /**
     * Accepts the client's upgrade, answering with the subprotocol the upstream chose, and starts relaying.
     * Never throws: every failure is logged and either closes both sockets or, while the client can still get
     * an HTTP response, answers it with a problem (502 when the upstream was lost, 500 when the request could
     * not be upgraded).
     *
     * @param request the client's upgrade request
     * @param metrics counts the socket while it is relayed
     * @return the status the client is answered with: 101, or the problem's status
     */
    public int accept(HttpServerRequest request, GatewayMetrics metrics) {
        this.metrics = metrics;
        if (upstreamLost) {
            String detail = "upstream " + upstreamName + " closed the websocket before the client was upgraded";
            LOG.warn("websocket upgrade of request {} on route {} refused: {}", exchange.requestId(),
                    exchange.routeId(), detail);
            return answer(request, exchange.refuse(Reason.UPSTREAM_UNAVAILABLE, SOURCE, detail));
        }
        String selected = upstream.subProtocol() != null ? upstream.subProtocol() : gatewayProtocol();
        // The server accepts any offered subprotocol ("*"): leaving only the chosen one in the request makes it
        // the one echoed, and leaving none makes the answer carry none.
        if (selected == null) {
            request.headers().remove(SEC_WEBSOCKET_PROTOCOL);
        } else {
            request.headers().set(SEC_WEBSOCKET_PROTOCOL, selected);
        }
        Future<ServerWebSocket> upgrading;
        try {
            upgrading = request.toWebSocket();
        } catch (RuntimeException unusable) {
            // A request whose body a filter already consumed can no longer be upgraded.
            LOG.warn("websocket upgrade of request {} on route {} impossible: {}", exchange.requestId(),
                    exchange.routeId(), unusable.toString());
            discard();
            return answer(request, exchange.refuse(Reason.INTERNAL_ERROR, "gateway",
                    "the gateway could not upgrade this request; quote the request id to an operator"));
        }
        upgrading.onComplete(accepted -> {
            if (accepted.failed()) {
                LOG.warn("websocket upgrade of request {} on route {} failed: {}", exchange.requestId(),
                        exchange.routeId(), accepted.cause().toString());
                discard();
                return;
            }
            start(accepted.result(), selected);
        });
        return 101;
    }

    /**
     * @return the token marker when the client authenticated with it: the gateway's own subprotocol, which it
     *     answers when the upstream selects none, because browsers fail a socket whose answer selects none of
     *     their offers; otherwise {@code null}
     */
    private String gatewayProtocol() {
        Principal principal = exchange.attribute(ExchangeAttributes.PRINCIPAL);
        return principal != null && principal.method() == Principal.Method.WEBSOCKET_PROTOCOL
                ? Authenticator.WEBSOCKET_PROTOCOL : null;
    }

    private void start(ServerWebSocket accepted, String selected) {
        client = accepted;
        context = Vertx.currentContext();
        if (accepted.isClosed()) {
            // The client left during the handshake; its handlers can no longer be set.
            closeUpstreamLike(accepted);
            return;
        }
        accepted.frameHandler(frame -> onFrame(frame, accepted, upstream, "client"));
        accepted.closeHandler(closed -> onClientClosed());
        accepted.exceptionHandler(this::onClientFailure);
        if (!Objects.equals(accepted.subProtocol(), selected)) {
            // The values are not logged: a subprotocol entry may carry a token.
            fail(INTERNAL_ERROR, "subprotocol mismatch", "the client was answered another subprotocol than the"
                    + " one upstream " + upstreamName + " selected");
            return;
        }
        if (upstreamLost) {
            fail(BAD_GATEWAY, "upstream connection lost",
                    "upstream " + upstreamName + " connection ended during the client handshake");
            return;
        }
        if (closedOnArrival) {
            // The close frame came with the handshake answer; what it followed could not be read (see above).
            finished = true;
            Short code = upstream.closeStatusCode();
            LOG.debug("upstream {} closed the websocket of request {} on arrival with {}", upstreamName,
                    exchange.requestId(), code);
            closeLike(accepted, code, upstream.closeReason());
            ended("upstream");
            return;
        }
        relaying = true;
        metrics.webSocketOpened(routeLabel());
        pingTimer = context.owner().setPeriodic(PING_INTERVAL_MILLIS, tick -> {
            if (!finished && !accepted.isClosed()) {
                accepted.writePing(Buffer.buffer());
            }
        });
        if (session != null) {
            session.open(this::closeFromSession);
        }
        upstream.resume();
    }

    private void onFrame(WebSocketFrame frame, WebSocketBase from, WebSocketBase to, String side) {
        if (finished || to == null) {
            return;
        }
        if (frame.isClose()) {
            finished = true;
            LOG.debug("{} closed the websocket of request {} with {}", side, exchange.requestId(),
                    frame.closeStatusCode());
            closeLike(to, frame.closeStatusCode(), frame.closeReason());
            ended(side);
            return;
        }
        if (session != null) {
            if (from == client) {
                if (!session.onClientFrame(kind(frame.type()), frame.binaryData().length())) {
                    return;
                }
            } else if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
                session.onUpstreamMessage();
            }
        }
        if (frame.type() == WebSocketFrameType.PONG || to.isClosed()) {
            // Pongs answer this hop's own pings; a side already closing takes no more data.
            return;
        }
        to.writeFrame(frame);
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(drained -> from.resume());
        }
    }

    private void onUpstreamClosed() {
        if (finished) {
            return;
        }
        if (sendable(upstream.closeStatusCode())) {
            // A close frame came: it follows the frames still queued and is relayed in onFrame.
            return;
        }
        if (client == null) {
            // Not upgraded yet: accept() answers 502, or start() closes the fresh socket.
            upstreamLost = true;
            return;
        }
        fail(BAD_GATEWAY, "upstream connection lost",
                "upstream " + upstreamName + " connection ended without a close frame");
    }

    private void onClientClosed() {
        if (finished) {
            return;
        }
        if (sendable(client.closeStatusCode())) {
            return;
        }
        finished = true;
        LOG.debug("client of request {} vanished without a close frame", exchange.requestId());
        if (!upstream.isClosed()) {
            upstream.close(GOING_AWAY, "client gone");
        }
        ended("client_gone");
    }

    /**
     * A frame over the server-wide cap fails in the decoder, before any handler sees it: closed as too big (the
     * cap is at least every route's limit), rather than the generic close the connection would get.
     */
    private void onClientFailure(Throwable failure) {
        LOG.debug("client websocket failed (request {}): {}", exchange.requestId(), failure.toString());
        if (failure instanceof CorruptedWebSocketFrameException corrupted && !finished && session != null
                && WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(corrupted.closeStatus())) {
            session.onOversizedFrame();
        }
    }

    /** The session's request to end the socket; it may come from any thread. */
    private void closeFromSession(WebSocketClose close) {
        if (Vertx.currentContext() == context) {
            closeFor(close);
        } else {
            context.runOnContext(v -> closeFor(close));
        }
    }

    private void closeFor(WebSocketClose close) {
        if (finished) {
            return;
        }
        finished = true;
        LOG.debug("closing websocket of request {} on route {}: {}", exchange.requestId(), exchange.routeId(),
                close.text());
        if (!client.isClosed()) {
            client.close(close.code(), close.text());
        }
        if (!upstream.isClosed()) {
            upstream.close(GOING_AWAY, close.text());
        }
        ended(close.label());
    }

    /**
     * Runs once the relay is over, whichever way: stops the pings, frees the session's slots and counts the close.
     *
     * @param reason why it ended, for metrics; {@code null} when the socket never opened
     */
    private void ended(String reason) {
        if (pingTimer >= 0) {
            context.owner().cancelTimer(pingTimer);
            pingTimer = -1;
        }
        if (session != null) {
            session.end();
        }
        if (relaying) {
            relaying = false;
            metrics.webSocketClosed(routeLabel(), reason == null ? "error" : reason);
        }
    }

    private String routeLabel() {
        return exchange.routeId() != null ? exchange.routeId() : UNMATCHED;
    }

    private static ClientFrame kind(WebSocketFrameType type) {
        return switch (type) {
            case TEXT, BINARY -> ClientFrame.MESSAGE_START;
            case CONTINUATION -> ClientFrame.CONTINUATION;
            case PING -> ClientFrame.PING;
            default -> ClientFrame.OTHER;
        };
    }

    /** Ends a relay that cannot go on: both sides are closed and the reason is logged. */
    private void fail(short clientCode, String clientReason, String logged) {
        finished = true;
        LOG.warn("closing websocket of request {} on route {}: {}", exchange.requestId(), exchange.routeId(),
                logged);
        if (client != null && !client.isClosed()) {
            client.close(clientCode, clientReason);
        }
        if (!upstream.isClosed()) {
            upstream.close(GOING_AWAY, "gateway closed the relay");
        }
        ended(clientCode == BAD_GATEWAY ? "upstream_lost" : "error");
    }

    private void closeUpstreamLike(ServerWebSocket gone) {
        finished = true;
        Short code = gone.closeStatusCode();
        LOG.debug("client of request {} closed during the upgrade with {}", exchange.requestId(), code);
        if (sendable(code)) {
            closeLike(upstream, code, gone.closeReason());
        } else if (!upstream.isClosed()) {
            upstream.close(GOING_AWAY, "client gone");
        }
        ended(null);
    }

    /** Closes {@code to} with a code and reason that came in a close frame. */
    private static void closeLike(WebSocketBase to, Short code, String reason) {
        if (to.isClosed()) {
            return;
        }
        if (sendable(code)) {
            to.close(code, reason);
        } else {
            to.close();
        }
    }

    /** Answers the client, still on HTTP, with a problem instead of the upgrade. */
    /** @return the problem's status */
    private int answer(HttpServerRequest request, Response problem) {
        finished = true;
        ended(null);
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return problem.status();
        }
        response.setStatusCode(problem.status());
        problem.headers().forEach(response.headers()::add);
        if (!request.isEnded()) {
            // The handshake request carries no body worth keeping; reading on keeps the connection usable.
            request.handler(null);
            request.resume();
        }
        response.end(Buffer.buffer(problem.body()));
        return problem.status();
    }

    /** @return whether {@code code} came in a close frame and may be sent on (RFC 6455 §7.4.1) */
    private static boolean sendable(Short code) {
        return code != null && code != 1005 && code != 1006 && code != 1015;
    }
}
