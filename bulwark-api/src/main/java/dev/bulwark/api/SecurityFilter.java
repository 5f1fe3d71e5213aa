package dev.bulwark.api;

import java.util.concurrent.CompletionStage;

/**
 * One security concern applied to a request and its response, in the style of an interceptor.
 *
 * <p>A filter either answers itself (a refusal, a preflight, a challenge) or calls
 * {@link Chain#proceed(Exchange)} and may post-process the response that comes back (add or remove
 * headers). Filters are built once per route when the configuration is compiled; they hold no per-request
 * state and must be safe to call from many threads at once. A filter must not block the calling thread:
 * work that waits (a store round trip, a body read) is expressed through the returned stage.
 *
 * <p>A filter never throws for bad input; it answers with {@link Exchange#refuse(Reason, String, String)}. A thrown
 * exception or a failed stage is a bug, and the host answers 500 with a problem body.
 */
public interface SecurityFilter {

    /** @return the stage at which this filter runs; fixes its position in every chain */
    Stage stage();

    /**
     * Applies this filter.
     *
     * @param exchange the request in flight
     * @param chain    the rest of the chain; call {@code chain.proceed(exchange)} at most once
     * @return the response to send back toward the client
     */
    CompletionStage<Response> filter(Exchange exchange, Chain chain);
}
