package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A tenant (a merchant, a clinic, an organisation) as a {@link TenantStore} keeps it. Immutable.
 *
 * @param id        the tenant id requests carry (header, claim, path…), 1 to {@link User#MAX_NAME_LENGTH}
 *                  printable characters
 * @param name      a display name, at most {@link #MAX_NAME_LENGTH} characters without control characters
 * @param status    whether its requests are served
 * @param createdAt when it was created
 * @param updatedAt when its name or status last changed
 */
public record Tenant(String id, String name, TenantStatus status, Instant createdAt, Instant updatedAt) {

    /** The longest display name accepted. */
    public static final int MAX_NAME_LENGTH = 256;

    /**
     * @throws IllegalArgumentException when the id is not a valid name ({@link User#names}) or the name is too long
     *                                  or holds a control character
     */
    public Tenant {
        User.names(java.util.Set.of(Objects.requireNonNull(id, "id")), "tenant id");
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("tenant name must be at most " + MAX_NAME_LENGTH
                    + " printable characters: " + name.length() + " characters");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** @return whether requests for this tenant are served */
    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }
}
