package dev.bulwark.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The host handle inside a streamed {@link dev.bulwark.api.Response}: the upstream response body, paused until
 * the server pipes it to the client (or reads it whole, or drops it).
 *
 * <p>Used on the event loop that received the response; not thread-safe.
 */
public interface UpstreamBody {

    /** @return the body as a stream, paused until piped; it fails when the upstream breaks off mid-body */
    ReadStream<Buffer> stream();

    /** Reads the whole body (and resumes the stream to do so); for bodies known to be small. */
    Future<Buffer> whole();

    /** @return completes once the body has been read to its end, or fails when it was cut off or dropped */
    Future<Void> ended();

    /** Drops the body and the upstream connection (the response will not be sent). */
    void discard();
}
