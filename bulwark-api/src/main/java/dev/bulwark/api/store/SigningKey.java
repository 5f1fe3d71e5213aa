package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A token signing key as a {@link KeyStore} keeps it.
 *
 * <p>The private key is stored only as {@code encryptedPrivateKey}: opaque bytes encrypted by the token module
 * with the operator's master key; the store never sees a plaintext key. Immutable: the byte array is copied
 * in and out, and {@link #toString()} leaves it out.
 *
 * @param kid                 the key id, unique in the ring (the JWT header's {@code kid})
 * @param algorithm           the JWS algorithm bound to the key ({@code EdDSA}, {@code ES256}, {@code RS256},
 *                            {@code HS256})
 * @param publicJwk           the public key as a JWK JSON object (empty object text for HMAC keys)
 * @param encryptedPrivateKey the private (or secret) key, encrypted at rest
 * @param status              whether it signs or only verifies
 * @param createdAt           when the key was generated
 * @param activatedAt         when it became the active key
 * @param retireAfter         for a retiring key: when it stops verifying; {@code null} while active
 */
public record SigningKey(String kid, String algorithm, String publicJwk, byte[] encryptedPrivateKey,
                         KeyStatus status, Instant createdAt, Instant activatedAt, Instant retireAfter) {

    /** The longest key id accepted. */
    public static final int MAX_KID_LENGTH = 64;

    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        if (kid.isEmpty() || kid.length() > MAX_KID_LENGTH) {
            throw new IllegalArgumentException("key id must be 1 to " + MAX_KID_LENGTH + " characters: " + kid.length());
        }
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(publicJwk, "publicJwk");
        encryptedPrivateKey = Objects.requireNonNull(encryptedPrivateKey, "encryptedPrivateKey").clone();
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(activatedAt, "activatedAt");
        if ((status == KeyStatus.RETIRING) != (retireAfter != null)) {
            throw new IllegalArgumentException("exactly a retiring key has a retire time: " + kid);
        }
    }

    /**
     * A freshly generated key, to hand to {@link KeyStore#initialize} or {@link KeyStore#rotate}; the store sets
     * the activation time.
     */
    public static SigningKey generated(String kid, String algorithm, String publicJwk, byte[] encryptedPrivateKey,
                                       Instant createdAt) {
        return new SigningKey(kid, algorithm, publicJwk, encryptedPrivateKey, KeyStatus.ACTIVE, createdAt,
                createdAt, null);
    }

    /** @return a copy of the encrypted private key */
    @Override
    public byte[] encryptedPrivateKey() {
        return encryptedPrivateKey.clone();
    }

    /** @return whether tokens signed with this key still verify at {@code now} */
    public boolean verifiesAt(Instant now) {
        return status == KeyStatus.ACTIVE || now.isBefore(retireAfter);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SigningKey that && kid.equals(that.kid) && algorithm.equals(that.algorithm)
                && publicJwk.equals(that.publicJwk) && Arrays.equals(encryptedPrivateKey, that.encryptedPrivateKey)
                && status == that.status && createdAt.equals(that.createdAt) && activatedAt.equals(that.activatedAt)
                && Objects.equals(retireAfter, that.retireAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kid, algorithm, publicJwk, Arrays.hashCode(encryptedPrivateKey), status, createdAt,
                activatedAt, retireAfter);
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + ", status=" + status + ", retireAfter="
                + retireAfter + "]";
    }
}
