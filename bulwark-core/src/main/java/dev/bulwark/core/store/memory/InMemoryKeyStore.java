package dev.bulwark.core.store.memory;

import dev.bulwark.api.store.KeyStatus;
import dev.bulwark.api.store.KeyStore;
import dev.bulwark.api.store.SigningKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link KeyStore} in this process's memory. Keys are lost on restart, so every token signed before it stops
 * verifying: use it for tests and throw-away gateways only.
 *
 * <p>Naturally bounded: only operators add keys, and retired keys are dropped. Thread-safe: every operation
 * holds one lock and completes its stage before returning.
 */
public final class InMemoryKeyStore implements KeyStore {

    private final Clock clock;
    private final Map<String, SigningKey> keys = new LinkedHashMap<>();

    /** @param clock the clock activation and retirement are measured with */
    public InMemoryKeyStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized CompletionStage<SigningKey> initialize(SigningKey candidate) {
        Objects.requireNonNull(candidate, "candidate");
        Optional<SigningKey> active = active();
        if (active.isPresent()) {
            return CompletableFuture.completedFuture(active.get());
        }
        if (keys.containsKey(candidate.kid())) {
            return CompletableFuture.failedFuture(new IllegalStateException("key id already used: " + candidate.kid()));
        }
        SigningKey activated = activated(candidate, clock.instant());
        keys.put(activated.kid(), activated);
        return CompletableFuture.completedFuture(activated);
    }

    @Override
    public synchronized CompletionStage<SigningKey> rotate(SigningKey next, Duration keepOldFor) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(keepOldFor, "keepOldFor");
        if (keepOldFor.isNegative()) {
            throw new IllegalArgumentException("key retirement delay must not be negative: " + keepOldFor);
        }
        Instant now = clock.instant();
        dropRetired(now);
        if (keys.containsKey(next.kid())) {
            return CompletableFuture.failedFuture(new IllegalStateException("key id already used: " + next.kid()));
        }
        active().ifPresent(old -> keys.put(old.kid(), new SigningKey(old.kid(), old.algorithm(), old.publicJwk(),
                old.encryptedPrivateKey(), KeyStatus.RETIRING, old.createdAt(), old.activatedAt(),
                now.plus(keepOldFor))));
        SigningKey activated = activated(next, now);
        keys.put(activated.kid(), activated);
        return CompletableFuture.completedFuture(activated);
    }

    @Override
    public synchronized CompletionStage<Optional<SigningKey>> activeKey() {
        return CompletableFuture.completedFuture(active());
    }

    @Override
    public synchronized CompletionStage<List<SigningKey>> verificationKeys() {
        dropRetired(clock.instant());
        return CompletableFuture.completedFuture(ordered(new ArrayList<>(keys.values())));
    }

    @Override
    public synchronized CompletionStage<Optional<SigningKey>> find(String kid) {
        Objects.requireNonNull(kid, "kid");
        dropRetired(clock.instant());
        return CompletableFuture.completedFuture(Optional.ofNullable(keys.get(kid)));
    }

    /** Orders keys as {@link KeyStore#verificationKeys()} promises: active first, then newest activation. */
    private static List<SigningKey> ordered(List<SigningKey> keys) {
        keys.sort(Comparator.comparing((SigningKey k) -> k.status() != KeyStatus.ACTIVE)
                .thenComparing(SigningKey::activatedAt, Comparator.reverseOrder())
                .thenComparing(SigningKey::kid));
        return List.copyOf(keys);
    }

    private static SigningKey activated(SigningKey key, Instant now) {
        return new SigningKey(key.kid(), key.algorithm(), key.publicJwk(), key.encryptedPrivateKey(),
                KeyStatus.ACTIVE, key.createdAt(), now, null);
    }

    private Optional<SigningKey> active() {
        return keys.values().stream().filter(k -> k.status() == KeyStatus.ACTIVE).findFirst();
    }

    private void dropRetired(Instant now) {
        keys.values().removeIf(key -> !key.verifiesAt(now));
    }
}
