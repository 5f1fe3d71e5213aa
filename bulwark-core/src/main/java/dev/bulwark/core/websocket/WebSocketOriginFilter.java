package dev.bulwark.core.websocket;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.cors.AllowedOrigins;
import dev.bulwark.core.cors.CorsConfig;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Refuses WebSocket upgrades from pages of other sites (cross-site WebSocket hijacking: a browser attaches the
 * victim's cookies to a socket any page opens, and the same-origin policy does not apply to WebSockets).
 *
 * <p>An upgrade passes when it carries no {@code Origin} (not a browser, so no ambient credentials to abuse),
 * when its origin is the gateway's own as the client addressed it (same scheme, host and port as the request),
 * or when the route's origin list allows it: {@code websocket.allowedOrigins} when set, otherwise the route's
 * CORS origins, read by the same {@link AllowedOrigins} matcher. Anything else, including the opaque origin
 * {@code null}, a malformed origin and a repeated {@code Origin} field, gets a 403 problem
 * ({@link Reason#WEBSOCKET_ORIGIN_REFUSED}) and never reaches later filters or the upstream. Other requests
 * pass untouched.
 *
 * <p>Runs at {@link Stage#CORS}, before authentication. Compiled once per route; thread-safe.
 */
public final class WebSocketOriginFilter implements SecurityFilter {

    private static final String SOURCE = "websocket";
    private static final int MAX_ECHOED = 100;

    private final AllowedOrigins origins;

    /**
     * @param config the route's websocket settings
     * @param cors   the route's CORS settings, whose origins apply when {@code config} lists none; {@code null}
     *               or {@link CorsConfig#OFF} when the route has no CORS
     * @throws IllegalArgumentException when an origin is malformed (see {@link AllowedOrigins})
     */
    public WebSocketOriginFilter(WebSocketConfig config, CorsConfig cors) {
        if (config.allowedOrigins() != null) {
            this.origins = new AllowedOrigins(SOURCE, config.allowedOrigins(), List.of());
        } else if (cors != null && !cors.isOff()) {
            this.origins = new AllowedOrigins(SOURCE, cors.allowedOrigins(), cors.allowedOriginRegexes());
        } else {
            this.origins = new AllowedOrigins(SOURCE, List.of(), List.of());
        }
    }

    @Override
    public Stage stage() {
        return Stage.CORS;
    }

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
        if (!exchange.isWebSocketUpgrade()) {
            return chain.proceed(exchange);
        }
        List<String> values = exchange.requestHeaders().getAll("Origin");
        if (values.isEmpty()) {
            return chain.proceed(exchange);
        }
        if (values.size() > 1) {
            return refuse(exchange, "more than one origin header");
        }
        String origin = values.get(0);
        if (AllowedOrigins.isSameOrigin(origin, exchange) || origins.allows(origin)) {
            return chain.proceed(exchange);
        }
        return refuse(exchange, "origin not allowed: " + (origin.length() > MAX_ECHOED
                ? origin.substring(0, MAX_ECHOED) + "..." : origin));
    }

    private static CompletionStage<Response> refuse(Exchange exchange, String detail) {
        return CompletableFuture.completedFuture(exchange.refuse(Reason.WEBSOCKET_ORIGIN_REFUSED, SOURCE, detail));
    }
}
