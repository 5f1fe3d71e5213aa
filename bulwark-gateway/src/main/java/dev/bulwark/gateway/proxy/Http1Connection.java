package dev.bulwark.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.internal.net.NetSocketInternal;

import java.io.IOException;

/**
 * One keep-alive HTTP/1.1 connection to an upstream, carrying one {@link Http1Exchange} at a time (no
 * pipelining). Responses are parsed by Netty's {@link HttpResponseDecoder} in the connection's pipeline, with
 * its limits (4,096-byte status line, 8,192 bytes of fields) and its validation; Vert.x delivers the parsed
 * parts on the event loop. Anything the upstream sends while no request is out closes the connection.
 *
 * <p>The decoder goes into the pipeline through Vert.x's {@link NetSocketInternal}, the extension point Vert.x's
 * own database and Redis clients use for their codecs; Vert.x keeps the connect timeout, the event-loop context
 * and the write queue. Reading is paused and resumed on the channel itself ({@code autoRead}), never through
 * Vert.x's inbound queue, which drops what it holds when the connection closes. Not thread-safe.
 */
final class Http1Connection {

    private final NetSocketInternal socket;
    private final Http1Pool pool;
    private final ResponseDecoder decoder = new ResponseDecoder();
    private Http1Exchange current;
    private Throwable failure;
    private boolean closed;
    /** Whether an exchange set a drain handler, which must not outlive it. */
    private boolean drainHandlerSet;
    private long idleSince;

    Http1Connection(NetSocketInternal socket, Http1Pool pool) {
        this.socket = socket;
        this.pool = pool;
        socket.channelHandlerContext().pipeline().addBefore("handler", "bulwark-http1-decoder", decoder);
        socket.messageHandler(this::received);
        socket.exceptionHandler(cause -> failure = cause);
        socket.closeHandler(ended -> closed());
    }

    /** Puts {@code exchange} on this connection; its request goes out with its first write. */
    void start(Http1Exchange exchange, boolean headRequest) {
        current = exchange;
        decoder.headRequest = headRequest;
    }

    /**
     * Ends the current exchange: the connection goes back to its pool when it can carry another request, and is
     * closed otherwise.
     */
    void finish(boolean reusable) {
        current = null;
        if (drainHandlerSet) {
            drainHandlerSet = false;
            socket.drainHandler(null);
        }
        if (reusable && !closed) {
            // The exchange may have left reading paused (a consumer's backpressure); an idle connection must
            // read, to see the upstream close it.
            resume();
            idleSince = System.nanoTime();
            pool.recycle(this);
        } else {
            close();
        }
    }

    /** @return when the connection last went idle, in {@link System#nanoTime()} terms */
    long idleSince() {
        return idleSince;
    }

    ByteBufAllocator alloc() {
        return socket.channelHandlerContext().alloc();
    }

    void write(ByteBuf bytes) {
        socket.writeMessage(bytes);
    }

    boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    void drainHandler(Handler<Void> handler) {
        drainHandlerSet = true;
        socket.drainHandler(handler);
    }

    /** Stops reading from the upstream (what was read already is still delivered). */
    void pause() {
        socket.channelHandlerContext().channel().config().setAutoRead(false);
    }

    void resume() {
        socket.channelHandlerContext().channel().config().setAutoRead(true);
    }

    void close() {
        socket.close();
    }

    private void received(Object message) {
        Http1Exchange exchange = current;
        if (exchange == null) {
            ReferenceCountUtil.release(message);
            close();
            return;
        }
        exchange.received(message);
    }

    private void closed() {
        closed = true;
        pool.closed(this);
        Http1Exchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.connectionLost(failure != null ? failure
                    : new IOException("the upstream closed the connection"));
        }
    }

    /** Netty's decoder, told when a response can have no body because it answers a HEAD request. */
    private static final class ResponseDecoder extends HttpResponseDecoder {
        boolean headRequest;

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage message) {
            return headRequest || super.isContentAlwaysEmpty(message);
        }
    }
}
