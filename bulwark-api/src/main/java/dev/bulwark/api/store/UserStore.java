package dev.bulwark.api.store;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Keeps user accounts: email, password hash, roles, permissions, tenants, status.
 *
 * <p>Emails are unique after {@link User#normalizeEmail normalization}; lookups by email normalize too, so
 * {@code Ann@Example.com} finds {@code ann@example.com}. Every operation is one atomic round trip (a single SQL
 * statement or a Lua script), so two concurrent registrations of one email create exactly one user. Timestamps
 * come from the clock the implementation was given.
 *
 * <p>Implementations are thread-safe and never block the caller. When the backend cannot answer, the stage
 * fails with {@link StoreUnavailableException} and callers fail closed. {@code null} arguments and malformed
 * emails are programming errors and throw at once. Operations on an unknown id complete with an empty result
 * rather than failing.
 */
public interface UserStore {

    /** The largest page {@link #list} returns. */
    int MAX_PAGE_SIZE = 1000;

    /**
     * Creates a user, {@link UserStatus#ACTIVE}, with all timestamps set to now.
     *
     * @return {@link CreateUserResult.Created} with the stored user, or {@link CreateUserResult.EmailTaken} when
     *     the normalized email or the id is already used (nothing is written then)
     */
    CompletionStage<CreateUserResult> create(NewUser user);

    /** @return the user with this id, if any */
    CompletionStage<Optional<User>> findById(String id);

    /** @return the user with this email (normalized before the lookup), if any */
    CompletionStage<Optional<User>> findByEmail(String email);

    /**
     * Replaces the password hash with a stronger encoding of the same password (re-hash on login), but only if
     * the stored hash is still {@code expectedHash}: a password change that raced the login wins.
     * {@code passwordChangedAt} does not move, so the user's tokens stay valid.
     *
     * @return whether the hash was replaced
     */
    CompletionStage<Boolean> rehashPassword(String id, String expectedHash, String newHash);

    /**
     * Sets a new password hash (the owner changed it, or an admin reset it) and moves {@code passwordChangedAt}
     * and {@code updatedAt} to now. Ending the user's other sessions is the caller's job.
     *
     * @return the updated user, or empty for an unknown id
     */
    CompletionStage<Optional<User>> changePassword(String id, String newHash);

    /**
     * Replaces the user's roles and extra permissions.
     *
     * @return the updated user, or empty for an unknown id
     */
    CompletionStage<Optional<User>> setAccess(String id, Set<String> roles, Set<String> permissions);

    /**
     * Replaces the tenants the user belongs to and moves {@code updatedAt} to now. Gateways cache memberships
     * briefly, and an access token issued while the user had exactly one tenant carries it: a caller removing a
     * tenant also ends the user's sessions (as the admin API and {@code bulwark users set-tenants} do) so that
     * the removal holds from the next request.
     *
     * @return the updated user, or empty for an unknown id
     * @throws IllegalArgumentException when a tenant is not a valid name ({@link User#names})
     */
    CompletionStage<Optional<User>> setTenants(String id, Set<String> tenants);

    /**
     * Enables or disables the user.
     *
     * @return the updated user, or empty for an unknown id
     */
    CompletionStage<Optional<User>> setStatus(String id, UserStatus status);

    /**
     * Lists users ordered by normalized email, keyset-paginated: a user created or deleted between calls never
     * shifts the pages.
     *
     * @param after the {@link UserPage#nextCursor() cursor} of the previous page, or {@code null} for the first
     * @param limit the page size, 1 to {@link #MAX_PAGE_SIZE}
     * @throws IllegalArgumentException when {@code limit} is out of range
     */
    CompletionStage<UserPage> list(String after, int limit);
}
