package dev.bulwark.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;

/**
 * One request and its response on an {@link Http1Connection}: the request side for the body relay
 * ({@link UpstreamRequest}), the response body for the server ({@link UpstreamBody}, a {@link ReadStream}).
 *
 * <p>The request head goes out with the first piece of body, or with the end: a body of unknown length is then
 * sent chunked. Once the request is out, the response timeout runs: it fails the exchange when the upstream
 * sends nothing for that long, except while the body's reader is holding it back (a body no reader ever took
 * is let go after that long too). Informational (1xx) answers
 * are skipped; {@code 101} on a plain request, a malformed head or body, or the connection lost before the end
 * fail the exchange: before the response head through {@link Listener#failed}, after it through the stream.
 *
 * <p>The body is held here while its reader is paused, and the connection stops reading meanwhile, so the end
 * of a body is never lost when the upstream closes right after sending it. The connection goes back to its pool
 * as soon as the whole response has been read and the whole request sent, if both sides keep it alive; any
 * other end closes it. Used on its event loop; not thread-safe.
 */
final class Http1Exchange implements UpstreamRequest, UpstreamBody, ReadStream<Buffer> {

    /** Told how the request was answered; exactly one of the two, at most once. */
    interface Listener {
        /** The response head arrived; its body waits, paused, in the exchange. */
        void answered(Http1Exchange exchange, HttpResponse head);

        /** The exchange failed before a response head arrived. */
        void failed(Throwable cause);
    }

    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx;
    private final Http1Connection connection;
    private final Listener listener;
    private final long timeoutMillis;
    private final boolean lengthKnown;
    /** The request head until it is sent. */
    private ByteBuf head;
    private boolean chunked;
    private boolean requestEnded;

    private HttpResponse response;
    private boolean informational;
    /** Whether the connection was given back or closed: nothing more goes to it or comes from it. */
    private boolean detached;

    private final ArrayDeque<Buffer> pending = new ArrayDeque<>(2);
    private boolean endPending;
    private long demand;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private Buffer whole;
    private Promise<Buffer> wholeRead;
    private final Promise<Void> ended = Promise.promise();
    /** Why the response body broke off, for a reader that comes after. */
    private Throwable failure;

    private long timer = -1;
    private long activity;
    private long activityWhenArmed;

    /**
     * Puts a new exchange on {@code connection}; nothing is sent until {@link #write}, {@link #end()} or
     * {@link #end(Buffer)}.
     *
     * @param head        the encoded head without its closing empty line ({@link Http1RequestHead#encode})
     * @param lengthKnown whether the head already frames the body (a declared length, or no body at all);
     *                    otherwise a body is sent chunked
     * @param headRequest whether the method is {@code HEAD} (its response has no body)
     */
    Http1Exchange(Vertx vertx, Http1Connection connection, ByteBuf head, boolean lengthKnown, boolean headRequest,
                  long timeoutMillis, Listener listener) {
        this.vertx = vertx;
        this.connection = connection;
        this.head = head;
        this.lengthKnown = lengthKnown;
        this.timeoutMillis = timeoutMillis;
        this.listener = listener;
        connection.start(this, headRequest);
    }

    // ---- the request ----

    @Override
    public void write(Buffer chunk) {
        if (detached || requestEnded || chunk.length() == 0) {
            return;
        }
        ByteBuf bytes = ((BufferInternal) chunk).getByteBuf();
        if (head == null && !chunked) {
            connection.write(bytes);
            return;
        }
        ByteBuf out = head != null ? takeHead(!lengthKnown) : connection.alloc().buffer(bytes.readableBytes() + 16);
        if (chunked) {
            ByteBufUtil.writeAscii(out, Integer.toHexString(bytes.readableBytes()));
            out.writeByte('\r').writeByte('\n');
            out.writeBytes(bytes);
            out.writeByte('\r').writeByte('\n');
        } else {
            out.writeBytes(bytes);
        }
        connection.write(out);
    }

    @Override
    public boolean writeQueueFull() {
        return !detached && connection.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        if (!detached) {
            connection.drainHandler(handler);
        }
    }

