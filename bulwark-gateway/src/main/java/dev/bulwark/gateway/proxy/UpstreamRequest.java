package dev.bulwark.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * The request half of one attempt to reach an upstream, as the client's body is relayed into it. Ending it
 * starts the upstream's response timeout. Used on its event loop; not thread-safe.
 */
interface UpstreamRequest {

    /** Sends a piece of the body (with the request head, if that has not gone yet). */
    void write(Buffer chunk);

    /** @return whether the connection's outgoing buffer is full: stop writing until the drain handler runs */
    boolean writeQueueFull();

    void drainHandler(Handler<Void> handler);

    /** Completes the request (sending its head now if no body went before). */
    void end();

    /** Sends the whole request at once with {@code body}, read earlier by a filter. */
    void end(Buffer body);

    /** Abandons the request and its response: the connection is closed. */
    void reset();
}
