package dev.bulwark.api.store;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link IdempotencyStore#claim}: either the caller now holds the key, or somebody already did.
 *
 * <p>A duplicate whose first holder has not completed yet carries no response (the request is still in
 * flight); once completed, it carries what the first holder stored. Immutable.
 *
 * @param outcome  whether the key was new
 * @param response the stored response of a completed duplicate, or {@code null}
 */
public record Claim(Outcome outcome, StoredResponse response) {

    /** Whether a claim got the key. */
    public enum Outcome {
        /** The key was free: the caller holds it and should proceed. */
        NEW,
        /** Somebody holds (or held and completed) the key: the caller must not proceed. */
        DUPLICATE
    }

    private static final Claim NEW = new Claim(Outcome.NEW, null);
    private static final Claim IN_FLIGHT = new Claim(Outcome.DUPLICATE, null);

    public Claim {
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.NEW && response != null) {
            throw new IllegalArgumentException("a new claim cannot carry a stored response");
        }
    }

    /** @return the claim of a caller that now holds the key */
    public static Claim newKey() {
        return NEW;
    }

    /** @return a duplicate whose first holder has not completed yet */
    public static Claim inFlight() {
        return IN_FLIGHT;
    }

    /** @return a duplicate of a completed request, carrying its response */
    public static Claim completed(StoredResponse response) {
        return new Claim(Outcome.DUPLICATE, Objects.requireNonNull(response, "response"));
    }

    /** @return whether the caller now holds the key */
    public boolean isNew() {
        return outcome == Outcome.NEW;
    }

    /** @return the stored response of a completed duplicate; empty for new claims and in-flight duplicates */
    public Optional<StoredResponse> storedResponse() {
        return Optional.ofNullable(response);
    }
}
