package dev.bulwark.core.webhook;

import dev.bulwark.core.idempotency.IdempotencyConfig;

import java.util.Objects;

/**
 * A webhook route's settings: how deliveries are verified and how duplicates are recognised.
 *
 * @param verifier    the preset or generic definition, with its secrets
 * @param idempotency de-duplication; {@code null} means the preset's default (on with the provider's delivery
 *                    id where the preset knows one, off otherwise)
 */
public record WebhookConfig(VerifierConfig verifier, IdempotencyConfig idempotency) {

    public WebhookConfig {
        Objects.requireNonNull(verifier, "verifier");
    }

    /** @return the preset name, e.g. {@code "meta"} */
    public String preset() {
        return verifier.preset();
    }
}
