package dev.bulwark.core.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.api.store.Claim;
import dev.bulwark.api.store.IdempotencyStore;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The webhook firewall on one route: answers Meta's subscription handshake, verifies every delivery over its
 * exact raw body, and lets each delivery id reach the backend once.
 *
 * <p>The body is read whole (up to the route's body limit, 413 beyond) and forwarded byte for byte. A refused
 * delivery gets the verifier's single problem type ({@link WebhookRefusal}). With de-duplication on, the key
 * (a header or a JSON path into the verified body) is claimed atomically in the {@link IdempotencyStore}
 * under {@code webhook:<route>:<sha-256 of the key>}: a duplicate is answered {@code 200
 * {"status":"duplicate_ignored"}} without forwarding; if the backend fails (a failed stage or any 5xx,
 * including the gateway's own 502 and 504) the key is released so the provider's retry gets through. A
 * delivery without a key is forwarded without de-duplication. When the store cannot decide, the delivery is
 * refused with 503 so the provider retries later (fail closed). Stateless and thread-safe.
 */
public final class WebhookFilter implements SecurityFilter {

    private static final String DELIVERY = "delivery";
    private static final String HANDSHAKE = "handshake";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledWebhook webhook;
    private final IdempotencyStore store;
    private final WebhookListener listener;
    private final String provider;

    /**
     * @param webhook  the compiled route settings
     * @param store    where delivery ids are claimed; may be {@code null} only when the route does not de-duplicate
     * @param listener told every outcome
     * @throws IllegalArgumentException when the route de-duplicates but no store is given
     */
    public WebhookFilter(CompiledWebhook webhook, IdempotencyStore store, WebhookListener listener) {
        this.webhook = Objects.requireNonNull(webhook, "webhook");
        if (webhook.deduplicates() && store == null) {
            throw new IllegalArgumentException("a de-duplicating webhook needs an idempotency store");
        }
        this.store = store;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.provider = webhook.verifier().provider();
    }

    @Override
    public Stage stage() {
        return Stage.WEBHOOK;
    }

    @Override
    public CompletionStage<Response> filter(Exchange ex, Chain chain) {
        if (webhook.handshake() != null && ("GET".equals(ex.method()) || "HEAD".equals(ex.method()))) {
            MetaSubscriptionHandshake.Result result = webhook.handshake().answer(ex.rawQuery());
            switch (result.outcome()) {
                case ACCEPTED -> {
                    listener.onEvent(provider, HANDSHAKE, "accepted");
                    Response ok = Response.of(200, "text/plain; charset=utf-8",
                            result.challenge().getBytes(StandardCharsets.US_ASCII));
                    ok.headers().set("Cache-Control", "no-store");
                    return CompletableFuture.completedFuture(ok);
                }
                case REFUSED -> {
                    listener.onEvent(provider, HANDSHAKE, "refused");
                    return CompletableFuture.completedFuture(ex.refuse(Reason.WEBHOOK_CREDENTIAL_INVALID,
                            WebhookRefusal.SOURCE, "webhook subscription handshake refused"));
                }
                case NOT_A_HANDSHAKE -> { }
            }
        }
        return ex.body().handle((body, failure) -> {
            if (failure == null) {
                return verified(ex, chain, body);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof BodyTooLargeException tooLarge) {
                listener.onEvent(provider, DELIVERY, "too_large");
                return CompletableFuture.completedFuture(ex.refuse(Reason.BODY_TOO_LARGE, WebhookRefusal.SOURCE,
                        "request body exceeds " + tooLarge.limit() + " bytes"));
            }
            return CompletableFuture.<Response>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<Response> verified(Exchange ex, Chain chain, byte[] body) {
        Verification verification = webhook.verifier().verify(ex.requestHeaders(), body, ex.clock().instant());
        if (!verification.ok()) {
            listener.onEvent(provider, DELIVERY, verification.cause().label());
            return CompletableFuture.completedFuture(WebhookRefusal.respond(ex, webhook.verifier(), verification));
        }
        Optional<String> key = webhook.deduplicates()
                ? webhook.idempotencyKey().extract(ex.requestHeaders(), body) : Optional.empty();
        if (key.isEmpty()) {
            listener.onEvent(provider, DELIVERY, "accepted");
            return chain.proceed(ex);
        }
        String storeKey = "webhook:" + ex.routeId() + ":"
                + HexFormat.of().formatHex(Crypto.sha256(key.get().getBytes(StandardCharsets.UTF_8)));
        CompletionStage<Claim> claim;
        try {
            claim = store.claim(storeKey, webhook.idempotencyTtl());
        } catch (RuntimeException e) {
            claim = CompletableFuture.failedFuture(e);
        }
        return claim.handle((claimed, failure) -> {
            if (failure != null) {
                listener.onEvent(provider, DELIVERY, "store_unavailable");
                return CompletableFuture.completedFuture(ex.refuse(Reason.SERVICE_UNAVAILABLE, WebhookRefusal.SOURCE,
                        "webhook de-duplication is unavailable; retry later"));
            }
            if (!claimed.isNew()) {
                listener.onEvent(provider, DELIVERY, "duplicate");
                ex.emit(Reason.WEBHOOK_DUPLICATE, WebhookRefusal.SOURCE, "provider " + provider + ": duplicate delivery");
                return CompletableFuture.completedFuture(duplicate(ex));
            }
            listener.onEvent(provider, DELIVERY, "accepted");
            return forward(ex, chain, storeKey);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<Response> forward(Exchange ex, Chain chain, String storeKey) {
        CompletionStage<Response> forwarded;
        try {
            forwarded = chain.proceed(ex);
        } catch (RuntimeException e) {
            forwarded = CompletableFuture.failedFuture(e);
        }
        return forwarded.whenComplete((response, failure) -> {
            if (failure != null || response == null || response.status() >= 500) {
                listener.onEvent(provider, DELIVERY, "released");
                // Best effort: if the release itself fails, the key expires after its TTL.
                store.release(storeKey);
            }
        });
    }

    private Response duplicate(Exchange ex) {
        ObjectNode json = JSON.createObjectNode().put("status", "duplicate_ignored").put("provider", provider);
        if (ex.requestId() != null) {
            json.put("requestId", ex.requestId());
        }
        Response response = Response.of(200, "application/json", json.toString().getBytes(StandardCharsets.UTF_8));
        response.headers().set("Cache-Control", "no-store");
        return response;
    }

    @Override
    public String toString() {
        return "WebhookFilter[" + provider + (webhook.deduplicates() ? ", de-duplicating" : "") + "]";
    }
}
