package dev.bulwark.core.webhook;

import dev.bulwark.core.idempotency.IdempotencyKeySource;

import java.time.Duration;
import java.util.Objects;

/**
 * A validated webhook route, ready for the filter: the verifier, the optional de-duplication key and the
 * optional Meta handshake. Immutable and thread-safe.
 *
 * @param verifier        checks every delivery
 * @param idempotencyKey  where the delivery id comes from, or {@code null} when duplicates are not filtered
 * @param idempotencyTtl  how long delivery ids are remembered; {@code null} exactly when {@code idempotencyKey} is
 * @param handshake       answers Meta's GET subscription handshake, or {@code null} when not configured
 */
public record CompiledWebhook(WebhookVerifier verifier, IdempotencyKeySource idempotencyKey, Duration idempotencyTtl,
                              MetaSubscriptionHandshake handshake) {

    public CompiledWebhook {
        Objects.requireNonNull(verifier, "verifier");
        if ((idempotencyKey == null) != (idempotencyTtl == null)) {
            throw new IllegalArgumentException("idempotency key and ttl must be set together");
        }
    }

    /** @return whether duplicate deliveries are filtered */
    public boolean deduplicates() {
        return idempotencyKey != null;
    }
}
