package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A tenant (a merchant, a clinic, an organisation) as a {@link TenantStore} keeps it. Immutable.
 *
 * @param id        the tenant id requests carry (header, claim, path…), 1 to {@link User#MAX_NAME_LENGTH}
 *                  printable characters
 * @param name      a display name
 * @param status    whether its requests are served
 * @param createdAt when it was created
 * @param updatedAt when its name or status last changed
 */
public record Tenant(String id, String name, TenantStatus status, Instant createdAt, Instant updatedAt) {

    public Tenant {
        User.names(java.util.Set.of(Objects.requireNonNull(id, "id")), "tenant id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** @return whether requests for this tenant are served */
    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }
}
