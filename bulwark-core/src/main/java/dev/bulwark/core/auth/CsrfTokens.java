package dev.bulwark.core.auth;

import dev.bulwark.core.auth.token.MasterKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signed double-submit CSRF tokens: {@code <random>.<HMAC(random, session id)>}, under a key derived from the
 * master key. A token is only valid with the session it was made for, so one planted by a sibling subdomain or
 * copied from another account does not pass; comparisons are constant-time. Thread-safe.
 */
public final class CsrfTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public CsrfTokens(MasterKey masterKey) {
        this.key = new SecretKeySpec(masterKey.derive("bulwark csrf v1"), "HmacSHA256");
    }

    /** @return a new token bound to {@code sessionId} */
    public String issue(String sessionId) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String nonceText = B64.encodeToString(nonce);
        return nonceText + "." + mac(nonceText, sessionId);
    }

    /** @return whether {@code token} was issued for {@code sessionId} by this key */
    public boolean isValid(String token, String sessionId) {
        if (token == null || sessionId == null || token.length() > 128) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        byte[] expected = mac(token.substring(0, dot), sessionId).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String nonce, String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(nonce.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return B64.encodeToString(mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every jdk has hmac-sha256", impossible);
        }
    }
}
