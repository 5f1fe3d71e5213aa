package dev.bulwark.core.tenant;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.api.Principal;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.api.store.User;
import dev.bulwark.api.store.UserStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What a gateway node knows about tenants: each tenant's status and each user's memberships, read from the
 * {@link TenantStore} and {@link UserStore} and remembered for a short time, so an allowed request does not wait
 * on the store. One instance is shared by every route of a compiled configuration.
 *
 * <p>Entries expire {@code ttl} after they were read (measured on the injected clock); concurrent misses for one
 * key share one store read. A failed read is not remembered: the stage fails and the next request asks the store
 * again. A disabled or unknown user belongs to no tenant, and so does every caller another issuer vouches for:
 * stored memberships belong to this gateway's own users, and an external token's {@code sub} may equal one of
 * their ids by chance or by design. At most {@link #MAX_ENTRIES} tenants and as many users
 * are kept, least recently used first out. Thread-safe.
 */
public final class TenantDirectory {

    /** Tenants, and separately users, remembered at most. */
    public static final long MAX_ENTRIES = 100_000;

    private final AsyncLoadingCache<String, Optional<Tenant>> tenants;
    private final AsyncLoadingCache<String, Set<String>> memberships;

    private final String ownIssuer;

    /**
     * @param tenantStore where tenants' status is read
     * @param userStore   where users' tenants are read
     * @param ttl         how long a read is remembered; zero reads the store on every call
     * @param clock       measures the lifetime
     * @param ownIssuer   the issuer of this gateway's own tokens and API-key principals, whose users the
     *                    user store holds
     * @throws IllegalArgumentException when {@code ttl} is negative
     */
    public TenantDirectory(TenantStore tenantStore, UserStore userStore, Duration ttl, Clock clock,
                           String ownIssuer) {
        this.ownIssuer = Objects.requireNonNull(ownIssuer, "ownIssuer");
        Objects.requireNonNull(tenantStore, "tenantStore");
        Objects.requireNonNull(userStore, "userStore");
        Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("tenant cache ttl must not be negative: " + ttl);
        }
        this.tenants = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(ttl)
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .buildAsync((id, executor) -> load(() -> tenantStore.findById(id)));
        this.memberships = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(ttl)
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .buildAsync((userId, executor) -> load(() -> userStore.findById(userId))
                        .thenApply(user -> user.filter(User::isActive).map(User::tenants).orElse(Set.of())));
    }

    /** @return the tenant with this id, or empty when the store does not know it; fails when the store cannot say */
    public CompletableFuture<Optional<Tenant>> tenant(String id) {
        return tenants.get(id);
    }

    /**
     * @return the tenants this caller belongs to (empty for unknown and disabled users, and for callers of other
     *     issuers); fails when the store cannot say
     */
    public CompletableFuture<Set<String>> memberships(Principal caller) {
        return ownIssuer.equals(caller.issuer()) ? memberships.get(caller.userId())
                : CompletableFuture.completedFuture(Set.of());
    }

    /** Forgets what this node knows of a tenant (its status changed here), so its next request reads the store. */
    public void forgetTenant(String id) {
        tenants.synchronous().invalidate(id);
    }

    /** Forgets this node's copy of a user's memberships (they changed here). */
    public void forgetMemberships(String userId) {
        memberships.synchronous().invalidate(userId);
    }

    private static <T> CompletableFuture<T> load(Supplier<CompletionStage<T>> read) {
        try {
            return read.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
