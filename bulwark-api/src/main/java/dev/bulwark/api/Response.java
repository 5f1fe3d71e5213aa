package dev.bulwark.api;

import java.util.Objects;

/**
 * The head of a response travelling back toward the client, with either a small in-memory body (refusals,
 * preflights, built-in endpoints) or a host-managed streamed body (the upstream's).
 *
 * <p>The status is fixed; the headers are mutable so filters can post-process them on the way out. The
 * streamed body is opaque to filters: only the host that created it knows how to pipe it.
 */
public final class Response {

    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final Object streamedBody;

    private Response(int status, Headers headers, byte[] body, Object streamedBody) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be between 100 and 599: " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body;
        this.streamedBody = streamedBody;
    }

    /** @return a response with no body */
    public static Response empty(int status) {
        return new Response(status, Headers.create(), new byte[0], null);
    }

    /** @return a response with a complete in-memory body and the given content type */
    public static Response of(int status, String contentType, byte[] body) {
        Headers headers = Headers.create();
        headers.set("Content-Type", contentType);
        return new Response(status, headers, Objects.requireNonNull(body, "body"), null);
    }

    /** @return the {@code application/problem+json} response for {@code problem} */
    public static Response problem(Problem problem) {
        Response response = of(problem.status(), Problem.CONTENT_TYPE, problem.toJsonBytes());
        response.headers().set("Cache-Control", "no-store");
        return response;
    }

    /**
     * A response whose body the host streams from elsewhere (normally the upstream).
     *
     * @param headers    the response headers, usually an adapter over the host's own map
     * @param hostBody   whatever the host needs to pipe the body later; never inspected by filters
     */
    public static Response streamed(int status, Headers headers, Object hostBody) {
        return new Response(status, headers, null, Objects.requireNonNull(hostBody, "hostBody"));
    }

    /** @return the HTTP status */
    public int status() { return status; }

    /** @return the mutable response headers */
    public Headers headers() { return headers; }

    /** @return the in-memory body, or {@code null} when the body is streamed */
    public byte[] body() { return body; }

    /** @return whether the host streams the body; then {@link #body()} is {@code null} */
    public boolean isStreamed() { return streamedBody != null; }

    /** @return the host's streamed-body handle, or {@code null} */
    public Object streamedBody() { return streamedBody; }
}
