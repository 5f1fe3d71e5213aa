package dev.bulwark.core.webhook;

import dev.bulwark.api.Headers;
import dev.bulwark.api.Reason;

import java.time.Instant;

/**
 * Checks that a webhook delivery comes from its provider: a signature over the exact raw body, a shared
 * token, or an API key, with any of several configured secrets (rotation).
 *
 * <p>Built once per route by {@link WebhookVerifiers}; immutable and safe to call from many threads at once.
 * Secrets are compared in constant time. Never throws for bad input: every problem with the delivery is a
 * refused {@link Verification}. Reads time only from {@code now}.
 */
public interface WebhookVerifier {

    /** @return the provider name used in metrics and events, e.g. {@code "stripe"} */
    String provider();

    /**
     * @return the reason every refusal of this verifier is answered with: one stable problem type per route,
     *     whatever the cause ({@link Reason#WEBHOOK_SIGNATURE_INVALID} for signatures,
     *     {@link Reason#WEBHOOK_CREDENTIAL_INVALID} for shared tokens and API keys)
     */
    default Reason refusalReason() {
        return Reason.WEBHOOK_SIGNATURE_INVALID;
    }

    /**
     * Verifies one delivery.
     *
     * @param headers the request headers as received
     * @param rawBody the exact body bytes as received, before any parsing
     * @param now     the current time, from the exchange's clock
     * @return accepted, or refused with the cause
     */
    Verification verify(Headers headers, byte[] rawBody, Instant now);
}
