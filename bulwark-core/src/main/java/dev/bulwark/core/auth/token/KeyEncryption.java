package dev.bulwark.core.auth.token;

import com.nimbusds.jose.jwk.JWK;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts private signing keys for storage with AES-256-GCM under a {@link MasterKey}.
 *
 * <p>The sealed form is {@code version (1 byte) || nonce (12 random bytes) || ciphertext || tag (16 bytes)};
 * the kid is the additional authenticated data, so a sealed key copied onto another kid's row does not open.
 * {@link #open} throws {@link IllegalArgumentException} (never showing key material) for a wrong master key,
 * tampered bytes or a kid mismatch. Thread-safe: a {@link Cipher} is made per call.
 */
public final class KeyEncryption {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String AAD_PREFIX = "bulwark-signing-key:v1:";

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** Encryption under {@code masterKey}. */
    public KeyEncryption(MasterKey masterKey) {
        this.key = new SecretKeySpec(Objects.requireNonNull(masterKey, "masterKey").bytes(), "AES");
    }

    /** @return the private JWK {@code key}, encrypted and bound to its kid */
    public byte[] seal(JWK key) {
        Objects.requireNonNull(key, "key");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, key.getKeyID());
            byte[] ciphertext = cipher.doFinal(key.toJSONString().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = new byte[1 + NONCE_BYTES + ciphertext.length];
            sealed[0] = VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            System.arraycopy(ciphertext, 0, sealed, 1 + NONCE_BYTES, ciphertext.length);
            return sealed;
        } catch (GeneralSecurityException failure) {
            throw new IllegalStateException("cannot encrypt signing key: " + key.getKeyID(), failure);
        }
    }

    /**
     * @return the private JWK sealed by {@link #seal} for {@code kid}
     * @throws IllegalArgumentException when the bytes do not open with this master key and kid
     */
    public JWK open(String kid, byte[] sealed) {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(sealed, "sealed");
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new IllegalArgumentException("sealed signing key is malformed: " + kid);
        }
        byte[] plaintext;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES), kid);
            plaintext = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException failure) {
            throw new IllegalArgumentException(
                    "signing key does not decrypt (wrong master key or tampered data): " + kid);
        }
        try {
            JWK key = JWK.parse(new String(plaintext, StandardCharsets.UTF_8));
            if (!kid.equals(key.getKeyID())) {
                throw new IllegalArgumentException("decrypted signing key has another kid: " + kid);
            }
            return key;
        } catch (ParseException unparsable) {
            throw new IllegalArgumentException("decrypted signing key is not a jwk: " + kid);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String kid) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((AAD_PREFIX + kid).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
