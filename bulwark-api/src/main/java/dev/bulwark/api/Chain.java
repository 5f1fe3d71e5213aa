package dev.bulwark.api;

import java.util.concurrent.CompletionStage;

/** The filters after the current one, ending in the upstream call. Not reusable across requests. */
@FunctionalInterface
public interface Chain {

    /**
     * Hands the exchange to the next filter (or to the upstream when none is left).
     *
     * @param exchange the exchange, possibly with modified request headers or attributes
     * @return the response produced further down the chain
     */
    CompletionStage<Response> proceed(Exchange exchange);
}
