package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The token signing keys in use: one active key that signs, and retiring keys that only verify until every token
 * they signed has expired.
 *
 * <p>Verifiers are built once per key (with {@link JwsProviders}) and looked up by {@code kid} in this ring only;
 * a kid is never used to fetch or open anything. Thread-safe: readers see a consistent snapshot, and
 * {@link #rotate} and {@link #replace} swap it atomically.
 */
public final class KeyRing {

    /** A key with the verifier pinned to its algorithm. */
    record Pinned(RingKey key, JWSVerifier verifier) {
    }

    /** The active key and its signer. */
    record Signing(RingKey key, JWSSigner signer) {
    }

    private record Snapshot(List<RingKey> keys, Map<String, Pinned> byKid, RingKey active, JWSSigner signer) {
    }

    private final JwsProviders providers;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

    /**
     * @param keys      the ring as loaded from the key store: exactly one active key, unique kids
     * @param providers who verifies each algorithm
     * @throws IllegalArgumentException when there is not exactly one active key or a kid repeats
     */
    public KeyRing(List<RingKey> keys, JwsProviders providers) {
        this.providers = Objects.requireNonNull(providers, "providers");
        snapshot.set(build(keys));
    }

    /** @return a ring with one freshly generated active key for {@code algorithm}, verified by the fastest providers */
    public static KeyRing generate(TokenAlgorithm algorithm, Instant now) {
        return new KeyRing(List.of(new RingKey(SigningKeys.generate(algorithm), now, null)), JwsProviders.FASTEST);
    }

    /** @return the key that signs new tokens */
    public RingKey active() {
        return snapshot.get().active();
    }

    /** @return the active key with its signer, from one snapshot so they always match */
    Signing activeSigning() {
        Snapshot current = snapshot.get();
        return new Signing(current.active(), current.signer());
    }

    /** @return every key in the ring, the active one first, then retiring ones newest first (retired ones included) */
    public List<RingKey> keys() {
        return snapshot.get().keys();
    }

    /** @return the keys that verify at {@code now}: the active one first, then retiring ones newest first */
    public List<RingKey> verificationKeys(Instant now) {
        return snapshot.get().keys().stream().filter(key -> key.verifiesAt(now)).toList();
    }

    /** @return the key with this id and its pinned verifier, if it is in the ring and still verifies at {@code now} */
    Optional<Pinned> verificationKey(String kid, Instant now) {
        Pinned pinned = snapshot.get().byKid().get(kid);
        return pinned != null && pinned.key().verifiesAt(now) ? Optional.of(pinned) : Optional.empty();
    }

    /**
     * Generates a new active key with the active key's algorithm and keeps the old one for verification.
     *
     * @see #rotate(JWK, Instant, Duration)
     */
    public RingKey rotate(Instant now, Duration maxTokenLifetime) {
        return rotate(SigningKeys.generate(active().algorithm()), now, maxTokenLifetime);
    }

    /**
     * Makes {@code next} the signing key. The previous active key keeps verifying until {@code now +
     * maxTokenLifetime}; pass the longest token lifetime plus the verifier's clock skew
     * ({@link TokenConfig#keyRetention()}). Keys already past their retire time are dropped.
     *
     * @return the new active key
     * @throws IllegalArgumentException when {@code maxTokenLifetime} is negative or {@code next}'s kid is taken
     */
    public RingKey rotate(JWK next, Instant now, Duration maxTokenLifetime) {
        Objects.requireNonNull(now, "now");
        if (maxTokenLifetime.isNegative()) {
            throw new IllegalArgumentException("max token lifetime must not be negative: " + maxTokenLifetime);
        }
        RingKey fresh = new RingKey(next, now, null);
        Instant retireAfter = now.plus(maxTokenLifetime);
        while (true) {
            Snapshot current = snapshot.get();
            List<RingKey> keys = new ArrayList<>();
            keys.add(fresh);
            for (RingKey key : current.keys()) {
                if (key.isActive()) {
                    keys.add(key.retiring(retireAfter));
                } else if (key.verifiesAt(now)) {
                    keys.add(key);
                }
            }
            if (snapshot.compareAndSet(current, build(keys))) {
                return fresh;
            }
        }
    }

    /** Swaps in the ring as another node stored it (after a rotation elsewhere). */
    public void replace(List<RingKey> keys) {
        snapshot.set(build(keys));
    }

    /**
     * @return the JWKS document ({@code {"keys":[...]}}) with the public halves of the keys that verify at
     *         {@code now}; HMAC keys are never published
     */
    public String jwks(Instant now) {
        List<JWK> published = verificationKeys(now).stream()
                .filter(key -> key.algorithm().isAsymmetric())
                .map(key -> key.key().toPublicJWK())
                .toList();
        return new JWKSet(published).toString(true);
    }

    private Snapshot build(List<RingKey> keys) {
        List<RingKey> active = keys.stream().filter(RingKey::isActive).toList();
        if (active.size() != 1) {
            throw new IllegalArgumentException("key ring needs exactly one active key: " + active.size());
        }
        List<RingKey> ordered = new ArrayList<>(active);
        keys.stream().filter(key -> !key.isActive())
                .sorted(Comparator.comparing(RingKey::activatedAt).reversed())
                .forEach(ordered::add);
        Map<String, Pinned> byKid = new HashMap<>();
        for (RingKey key : ordered) {
            Pinned pinned = new Pinned(key, providers.verifier(key.key(), key.algorithm()));
            if (byKid.putIfAbsent(key.kid(), pinned) != null) {
                throw new IllegalArgumentException("key id appears twice in the ring: " + key.kid());
            }
        }
        RingKey signing = active.getFirst();
        return new Snapshot(List.copyOf(ordered), Map.copyOf(byKid), signing,
                JwsProviders.signer(signing.key(), signing.algorithm()));
    }
}
