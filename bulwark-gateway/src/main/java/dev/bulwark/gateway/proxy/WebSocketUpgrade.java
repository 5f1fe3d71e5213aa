package dev.bulwark.gateway.proxy;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;

/**
 * The host handle inside a {@code 101} {@link dev.bulwark.api.Response}: an upstream WebSocket already
 * connected, waiting for the client side to be accepted so frames can be relayed both ways.
 *
 * <p>Frames are relayed one by one (text, binary, continuation, ping), with backpressure: when one side's
 * write queue is full the other side stops reading until it drains. A close on either side closes the other
 * with the same code and reason. Used on one event loop; not thread-safe.
 */
public final class WebSocketUpgrade {

    private final WebSocket upstream;

    WebSocketUpgrade(WebSocket upstream) {
        this.upstream = upstream;
    }

    /** Closes the upstream side when the client will not be accepted. */
    public void discard() {
        upstream.close();
    }

    /**
     * Accepts the client's upgrade, answering with the subprotocol the upstream chose, and starts relaying.
     *
     * @param request the client's upgrade request
     */
    public void accept(HttpServerRequest request) {
        String subProtocol = upstream.subProtocol();
        if (subProtocol == null) {
            request.headers().remove("Sec-WebSocket-Protocol");
        } else {
            request.headers().set("Sec-WebSocket-Protocol", subProtocol);
        }
        request.toWebSocket().onComplete(accepted -> {
            if (accepted.failed()) {
                upstream.close();
                return;
            }
            ServerWebSocket client = accepted.result();
            relay(client, upstream);
            relay(upstream, client);
            upstream.resume();
        });
    }

    private static void relay(WebSocketBase from, WebSocketBase to) {
        from.frameHandler(frame -> forward(frame, from, to));
        from.closeHandler(closed -> {
            if (!to.isClosed()) {
                Short code = from.closeStatusCode();
                if (code == null || code == 1005 || code == 1006 || code == 1015) {
                    // Reserved codes must never be sent on the wire (RFC 6455 §7.4.1).
                    to.close();
                } else {
                    to.close(code, from.closeReason());
                }
            }
        });
        from.exceptionHandler(failure -> to.close((short) 1011));
    }

    private static void forward(WebSocketFrame frame, WebSocketBase from, WebSocketBase to) {
        if (frame.isClose() || frame.type() == io.vertx.core.http.WebSocketFrameType.PONG || to.isClosed()) {
            // Closes travel through closeHandler; pongs answer our own hop's pings.
            return;
        }
        to.writeFrame(frame);
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(drained -> from.resume());
        }
    }
}
