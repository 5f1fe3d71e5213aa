package dev.bulwark.gateway.proxy;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.auth.Authenticator;
import dev.bulwark.gateway.server.VertxExchange;
import io.vertx.core.Future;
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
 * <p>Used on one event loop; not thread-safe.
 */
public final class WebSocketUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);
    private static final String SOURCE = "proxy";
    private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    private static final short GOING_AWAY = 1001;
    private static final short INTERNAL_ERROR = 1011;
    /** "Bad Gateway" in the IANA WebSocket close code registry. */
    private static final short BAD_GATEWAY = 1014;

    private final WebSocket upstream;
    private final VertxExchange exchange;
    private final String upstreamName;
    /** Set when a close frame had already come before any handler could be registered. */
    private final boolean closedOnArrival;
    private ServerWebSocket client;
    /** Set once the upstream connection ended without a close frame, before the client was upgraded. */
    private boolean upstreamLost;
    /** Set once the relay is over: both sides closed or being closed, or the upgrade abandoned. */
    private boolean finished;

    WebSocketUpgrade(WebSocket upstream, VertxExchange exchange, String upstreamName) {
        this.upstream = upstream;
        this.exchange = exchange;
        this.upstreamName = upstreamName;
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
    }

    /**
     * Accepts the client's upgrade, answering with the subprotocol the upstream chose, and starts relaying.
     * Never throws: every failure is logged and either closes both sockets or, while the client can still get
     * an HTTP response, answers it with a problem (502 when the upstream was lost, 500 when the request could
     * not be upgraded).
     *
     * @param request the client's upgrade request
     * @return the status the client is answered with: 101, or the problem's status
     */
    public int accept(HttpServerRequest request) {
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
        if (accepted.isClosed()) {
            // The client left during the handshake; its handlers can no longer be set.
            closeUpstreamLike(accepted);
            return;
        }
        accepted.frameHandler(frame -> onFrame(frame, accepted, upstream, "client"));
        accepted.closeHandler(closed -> onClientClosed());
        accepted.exceptionHandler(failure -> LOG.debug("client websocket failed (request {}): {}",
                exchange.requestId(), failure.toString()));
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
            return;
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
            return;
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
