package dev.bulwark.core.auth.identity;

import dev.bulwark.core.auth.token.MasterKey;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Encrypts a freshly rotated refresh token (AES-256-GCM under a key derived from the master key, bound to its
 * session id) so the session store can hand it back to a concurrent retry within the grace window without ever
 * holding it in clear. Thread-safe.
 */
final class SuccessorSeal {

    private static final int NONCE_BYTES = 12;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SuccessorSeal(MasterKey masterKey) {
        this.key = new SecretKeySpec(masterKey.derive("bulwark refresh successor v1"), "AES");
    }

    String seal(String sessionId, String refreshToken) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, sessionId);
            byte[] sealed = cipher.doFinal(refreshToken.getBytes(StandardCharsets.US_ASCII));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("aes-gcm failed", impossible);
        }
    }

    /** @return the token, or empty when the handle was not sealed by this key for this session */
    Optional<String> open(String sessionId, String handle) {
        try {
            byte[] in = Base64.getUrlDecoder().decode(handle);
            if (in.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, NONCE_BYTES), sessionId);
            byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException tampered) {
            return Optional.empty();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String sessionId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(sessionId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
