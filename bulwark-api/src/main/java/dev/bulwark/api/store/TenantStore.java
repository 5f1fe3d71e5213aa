package dev.bulwark.api.store;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps tenants and their status, so a suspended or deleted tenant is refused at the edge.
 *
 * <p>Every operation is one atomic round trip. Timestamps come from the clock the implementation was given.
 * Implementations are thread-safe and never block the caller; when the backend cannot answer, the stage fails
 * with {@link StoreUnavailableException} and callers fail closed. {@code null} arguments are programming errors
 * and throw at once; operations on an unknown id complete with an empty result.
 */
public interface TenantStore {

    /**
     * Creates an {@link TenantStatus#ACTIVE} tenant.
     *
     * @return the stored tenant, or empty when the id is already used (nothing is written then)
     * @throws IllegalArgumentException when the id is not a valid name
     */
    CompletionStage<Optional<Tenant>> create(String id, String name);

    /** @return the tenant with this id, if any */
    CompletionStage<Optional<Tenant>> findById(String id);

    /**
     * Sets the tenant's status and moves {@code updatedAt} to now.
     *
     * @return the updated tenant, or empty for an unknown id
     */
    CompletionStage<Optional<Tenant>> setStatus(String id, TenantStatus status);

    /**
     * Lists tenants ordered by id, keyset-paginated.
     *
     * @param after the {@link Page#nextCursor() cursor} of the previous page, or {@code null} for the first
     * @param limit the page size, 1 to {@link Page#MAX_SIZE}
     * @throws IllegalArgumentException when {@code limit} is out of range
     */
    CompletionStage<Page<Tenant>> list(String after, int limit);
}
