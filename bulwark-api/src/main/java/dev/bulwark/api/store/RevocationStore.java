package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps what has been revoked before it expired: session ids, per-user "issued before" cutoffs and API key ids.
 *
 * <p>Gateway nodes do not ask this store on the hot path: each keeps the live set in memory, loads it with
 * {@link #changesSince(long, int) changesSince(0, ...)} at start, and resyncs from its last cursor after a
 * reconnect (live pushes come from pub/sub in the Redis store). The feed is therefore strictly ordered:
 * sequences increase in the order writes become visible, so a reader can never skip a change that commits
 * later with a smaller sequence. Expired entries are dropped lazily and left out of the feed; a reader that
 * misses them loses nothing, since every token they refused has expired too.
 *
 * <p>Every operation is one atomic round trip. Implementations are thread-safe and never block the caller;
 * an unreachable backend (or a full in-memory store) fails the stage with {@link StoreUnavailableException}.
 * {@code null} arguments throw at once.
 */
public interface RevocationStore {

    /** The largest batch {@link #changesSince} returns. */
    int MAX_BATCH = 10_000;

    /**
     * Revokes a session: its tokens are refused until {@code expiresAt} (the latest expiry of an access token it
     * could have issued). Revoking an already revoked session extends its expiry if later and appends a new
     * change, so nodes that missed the first one learn it.
     *
     * @return the change appended to the feed
     */
    CompletionStage<Revocation> revokeSession(String sessionId, Instant expiresAt);

    /**
     * Invalidates every token of a user issued before {@code cutoff}. A later cutoff replaces an earlier one;
     * an earlier one never moves it back (the stored cutoff is the maximum).
     *
     * @param expiresAt when the cutoff stops mattering: {@code cutoff} plus the longest access-token lifetime
     * @return the change appended to the feed, carrying the effective (maximum) cutoff
     */
    CompletionStage<Revocation> revokeUserTokensBefore(String userId, Instant cutoff, Instant expiresAt);

    /**
     * Announces that an API key was revoked, so every node drops it even while it still caches the key as valid.
     * The key's own record ({@link ApiKeyStore#revoke}) is what keeps it revoked; this entry only has to outlive
     * the nodes' caches. Revoking again behaves as for a session.
     *
     * @param expiresAt when no node can still hold the key in a cache
     * @return the change appended to the feed ({@code cutoff} is when it was revoked)
     */
    CompletionStage<Revocation> revokeApiKey(String keyId, Instant expiresAt);

    /** @return whether the session is revoked and its entry has not expired */
    CompletionStage<Boolean> isSessionRevoked(String sessionId);

    /** @return the user's live cutoff, if any */
    CompletionStage<Optional<Instant>> userCutoff(String userId);

    /**
     * Reads the feed after {@code cursor}.
     *
     * @param cursor the cursor of the last batch read, or 0 for everything live
     * @param limit  the batch size, 1 to {@link #MAX_BATCH}
     * @throws IllegalArgumentException when {@code cursor} is negative or {@code limit} out of range
     */
    CompletionStage<RevocationFeed> changesSince(long cursor, int limit);
}
