package dev.bulwark.core.webhook;

import java.util.Locale;
import java.util.Objects;

/**
 * The result of checking one webhook delivery: accepted, or refused for an internal cause.
 *
 * <p>The cause is for security events and metrics only; clients are told that verification failed and
 * nothing more, so a forger learns nothing about which part was wrong. Immutable.
 *
 * @param provider the verifier's provider name, e.g. {@code "meta"} (a metrics label)
 * @param cause    why the delivery was refused, or {@code null} when it was accepted
 */
public record Verification(String provider, Cause cause) {

    /** Why a delivery was refused. */
    public enum Cause {
        /** A required header (signature, timestamp, id, token) is absent. */
        MISSING_HEADER,
        /** A header is present but unusable: repeated, oversized, wrong prefix, bad hex or base64. */
        MALFORMED_HEADER,
        /** The header is well formed but no configured secret produces (or equals) it. */
        SIGNATURE_MISMATCH,
        /** The signature is genuine but its timestamp is outside the tolerance: a replay or a skewed clock. */
        TIMESTAMP_OUT_OF_WINDOW;

        /** @return the lowercase label for metrics and event details, e.g. {@code "signature_mismatch"} */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Verification {
        Objects.requireNonNull(provider, "provider");
    }

    /** @return an accepted delivery */
    public static Verification accepted(String provider) {
        return new Verification(provider, null);
    }

    /** @return a refused delivery */
    public static Verification refused(String provider, Cause cause) {
        return new Verification(provider, Objects.requireNonNull(cause, "cause"));
    }

    /** @return whether the delivery was accepted */
    public boolean ok() {
        return cause == null;
    }
}
