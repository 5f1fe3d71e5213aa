package dev.bulwark.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;

/** An {@link UpstreamRequest} sent through Vert.x's HTTP client (HTTP/2 and TLS upstreams). */
final class VertxUpstreamRequest implements UpstreamRequest {

    private final HttpClientRequest out;
    private final boolean lengthKnown;
    private final long responseTimeoutMillis;
    private boolean started;

    /**
     * @param lengthKnown whether the client declared the body's length (it is then sent as received; otherwise
     *                    the body goes chunked)
     */
    VertxUpstreamRequest(HttpClientRequest out, boolean lengthKnown, long responseTimeoutMillis) {
        this.out = out;
        this.lengthKnown = lengthKnown;
        this.responseTimeoutMillis = responseTimeoutMillis;
    }

    @Override
    public void write(Buffer chunk) {
        if (!started) {
            started = true;
            if (!lengthKnown) {
                out.setChunked(true);
            }
        }
        out.write(chunk);
    }

    @Override
    public boolean writeQueueFull() {
        return out.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        out.drainHandler(handler);
    }

    @Override
    public void end() {
        out.end();
        out.idleTimeout(responseTimeoutMillis);
    }

    @Override
    public void end(Buffer body) {
        out.end(body);
        out.idleTimeout(responseTimeoutMillis);
    }

    @Override
    public void reset() {
        out.reset();
    }
}
