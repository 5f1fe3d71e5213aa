package dev.bulwark.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.ReadStream;

/**
 * An upstream body that arrived through Vert.x's HTTP client (HTTP/2 and TLS upstreams).
 *
 * @param request  the upstream request, reset when the body will not be used
 * @param response the upstream response, paused until piped
 */
record VertxUpstreamBody(HttpClientRequest request, HttpClientResponse response) implements UpstreamBody {

    @Override
    public ReadStream<Buffer> stream() {
        return response;
    }

    @Override
    public Future<Buffer> whole() {
        Future<Buffer> body = response.body();
        response.resume();
        return body;
    }

    @Override
    public Future<Void> ended() {
        return response.end();
    }

    @Override
    public void discard() {
        request.reset();
    }
}
