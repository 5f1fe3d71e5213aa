package dev.bulwark.core.routing;

import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.api.store.RateLimitStore;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.idempotency.InMemoryIdempotencyStore;
import dev.bulwark.core.ratelimit.InMemoryRateLimitStore;
import dev.bulwark.core.webhook.WebhookListener;
import dev.bulwark.core.websocket.WebSocketConnections;

import java.time.Clock;
import java.util.Objects;

/**
 * The stores and listeners route filters are built with; the host (the gateway) chooses them, so the same
 * configuration runs on in-memory, H2 or PostgreSQL stores.
 *
 * @param idempotencyStore where webhook delivery ids and {@code Idempotency-Key}s are claimed
 * @param webhookListener  told every webhook outcome (metrics)
 * @param rateLimitStore   where rate-limit tiers count requests
 * @param auth             identity, authentication and the auth endpoints; {@code null} when the configuration
 *                         has no {@code auth} section
 * @param webSockets       this node's WebSockets, which the routes' caps and limits count
 */
public record RouteServices(IdempotencyStore idempotencyStore, WebhookListener webhookListener,
                            RateLimitStore rateLimitStore, AuthServices auth, WebSocketConnections webSockets) {

    /** Keys held by {@link #inMemory(Clock)}: enough for a day of deliveries on one busy node. */
    public static final int IN_MEMORY_MAX_KEYS = 1_000_000;

    /**
     * Rate-limit keys held by the in-memory store: about 30 MB, and the least recently used key goes first,
     * so a spray of random addresses never grows the heap.
     */
    public static final int IN_MEMORY_RATE_LIMIT_KEYS = 200_000;

    public RouteServices {
        Objects.requireNonNull(idempotencyStore, "idempotencyStore");
        Objects.requireNonNull(webhookListener, "webhookListener");
        Objects.requireNonNull(rateLimitStore, "rateLimitStore");
        Objects.requireNonNull(webSockets, "webSockets");
    }

    /**
     * Services counting rate limits and WebSockets in this process's memory (new ones, so one per call), without
     * auth.
     */
    public RouteServices(IdempotencyStore idempotencyStore, WebhookListener webhookListener) {
        this(idempotencyStore, webhookListener, new InMemoryRateLimitStore(IN_MEMORY_RATE_LIMIT_KEYS), null,
                new WebSocketConnections());
    }

    /** @return services for a single node: an in-memory idempotency store on {@code clock}, no listener, no auth */
    public static RouteServices inMemory(Clock clock) {
        return new RouteServices(new InMemoryIdempotencyStore(clock, IN_MEMORY_MAX_KEYS), WebhookListener.NONE);
    }

    /** @return these services with {@code auth} */
    public RouteServices withAuth(AuthServices auth) {
        return new RouteServices(idempotencyStore, webhookListener, rateLimitStore, auth, webSockets);
    }
}
