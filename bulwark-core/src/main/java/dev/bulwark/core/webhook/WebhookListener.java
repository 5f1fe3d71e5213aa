package dev.bulwark.core.webhook;

/**
 * Told the outcome of every webhook delivery and handshake, for metrics such as
 * {@code webhook_security_events_total{provider,event_type,result}}; keeps the filter free of any metrics
 * library.
 *
 * <p>Labels are bounded: {@code eventType} is {@code delivery} or {@code handshake}; {@code result} is
 * {@code accepted}, {@code duplicate}, {@code refused}, {@code too_large}, {@code store_unavailable},
 * {@code released}, or a {@link Verification.Cause#label() refusal cause}. Implementations are thread-safe
 * and return quickly.
 */
@FunctionalInterface
public interface WebhookListener {

    /** Ignores everything. */
    WebhookListener NONE = (provider, eventType, result) -> { };

    /**
     * @param provider  the verifier's provider name, e.g. {@code meta}
     * @param eventType what happened: {@code delivery} or {@code handshake}
     * @param result    how it ended
     */
    void onEvent(String provider, String eventType, String result);
}
