package dev.bulwark.api.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps login sessions and their refresh-token families.
 *
 * <p>A refresh token is presented with the session id it belongs to (the caller puts the id in the opaque
 * token), so every operation touches one session (or one user's sessions) and can be one atomic round trip:
 * a Lua script in Redis (with one user's session keys in one hash slot), one short transaction holding row
 * locks in SQL. The
 * store only ever sees token <em>hashes</em>.
 *
 * <p>Rotation keeps, per session, the current hash, the previous hash with the time it was rotated and an
 * opaque successor handle, and every older hash of the family, so that:
 * <ul>
 *   <li>the current token rotates ({@link Rotation.Outcome#ROTATED});</li>
 *   <li>the previous token within the grace window gets the same successor back
 *       ({@link Rotation.Outcome#GRACE_RETRY}): two tabs refreshing at once are not punished;</li>
 *   <li>the previous token after the window, or any older one, revokes the session
 *       ({@link Rotation.Outcome#REUSE_DETECTED});</li>
 *   <li>a hash the family never had changes nothing ({@link Rotation.Outcome#UNKNOWN}), so a forged token
 *       naming a victim's session id cannot log the victim out.</li>
 * </ul>
 *
 * <p>Sessions past their idle or absolute expiry (measured with the implementation's clock) behave as absent
 * and are dropped lazily. Implementations are thread-safe and never block the caller; an unreachable backend
 * (or a full in-memory store) fails the stage with {@link StoreUnavailableException}. {@code null} arguments
 * and non-positive durations throw at once.
 */
public interface SessionStore {

    /**
     * Opens a session and, in the same atomic step, ends the user's oldest live sessions so that at most
     * {@code maxPerUser} remain, the new one included. Concurrent logins of one user never exceed the cap.
     *
     * @return the stored session and the ids of the sessions ended to make room, oldest first; the stage fails
     *     with {@link IllegalStateException} (and nothing changes) when the session id already exists
     * @throws IllegalArgumentException when {@code maxPerUser} is not positive
     */
    CompletionStage<SessionCreated> create(NewSession session, int maxPerUser);

    /** @return the live session with this id, if any */
    CompletionStage<Optional<Session>> find(String sessionId);

    /** @return the user's live sessions, oldest first */
    CompletionStage<List<Session>> listByUser(String userId);

    /**
     * Presents a refresh token's hash for rotation; see the class comment for the outcomes. On
     * {@code ROTATED} the session's last-seen time moves to now (extending its idle expiry, never its absolute
     * one) and {@code successor} is kept for grace retries.
     *
     * @param sessionId     the session named by the token
     * @param presentedHash the hash of the presented token
     * @param newHash       the hash of the token that replaces it
     * @param successor     an opaque handle from which the caller can re-issue the new token (for example the
     *                      token encrypted with a server key); stored, never interpreted
     * @param grace         how long after a rotation the previous token still gets the successor
     * @throws IllegalArgumentException when {@code grace} is negative
     */
    CompletionStage<Rotation> rotate(String sessionId, String presentedHash, String newHash, String successor,
                                     Duration grace);

    /** @return the session that was ended, or empty when no live session had this id */
    CompletionStage<Optional<Session>> revoke(String sessionId);

    /**
     * Ends every live session of a user (logout everywhere, password change, disabling the user).
     *
     * @param keepSessionId a session to keep (the one changing the password), or {@code null} to end all
     * @return the ids of the sessions ended
     */
    CompletionStage<List<String>> revokeAllForUser(String userId, String keepSessionId);

    /**
     * Checks a duration argument.
     *
     * @throws IllegalArgumentException when {@code value} is zero or negative
     */
    static void checkPositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
    }
}
