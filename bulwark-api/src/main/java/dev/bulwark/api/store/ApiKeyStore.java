package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps API keys for machine clients, looked up by their public id.
 *
 * <p>Every operation is one atomic round trip. Implementations are thread-safe and never block the caller; when
 * the backend cannot answer, the stage fails with {@link StoreUnavailableException} and callers fail closed.
 * {@code null} arguments are programming errors and throw at once; operations on an unknown id complete with an
 * empty result.
 */
public interface ApiKeyStore {

    /**
     * Stores a new key as given.
     *
     * @return whether it was stored; {@code false} when the id is already used (nothing is written then)
     */
    CompletionStage<Boolean> create(ApiKey key);

    /** @return the key with this id, revoked or not, if any */
    CompletionStage<Optional<ApiKey>> findById(String id);

    /**
     * Revokes the key: sets {@code revokedAt} to now unless it is already set (a second revoke keeps the first
     * time).
     *
     * @return the key as now stored, or empty for an unknown id
     */
    CompletionStage<Optional<ApiKey>> revoke(String id);

    /**
     * Records that the key authenticated a request: {@code lastUsedAt} becomes {@code at} unless it is already
     * later. Callers throttle this; it is not on every request.
     */
    CompletionStage<Void> recordUse(String id, Instant at);

    /**
     * Lists keys ordered by id, keyset-paginated, revoked ones included.
     *
     * @param after the {@link Page#nextCursor() cursor} of the previous page, or {@code null} for the first
     * @param limit the page size, 1 to {@link Page#MAX_SIZE}
     * @throws IllegalArgumentException when {@code limit} is out of range
     */
    CompletionStage<Page<ApiKey>> list(String after, int limit);
}
