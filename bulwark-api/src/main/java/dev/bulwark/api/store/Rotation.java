package dev.bulwark.api.store;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link SessionStore#rotate}: what presenting a refresh token did to its family.
 *
 * @param outcome   what happened
 * @param session   the session after the rotation ({@code ROTATED}, {@code GRACE_RETRY}) or as it was when it
 *                  was revoked ({@code REUSE_DETECTED}); {@code null} for {@code UNKNOWN}
 * @param successor for {@code GRACE_RETRY}: the opaque successor handle stored by the rotation that won, from
 *                  which the caller re-issues the very same new refresh token; otherwise {@code null}
 */
public record Rotation(Outcome outcome, Session session, String successor) {

    /** What presenting a refresh token did. */
    public enum Outcome {
        /** The token was the current one: the new hash is now current, the presented one is the previous. */
        ROTATED,
        /**
         * The token was the previous one, presented again within the grace window (two tabs, a retried
         * request): nothing changed and the caller answers with the successor the first rotation issued.
         */
        GRACE_RETRY,
        /**
         * The token had already been rotated and the grace window is over (or it is older still): somebody
         * replayed a stolen token. The whole session was revoked in the same atomic step.
         */
        REUSE_DETECTED,
        /** No live session has this id, or the token never belonged to it: nothing changed. */
        UNKNOWN
    }

    private static final Rotation UNKNOWN = new Rotation(Outcome.UNKNOWN, null, null);

    public Rotation {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.UNKNOWN) != (session == null)) {
            throw new IllegalArgumentException("only an unknown rotation has no session: " + outcome);
        }
        if ((outcome == Outcome.GRACE_RETRY) != (successor != null)) {
            throw new IllegalArgumentException("exactly a grace retry carries a successor: " + outcome);
        }
    }

    /** @return the answer for a token no live session knows */
    public static Rotation unknown() {
        return UNKNOWN;
    }

    /** @return the successor handle of a grace retry; empty otherwise */
    public Optional<String> successorHandle() {
        return Optional.ofNullable(successor);
    }

    @Override
    public String toString() {
        return "Rotation[" + outcome + (session == null ? "" : ", session=" + session.id()) + "]";
    }
}
