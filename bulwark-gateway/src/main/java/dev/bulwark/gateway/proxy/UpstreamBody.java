package dev.bulwark.gateway.proxy;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * The host handle inside a streamed {@link dev.bulwark.api.Response}: the paused upstream response whose body
 * the server pipes to the client.
 *
 * @param request  the upstream request, reset when the body will not be used
 * @param response the upstream response, paused until piped
 */
public record UpstreamBody(HttpClientRequest request, HttpClientResponse response) {

    /** Drops the body and frees the upstream connection (the response will not be sent). */
    public void discard() {
        request.reset();
    }
}
