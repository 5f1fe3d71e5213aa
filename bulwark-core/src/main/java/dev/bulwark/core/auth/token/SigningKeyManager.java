package dev.bulwark.core.auth.token;

import com.nimbusds.jose.jwk.JWK;
import dev.bulwark.api.store.KeyStore;
import dev.bulwark.api.store.SigningKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Connects the {@link KeyRing} tokens are signed and verified with to the shared {@link KeyStore}, where keys
 * live encrypted under the {@link MasterKey}.
 *
 * <p>{@link #load} generates the first key when the store has none (one node wins when several start at once),
 * {@link #rotate} makes a new key active while the old one keeps verifying for the token lifetime plus skew,
 * and {@link #refresh} re-reads the store so every node picks up a rotation made elsewhere (another node, the
 * {@code bulwark keys rotate} command). Thread-safe.
 */
public final class SigningKeyManager {

    private final KeyStore store;
    private final KeyEncryption encryption;
    private final TokenAlgorithm algorithm;
    private final Duration retention;
    private final Clock clock;

    /**
     * @param store      where keys are kept
     * @param masterKey  encrypts private keys at rest
     * @param algorithm  what new keys are for
     * @param retention  how long a rotated-out key keeps verifying (token lifetime plus skew)
     * @param clock      the store's clock
     */
    public SigningKeyManager(KeyStore store, MasterKey masterKey, TokenAlgorithm algorithm, Duration retention,
                             Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.encryption = new KeyEncryption(masterKey);
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Loads the ring, creating the first key when the store has none.
     *
     * @return the ring; fails with {@link IllegalStateException} when a stored key cannot be decrypted (a
     *     different master key), and with the store's exception when it is unreachable
     */
    public CompletionStage<KeyRing> load() {
        return store.initialize(seal(SigningKeys.generate(algorithm)))
                .thenCompose(active -> store.verificationKeys())
                .thenApply(keys -> new KeyRing(open(keys), JwsProviders.FASTEST));
    }

    /** Re-reads the store into {@code ring}, so it signs with the active key and verifies with every live one. */
    public CompletionStage<Void> refresh(KeyRing ring) {
        return store.verificationKeys().thenAccept(keys -> {
            if (!keys.isEmpty()) {
                ring.replace(open(keys));
            }
        });
    }

    /**
     * Generates a new active key; the previous one keeps verifying for the retention period.
     *
     * @return the new key as stored
     */
    public CompletionStage<SigningKey> rotate() {
        return store.rotate(seal(SigningKeys.generate(algorithm)), retention);
    }

    /** @return the keys that verify now, newest first, as stored (private parts still encrypted) */
    public CompletionStage<List<SigningKey>> list() {
        return store.verificationKeys();
    }

    private SigningKey seal(JWK key) {
        String kid = key.getKeyID() != null ? key.getKeyID() : UUID.randomUUID().toString();
        RingKey ringKey = new RingKey(key, clock.instant(), null);
        String publicJwk = ringKey.publicJwkJson() != null ? ringKey.publicJwkJson()
                : "{\"kty\":\"oct\",\"kid\":\"" + kid + "\"}";
        return SigningKey.generated(kid, ringKey.algorithm().jws().getName(), publicJwk, encryption.seal(key),
                clock.instant());
    }

    private List<RingKey> open(List<SigningKey> keys) {
        List<RingKey> ring = new ArrayList<>(keys.size());
        Instant now = clock.instant();
        for (SigningKey stored : keys) {
            JWK key;
            try {
                key = encryption.open(stored.kid(), stored.encryptedPrivateKey());
            } catch (RuntimeException e) {
                throw new IllegalStateException("signing key " + stored.kid()
                        + " cannot be decrypted: is auth.masterKey the one it was stored with?", e);
            }
            ring.add(new RingKey(key, stored.activatedAt(), stored.retireAfter()));
        }
        return ring.stream().filter(key -> key.verifiesAt(now)).toList();
    }
}
