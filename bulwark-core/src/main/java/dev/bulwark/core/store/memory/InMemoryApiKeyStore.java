package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link ApiKeyStore} in this process's memory. Lost on restart: the embedded gateway uses the H2 store.
 *
 * <p>Bounded to {@code maxKeys}; creating one more fails with {@link StoreUnavailableException}. Thread-safe:
 * every operation holds one lock and completes its stage before returning.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {

    private final Clock clock;
    private final int maxKeys;
    private final NavigableMap<String, ApiKey> byId = new TreeMap<>();

    /**
     * @param clock   the clock revocation times are taken from
     * @param maxKeys the most keys held
     * @throws IllegalArgumentException when {@code maxKeys} is not positive
     */
    public InMemoryApiKeyStore(Clock clock, int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("api key store max keys must be positive: " + maxKeys);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxKeys = maxKeys;
    }

    @Override
    public synchronized CompletionStage<Boolean> create(ApiKey key) {
        Objects.requireNonNull(key, "key");
        if (byId.containsKey(key.id())) {
            return CompletableFuture.completedFuture(false);
        }
        if (byId.size() >= maxKeys) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("api key store is full: " + maxKeys + " keys"));
        }
        byId.put(key.id(), key);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Optional<ApiKey>> findById(String id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id"))));
    }

    @Override
    public synchronized CompletionStage<Optional<ApiKey>> revoke(String id) {
        ApiKey key = byId.get(Objects.requireNonNull(id, "id"));
        if (key == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (key.revokedAt() == null) {
            key = new ApiKey(key.id(), key.name(), key.secretHash(), key.scopes(), key.tenant(), key.createdBy(),
                    key.createdAt(), key.expiresAt(), key.lastUsedAt(), clock.instant());
            byId.put(id, key);
        }
        return CompletableFuture.completedFuture(Optional.of(key));
    }

    @Override
    public synchronized CompletionStage<Void> recordUse(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        ApiKey key = byId.get(Objects.requireNonNull(id, "id"));
        if (key != null && (key.lastUsedAt() == null || at.isAfter(key.lastUsedAt()))) {
            byId.put(id, new ApiKey(key.id(), key.name(), key.secretHash(), key.scopes(), key.tenant(),
                    key.createdBy(), key.createdAt(), key.expiresAt(), at, key.revokedAt()));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Page<ApiKey>> list(String after, int limit) {
        Page.checkLimit(limit);
        return CompletableFuture.completedFuture(Pages.of(after == null ? byId : byId.tailMap(after, false),
                limit, ApiKey::id));
    }
}
