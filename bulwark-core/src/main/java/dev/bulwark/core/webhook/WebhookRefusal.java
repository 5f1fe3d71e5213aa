package dev.bulwark.core.webhook;

import dev.bulwark.api.Exchange;
import dev.bulwark.api.Problem;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;

/**
 * Turns a refused {@link Verification} into the client's answer and one security event.
 *
 * <p>The client always gets the verifier's single problem type with the same detail, whatever failed, so a
 * forger cannot probe which part of a delivery was wrong. The event is specific: a genuine signature with a
 * stale timestamp is reported as {@link Reason#WEBHOOK_TIMESTAMP_OUT_OF_WINDOW} (a replay), and the detail names
 * the provider and the cause. Stateless and thread-safe.
 */
public final class WebhookRefusal {

    /** The only detail clients ever see for a refused delivery. */
    public static final String PUBLIC_DETAIL = "webhook verification failed";

    /** The event source of everything the webhook feature emits. */
    public static final String SOURCE = "webhook";

    private WebhookRefusal() {
    }

    /**
     * Emits the event and builds the problem response for a refused delivery.
     *
     * @throws IllegalArgumentException when {@code verification} was accepted
     */
    public static Response respond(Exchange exchange, WebhookVerifier verifier, Verification verification) {
        if (verification.ok()) {
            throw new IllegalArgumentException("verification was accepted: " + verification.provider());
        }
        Reason eventReason = verification.cause() == Verification.Cause.TIMESTAMP_OUT_OF_WINDOW
                ? Reason.WEBHOOK_TIMESTAMP_OUT_OF_WINDOW : verifier.refusalReason();
        exchange.emit(eventReason, SOURCE,
                "provider " + verification.provider() + ": " + verification.cause().label());
        return Response.problem(Problem.of(verifier.refusalReason(), PUBLIC_DETAIL, exchange.requestId()));
    }
}