    @Override
    public void end() {
        if (detached || requestEnded) {
            return;
        }
        if (head != null) {
            connection.write(takeHead(false));
        } else if (chunked) {
            connection.write(connection.alloc().buffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK));
        }
        requestSent();
    }

    /**
     * Sends the request in one write with {@code body}, whose length the head declares (an empty body with no
     * declared length is the same as {@link #end()}).
     */
    @Override
    public void end(Buffer body) {
        if (detached) {
            return;
        }
        ByteBuf out = takeHead(false);
        out.writeBytes(((BufferInternal) body).getByteBuf());
        connection.write(out);
        requestSent();
    }

    @Override
    public void reset() {
        fail(new ProtocolException("the gateway abandoned the exchange"));
    }

    private ByteBuf takeHead(boolean chunkedBody) {
        ByteBuf out = head;
        head = null;
        if (chunkedBody) {
            chunked = true;
            Http1RequestHead.field(out, "Transfer-Encoding", "chunked");
        }
        Http1RequestHead.end(out);
        return out;
    }

    private void requestSent() {
        requestEnded = true;
        armTimeout();
    }

    private void armTimeout() {
        activityWhenArmed = activity;
        timer = vertx.setTimer(timeoutMillis, fired -> timedOut());
    }

    private void timedOut() {
        timer = -1;
        if (detached) {
            return;
        }
        // A reader that stopped reading (a slow client) is not the upstream's fault; a body nobody reads (its
        // response was replaced after the head came) is let go, which frees the connection.
        boolean heldBack = response != null && handler != null && (demand == 0 || !pending.isEmpty());
        if (activity != activityWhenArmed || heldBack) {
            armTimeout();
            return;
        }
        fail(new TimeoutException("no data from the upstream within " + timeoutMillis + " ms"));
    }

    // ---- the response, as the connection delivers it ----

    /** A part of the response from Netty's decoder; this exchange releases it. */
    void received(Object message) {
        if (detached) {
            ReferenceCountUtil.release(message);
            return;
        }
        activity++;
        if (message instanceof HttpResponse answer && message instanceof HttpContent) {
            // Netty's stand-in for a head it could not parse.
            ReferenceCountUtil.release(message);
            fail(new ProtocolException("malformed response head from the upstream: "
                    + answer.decoderResult().cause()));
        } else if (message instanceof HttpResponse answer) {
            head(answer);
        } else if (message instanceof HttpContent content) {
            content(content);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    private void head(HttpResponse answer) {
        if (answer.decoderResult().isFailure()) {
            fail(new ProtocolException("malformed response head from the upstream: "
                    + answer.decoderResult().cause()));
            return;
        }
        int status = answer.status().code();
        if (status < 200) {
            if (status == 101) {
                fail(new ProtocolException("the upstream switched protocols on a plain request"));
            } else {
                informational = true;
            }
            return;
        }
        response = answer;
        listener.answered(this, answer);
    }

    private void content(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            ReferenceCountUtil.release(content);
            fail(new ProtocolException("malformed response body from the upstream: "
                    + content.decoderResult().cause()));
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (informational || response == null) {
            ReferenceCountUtil.release(content);
            informational &= !last;
            return;
        }
        Buffer chunk = BufferInternal.safeBuffer(content.content());
        if (chunk.length() > 0) {
            body(chunk);
        }
        if (last) {
            // Answered before the whole request went out, the connection cannot carry another: the rest of the
            // request will not be sent.
            detach(requestEnded && HttpUtil.isKeepAlive(response));
            endPending = true;
            drain();
        }
    }

    private void body(Buffer chunk) {
        if (whole != null) {
            whole.appendBuffer(chunk);
        } else if (demand > 0 && pending.isEmpty() && handler != null) {
            take();
            handler.handle(chunk);
        } else {
            pending.addLast(chunk);
            // Hold the upstream back until the reader catches up.
            connection.pause();
        }
    }

    /** Called by the connection when it closed while this exchange had it. */
    void connectionLost(Throwable cause) {
        fail(cause);
    }

    /**
     * Ends the exchange with a failure: the connection is closed, and whoever waits (the listener before the
     * response head, the body's reader after it) is told.
     */
    private void fail(Throwable cause) {
        if (detached) {
            return;
        }
        detach(false);
        pending.clear();
        if (response == null) {
            listener.failed(cause);
            ended.tryFail(cause);
            return;
        }
        failure = cause;
        if (wholeRead != null) {
            wholeRead.tryFail(cause);
        } else if (exceptionHandler != null) {
            exceptionHandler.handle(cause);
        }
        ended.tryFail(cause);
    }

    private void detach(boolean reusable) {
        detached = true;
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (head != null) {
            head.release();
            head = null;
        }
        connection.finish(reusable);
    }

    // ---- the response body, as the server reads it ----

    private void take() {
        if (demand != Long.MAX_VALUE) {
            demand--;
        }
    }

    /** Hands held pieces to the reader as its demand allows, then the end once all went; reads on if wanted. */
    private void drain() {
        while (demand > 0 && !pending.isEmpty() && handler != null) {
            take();
            handler.handle(pending.pollFirst());
        }
        if (!pending.isEmpty()) {
            return;
        }
        if (endPending) {
            endPending = false;
            if (wholeRead != null) {
                wholeRead.complete(whole);
            } else if (endHandler != null) {
                endHandler.handle(null);
            }
            ended.tryComplete();
        } else if (!detached && (demand > 0 || whole != null)) {
            connection.resume();
        }
    }

    @Override
    public ReadStream<Buffer> stream() {
        return this;
    }

    @Override
    public Future<Buffer> whole() {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        whole = Buffer.buffer();
        wholeRead = Promise.promise();
        pending.forEach(whole::appendBuffer);
        pending.clear();
        drain();
        return wholeRead.future();
    }

    @Override
    public Future<Void> ended() {
        return ended.future();
    }

    @Override
    public void discard() {
        reset();
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        if (failure != null && handler != null) {
            handler.handle(failure);
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.handler = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        demand = 0;
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        demand = amount == Long.MAX_VALUE || demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
        drain();
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        return this;
    }
}
