package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;

import java.time.Instant;
import java.util.Objects;

/**
 * One key of a {@link KeyRing}: the private JWK, its pinned algorithm, and its place in the rotation.
 *
 * <p>Maps one-to-one onto the store SPI's signing-key row: {@link #kid()}, {@link #algorithm()}'s JWS name,
 * {@link #publicJwkJson()}, the private JWK sealed by {@link KeyEncryption}, {@link #activatedAt()} and
 * {@link #retireAfter()}. Immutable; {@link #toString()} never shows key material.
 *
 * @param key         the private (or secret) JWK, with {@code kid} and {@code alg}
 * @param activatedAt when it became the signing key
 * @param retireAfter {@code null} while it signs; after rotation, when its last token has expired and it stops
 *                    verifying
 */
public record RingKey(JWK key, Instant activatedAt, Instant retireAfter) {

    public RingKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(activatedAt, "activatedAt");
        if (key.getKeyID() == null || key.getKeyID().isEmpty() || key.getKeyID().length() > 64) {
            throw new IllegalArgumentException("signing key id must be 1 to 64 characters: " + key.getKeyID());
        }
        TokenAlgorithm algorithm = SigningKeys.algorithmOf(key);
        if (algorithm.isAsymmetric()) {
            if (!key.isPrivate()) {
                throw new IllegalArgumentException("signing key has no private part: " + key.getKeyID());
            }
            if (!key.getKeyID().equals(thumbprint(key))) {
                throw new IllegalArgumentException("signing key id is not its thumbprint: " + key.getKeyID());
            }
        }
    }

    /** @return the key id (the JWT header's {@code kid}) */
    public String kid() {
        return key.getKeyID();
    }

    /** @return the only algorithm tokens signed with this key may declare */
    public TokenAlgorithm algorithm() {
        return SigningKeys.algorithmOf(key);
    }

    /** @return whether this is the signing key */
    public boolean isActive() {
        return retireAfter == null;
    }

    /** @return whether tokens signed with this key still verify at {@code now} */
    public boolean verifiesAt(Instant now) {
        return retireAfter == null || now.isBefore(retireAfter);
    }

    /** @return the public JWK as JSON, or {@code null} for an HMAC key, which has no public half */
    public String publicJwkJson() {
        return algorithm().isAsymmetric() ? key.toPublicJWK().toJSONString() : null;
    }

    RingKey retiring(Instant at) {
        return new RingKey(key, activatedAt, at);
    }

    private static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException failure) {
            throw new IllegalArgumentException("signing key has no thumbprint: " + key.getKeyID(), failure);
        }
    }

    @Override
    public String toString() {
        return "RingKey[kid=" + kid() + ", alg=" + algorithm() + ", activatedAt=" + activatedAt
                + ", retireAfter=" + retireAfter + "]";
    }
}
