package dev.bulwark.core.idempotency;

import dev.bulwark.api.BodyTooLargeException;
import dev.bulwark.api.Chain;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.api.store.Claim;
import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.api.store.StoredResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Client idempotency for POST and PATCH requests carrying an {@code Idempotency-Key} header (IETF
 * httpapi-idempotency-key draft): the first response is stored and replayed to repeats.
 *
 * <p>The key is claimed atomically under {@code idempotency:<route>:<sha-256 of the key>}, with a fingerprint of
 * the method, path, query and exact body. A repeat with the same fingerprint gets the stored status, safe
 * headers ({@link #REPLAYED_HEADERS}) and body, plus {@code Idempotent-Replayed: true}; the same key with a
 * different request is refused with 422 ({@link Reason#IDEMPOTENCY_KEY_REUSED}); a repeat while the first is
 * still in flight with 409 ({@link Reason#IDEMPOTENCY_REQUEST_IN_PROGRESS}). A 5xx or failed first attempt
 * releases the key so the client may retry. Responses over {@link #MAX_STORED_BODY} bytes, or without a
 * {@code Content-Length}, are forwarded but not stored: the key then stays claimed until its TTL, and repeats
 * get 409 rather than a second execution. Keys are scoped to the route, not the caller. Requests without the
 * header pass through. A store that cannot decide gives 503. Stateless and thread-safe.
 */
public final class IdempotencyFilter implements SecurityFilter {

    /** The request header carrying the key. */
    public static final String HEADER = "Idempotency-Key";
    /** Bodies up to this size are stored for replay. */
    public static final long MAX_STORED_BODY = 1024 * 1024;
    /** Response headers kept for replay; others (notably {@code Set-Cookie}) are not. */
    public static final List<String> REPLAYED_HEADERS = List.of("content-type", "content-language",
            "content-location", "location", "etag", "last-modified");

    private static final String SOURCE = "idempotency";

    private final Duration ttl;
    private final IdempotencyStore store;

    /**
     * @param ttl   how long keys and stored responses are kept
     * @param store where keys are claimed
     */
    public IdempotencyFilter(Duration ttl, IdempotencyStore store) {
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Stage stage() {
        return Stage.WEBHOOK;
    }

    @Override
    public CompletionStage<Response> filter(Exchange ex, Chain chain) {
        if (!"POST".equals(ex.method()) && !"PATCH".equals(ex.method())) {
            return chain.proceed(ex);
        }
        List<String> keys = ex.requestHeaders().getAll(HEADER);
        if (keys.isEmpty()) {
            return chain.proceed(ex);
        }
        String key = keys.get(0).strip();
        if (keys.size() > 1 || key.isEmpty() || key.length() > IdempotencyKeySource.MAX_KEY_LENGTH) {
            return CompletableFuture.completedFuture(ex.refuse(Reason.MALFORMED_REQUEST, SOURCE,
                    "idempotency-key must be one value of 1 to " + IdempotencyKeySource.MAX_KEY_LENGTH + " characters"));
        }
        return ex.body().handle((body, failure) -> {
            if (failure == null) {
                return claimed(ex, chain, key, body);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof BodyTooLargeException tooLarge) {
                return CompletableFuture.completedFuture(ex.refuse(Reason.BODY_TOO_LARGE, SOURCE,
                        "request body exceeds " + tooLarge.limit() + " bytes"));
            }
            return CompletableFuture.<Response>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<Response> claimed(Exchange ex, Chain chain, String key, byte[] body) {
        byte[] fingerprint = fingerprint(ex, body);
        String storeKey = "idempotency:" + ex.routeId() + ":"
                + HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
        CompletionStage<Claim> claim;
        try {
            claim = store.claim(storeKey, ttl);
        } catch (RuntimeException e) {
            claim = CompletableFuture.failedFuture(e);
        }
        return claim.handle((claimedKey, failure) -> {
            if (failure != null) {
                return CompletableFuture.completedFuture(ex.refuse(Reason.SERVICE_UNAVAILABLE, SOURCE,
                        "idempotency store unavailable; retry later"));
            }
            if (claimedKey.isNew()) {
                return forward(ex, chain, storeKey, fingerprint);
            }
            return CompletableFuture.completedFuture(claimedKey.storedResponse()
                    .map(stored -> stored.matchesFingerprint(fingerprint) ? replay(stored)
                            : ex.refuse(Reason.IDEMPOTENCY_KEY_REUSED, SOURCE,
                                    "this idempotency-key was used with a different request"))
                    .orElseGet(() -> ex.refuse(Reason.IDEMPOTENCY_REQUEST_IN_PROGRESS, SOURCE,
                            "a request with this idempotency-key is still being processed")));
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<Response> forward(Exchange ex, Chain chain, String storeKey, byte[] fingerprint) {
        CompletionStage<Response> forwarded;
        try {
            forwarded = chain.proceed(ex);
        } catch (RuntimeException e) {
            forwarded = CompletableFuture.failedFuture(e);
        }
        return forwarded.handle((response, failure) -> {
            if (failure != null || response == null || response.status() >= 500) {
                store.release(storeKey);
                return failure != null ? CompletableFuture.<Response>failedFuture(failure)
                        : CompletableFuture.completedFuture(response);
            }
            return ex.bufferResponse(response, MAX_STORED_BODY).thenCompose(buffered -> {
                if (buffered.isStreamed()) {
                    return CompletableFuture.completedFuture(buffered);
                }
                Map<String, String> kept = new LinkedHashMap<>();
                for (String name : REPLAYED_HEADERS) {
                    String value = buffered.headers().get(name);
                    if (value != null) {
                        kept.put(name, value);
                    }
                }
                StoredResponse stored = new StoredResponse(buffered.status(), kept, buffered.body(), fingerprint);
                // The client gets its answer even if storing fails; the claim then expires with its TTL.
                return store.complete(storeKey, stored, ttl).handle((done, ignored) -> buffered);
            });
        }).thenCompose(stage -> stage);
    }

    private static Response replay(StoredResponse stored) {
        Response response = Response.of(stored.status(), "application/octet-stream", stored.body());
        response.headers().remove("Content-Type");
        stored.headers().forEach(response.headers()::set);
        response.headers().set("Idempotent-Replayed", "true");
        return response;
    }

    private static byte[] fingerprint(Exchange ex, byte[] body) {
        MessageDigest digest = sha256();
        String line = ex.method() + " " + ex.path() + (ex.rawQuery() == null ? "" : "?" + ex.rawQuery()) + "\n";
        digest.update(line.getBytes(StandardCharsets.UTF_8));
        digest.update(body);
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every jdk has sha-256", e);
        }
    }

    @Override
    public String toString() {
        return "IdempotencyFilter[ttl=" + ttl + "]";
    }
}
