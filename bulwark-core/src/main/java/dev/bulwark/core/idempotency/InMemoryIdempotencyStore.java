package dev.bulwark.core.idempotency;

import dev.bulwark.api.store.Claim;
import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.StoredResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link IdempotencyStore} in this process's memory, for a single gateway node.
 *
 * <p>Bounded: at most {@code maxKeys} live keys. Expired keys are dropped lazily (when touched, and in one
 * sweep when the store is full) so no background thread is needed. When the store is full of live keys a
 * claim fails with {@link StoreUnavailableException} instead of evicting a live key, because evicting would
 * let a duplicate through; callers fail closed. Thread-safe: every operation holds one lock for a few map
 * operations, and completes its stage before returning.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private record Entry(Instant expiresAt, StoredResponse response) {
    }

    private final Clock clock;
    private final int maxKeys;
    private final Map<String, Entry> entries = new HashMap<>();
    /** No key expires before this instant, so a full store is not swept again until then. */
    private Instant nextExpiry = Instant.MIN;

    /**
     * @param clock   the clock expiry is measured with
     * @param maxKeys the most keys held at once
     * @throws IllegalArgumentException when {@code maxKeys} is not positive
     */
    public InMemoryIdempotencyStore(Clock clock, int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("idempotency store max keys must be positive: " + maxKeys);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxKeys = maxKeys;
    }

    @Override
    public CompletionStage<Claim> claim(String key, Duration ttl) {
        checkKey(key);
        checkTtl(ttl);
        Instant now = clock.instant();
        synchronized (entries) {
            Entry existing = entries.get(key);
            if (existing != null && existing.expiresAt.isAfter(now)) {
                return CompletableFuture.completedFuture(
                        existing.response == null ? Claim.inFlight() : Claim.completed(existing.response));
            }
            if (existing == null && entries.size() >= maxKeys && !sweep(now)) {
                return CompletableFuture.failedFuture(
                        new StoreUnavailableException("idempotency store is full: " + maxKeys + " keys"));
            }
            put(key, new Entry(now.plus(ttl), null));
            return CompletableFuture.completedFuture(Claim.newKey());
        }
    }

    @Override
    public CompletionStage<Void> complete(String key, StoredResponse response, Duration ttl) {
        checkKey(key);
        Objects.requireNonNull(response, "response");
        checkTtl(ttl);
        Instant now = clock.instant();
        synchronized (entries) {
            if (!entries.containsKey(key) && entries.size() >= maxKeys && !sweep(now)) {
                return CompletableFuture.failedFuture(
                        new StoreUnavailableException("idempotency store is full: " + maxKeys + " keys"));
            }
            put(key, new Entry(now.plus(ttl), response));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> release(String key) {
        checkKey(key);
        synchronized (entries) {
            entries.remove(key);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** @return the number of keys held, including expired ones not yet swept */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Stores an entry; must hold the lock. */
    private void put(String key, Entry entry) {
        entries.put(key, entry);
        if (entry.expiresAt.isBefore(nextExpiry)) {
            nextExpiry = entry.expiresAt;
        }
    }

    /** Drops expired entries; must hold the lock. @return whether room was made */
    private boolean sweep(Instant now) {
        if (now.isBefore(nextExpiry)) {
            return false;
        }
        Instant earliest = Instant.MAX;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (!entry.expiresAt.isAfter(now)) {
                it.remove();
            } else if (entry.expiresAt.isBefore(earliest)) {
                earliest = entry.expiresAt;
            }
        }
        nextExpiry = earliest;
        return entries.size() < maxKeys;
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("idempotency key must not be empty");
        }
    }

    private static void checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("idempotency ttl must be positive: " + ttl);
        }
    }
}
