package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;

import java.time.Clock;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link TenantStore} in this process's memory. Lost on restart: the embedded gateway uses the H2 store.
 *
 * <p>Bounded to {@code maxTenants}; creating one more fails with {@link StoreUnavailableException}. Thread-safe:
 * every operation holds one lock and completes its stage before returning.
 */
public final class InMemoryTenantStore implements TenantStore {

    private final Clock clock;
    private final int maxTenants;
    private final NavigableMap<String, Tenant> byId = new TreeMap<>();

    /**
     * @param clock      the clock timestamps are taken from
     * @param maxTenants the most tenants held
     * @throws IllegalArgumentException when {@code maxTenants} is not positive
     */
    public InMemoryTenantStore(Clock clock, int maxTenants) {
        if (maxTenants <= 0) {
            throw new IllegalArgumentException("tenant store max tenants must be positive: " + maxTenants);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxTenants = maxTenants;
    }

    @Override
    public synchronized CompletionStage<Optional<Tenant>> create(String id, String name) {
        Instant now = clock.instant();
        Tenant tenant = new Tenant(id, name, TenantStatus.ACTIVE, now, now);
        if (byId.containsKey(id)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (byId.size() >= maxTenants) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("tenant store is full: " + maxTenants + " tenants"));
        }
        byId.put(id, tenant);
        return CompletableFuture.completedFuture(Optional.of(tenant));
    }

    @Override
    public synchronized CompletionStage<Optional<Tenant>> findById(String id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id"))));
    }

    @Override
    public synchronized CompletionStage<Optional<Tenant>> setStatus(String id, TenantStatus status) {
        Objects.requireNonNull(status, "status");
        Tenant tenant = byId.get(Objects.requireNonNull(id, "id"));
        if (tenant == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Tenant updated = new Tenant(id, tenant.name(), status, tenant.createdAt(), clock.instant());
        byId.put(id, updated);
        return CompletableFuture.completedFuture(Optional.of(updated));
    }

    @Override
    public synchronized CompletionStage<Page<Tenant>> list(String after, int limit) {
        Page.checkLimit(limit);
        return CompletableFuture.completedFuture(Pages.of(after == null ? byId : byId.tailMap(after, false),
                limit, Tenant::id));
    }
}
