package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a {@link RevocationStore}'s change feed: a revoked session, or a per-user cutoff before which
 * every token of that user is invalid.
 *
 * @param sequence  the store-wide, strictly increasing position of this change in the feed
 * @param kind      what is revoked
 * @param subject   the session id ({@link Kind#SESSION}), the user id ({@link Kind#USER_CUTOFF}) or the API key id
 *                  ({@link Kind#API_KEY})
 * @param cutoff    for {@link Kind#USER_CUTOFF}: tokens issued before this instant are invalid; for a session,
 *                  when it was revoked
 * @param expiresAt when the entry no longer matters because every token it could refuse has expired
 */
public record Revocation(long sequence, Kind kind, String subject, Instant cutoff, Instant expiresAt) {

    /** What a revocation applies to. */
    public enum Kind {
        /** Every token carrying this {@code sid} is invalid. */
        SESSION,
        /** Every token of this user ({@code sub}) issued before {@code cutoff} is invalid. */
        USER_CUTOFF,
        /** The API key with this id no longer authenticates, even where a node still caches it. */
        API_KEY
    }

    public Revocation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(cutoff, "cutoff");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
