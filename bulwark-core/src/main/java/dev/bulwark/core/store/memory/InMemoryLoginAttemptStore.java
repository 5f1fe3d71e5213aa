package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.LockState;
import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.api.store.LoginAttemptStore;
import dev.bulwark.api.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link LoginAttemptStore} in this process's memory.
 *
 * <p>Bounded to {@code maxKeys}; when full of remembered keys a failure fails with
 * {@link StoreUnavailableException} (the login is refused) rather than forget a lockout, since forgetting would
 * let a flood of attempts from many IPs unlock an account. Thread-safe: every operation holds one lock and
 * completes its stage before returning.
 */
public final class InMemoryLoginAttemptStore implements LoginAttemptStore {

    private record Entry(LockState state, Instant forgetAt) {
    }

    private final Clock clock;
    private final int maxKeys;
    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * @param clock   the clock lockouts are measured with
     * @param maxKeys the most keys remembered at once
     * @throws IllegalArgumentException when {@code maxKeys} is not positive
     */
    public InMemoryLoginAttemptStore(Clock clock, int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("login attempt store max keys must be positive: " + maxKeys);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxKeys = maxKeys;
    }

    @Override
    public synchronized CompletionStage<LockState> recordFailure(String key, LockoutPolicy policy) {
        checkKey(key);
        Objects.requireNonNull(policy, "policy");
        Instant now = clock.instant();
        Entry entry = live(key, now);
        if (entry == null && entries.size() >= maxKeys && !sweep(now)) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("login attempt store is full: " + maxKeys + " keys"));
        }
        LockState next = policy.afterFailure(entry == null ? LockState.CLEAR : entry.state, now);
        if (entry != null && next == entry.state) {
            return CompletableFuture.completedFuture(next);
        }
        entries.put(key, new Entry(next, policy.forgetAt(next, now)));
        return CompletableFuture.completedFuture(next);
    }

    @Override
    public synchronized CompletionStage<LockState> lockState(String key) {
        checkKey(key);
        Entry entry = live(key, clock.instant());
        return CompletableFuture.completedFuture(entry == null ? LockState.CLEAR : entry.state);
    }

    @Override
    public synchronized CompletionStage<Void> reset(String key) {
        checkKey(key);
        entries.remove(key);
        return CompletableFuture.completedFuture(null);
    }

    private Entry live(String key, Instant now) {
        Entry entry = entries.get(key);
        if (entry != null && !now.isBefore(entry.forgetAt)) {
            entries.remove(key);
            return null;
        }
        return entry;
    }

    private boolean sweep(Instant now) {
        for (String key : List.copyOf(entries.keySet())) {
            live(key, now);
        }
        return entries.size() < maxKeys;
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("login attempt key must not be empty");
        }
    }
}
