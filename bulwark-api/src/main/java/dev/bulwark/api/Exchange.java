package dev.bulwark.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One request in flight, as filters see it: the normalized request, the matched route, and what will be
 * sent upstream.
 *
 * <p>Implemented by hosts (the gateway, an embedding application). The request line and client address
 * are fixed when the exchange is created; request headers are mutable because they are what goes upstream.
 * Not thread-safe: the host calls filters for one exchange from one thread at a time.
 */
public interface Exchange {

    /** @return the request method in upper case, e.g. {@code "GET"} */
    String method();

    /**
     * @return the normalized path (percent-decoded once, dot segments resolved, duplicate slashes merged,
     *     path parameters removed): the path routes were matched against and the path sent upstream
     */
    String path();

    /** @return the raw query string without {@code '?'}, or {@code null} when there is none */
    String rawQuery();

    /**
     * Replaces the query string that later filters see and that goes upstream, e.g. to take a credential out.
     *
     * @param rawQuery the new raw query without {@code '?'}; {@code null} or empty for none
     */
    void rawQuery(String rawQuery);

    /** @return the requested host name, lower case, without port */
    String host();

    /**
     * @return the port the client addressed ({@code Host} or {@code :authority}), or {@code -1} when it named
     *     none (the scheme's default port)
     */
    default int port() {
        return -1;
    }

    /** @return whether the client reached us over TLS, directly or through a trusted TLS-terminating proxy */
    boolean secure();

    /** @return the client address: the socket peer, or the forwarded address when the peer is a trusted proxy */
    String clientIp();

    /** @return the request headers that will be sent upstream (mutable) */
    Headers requestHeaders();

    /** @return the declared {@code Content-Length}, or {@code -1} when absent or chunked */
    long contentLength();

    /** @return whether this is a WebSocket upgrade request */
    boolean isWebSocketUpgrade();

    /** @return the id of the route that matched */
    String routeId();

    /** @return values of the route pattern's {@code {name}} segments; empty when it has none */
    Map<String, String> pathParams();

    /** @return the request id; {@code null} until the request-id filter has run */
    String requestId();

    /** Sets the request id (done once, by the request-id filter). */
    void requestId(String requestId);

    /**
     * Caps the request body the host will forward; the host refuses with 413 as soon as more arrives,
     * before the upstream has seen more than {@code maxBytes}.
     */
    void bodyLimit(long maxBytes);

    /** @return the current body cap in bytes; {@code Long.MAX_VALUE} when none was set */
    long bodyLimit();

    /**
     * Reads the whole request body into memory, for filters that must see it before deciding (webhook
     * signatures, idempotency fingerprints). Once read, the host forwards exactly these bytes upstream instead
     * of streaming the client's body. Reading stops as soon as more than {@link #bodyLimit()} bytes arrive.
     * Calling it again returns the same stage.
     *
     * @return the exact bytes received; fails with {@link BodyTooLargeException} over the limit, or with the
     *     host's I/O exception when the client goes away mid-body
     */
    CompletionStage<byte[]> body();

    /**
     * Reads a streamed upstream response body into memory when it declares a {@code Content-Length} of at most
     * {@code maxBytes}, so a filter can keep it (idempotent replay). Bodies that are larger, or of unknown
     * length, stay streamed and the response comes back unchanged; so do in-memory responses.
     *
     * @param response the response the chain produced
     * @param maxBytes the largest body to buffer
     * @return an in-memory response with the same status and headers, or {@code response} itself
     */
    default CompletionStage<Response> bufferResponse(Response response, long maxBytes) {
        return CompletableFuture.completedFuture(response);
    }

    /** @return the value stored under {@code key}, or {@code null} */
    <T> T attribute(AttributeKey<T> key);

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    <T> void attribute(AttributeKey<T> key, T value);

    /** @return the clock every time-dependent decision reads */
    Clock clock();

    /** @return where this exchange's security events go */
    SecurityEventSink events();

    /**
     * Emits one security event for this exchange, carrying the tenant ({@link ExchangeAttributes#TENANT}) when one
     * is known.
     *
     * @param reason why
     * @param source the emitting feature, e.g. {@code "cors"}
     * @param detail a short explanation safe to log
     */
    default void emit(Reason reason, String source, String detail) {
        events().emit(new SecurityEvent(clock().instant(), reason, source, requestId(), routeId(), clientIp(),
                attribute(ExchangeAttributes.TENANT), detail));
    }

    /**
     * Refuses the request: emits one security event and returns the matching problem response.
     *
     * @param reason why; fixes status, type and title
     * @param source the refusing feature, e.g. {@code "body-limit"}
     * @param detail an explanation safe to show the client and to log
     * @return the problem response to return from the filter
     */
    default Response refuse(Reason reason, String source, String detail) {
        emit(reason, source, detail);
        return Response.problem(Problem.of(reason, detail, requestId()));
    }
}
