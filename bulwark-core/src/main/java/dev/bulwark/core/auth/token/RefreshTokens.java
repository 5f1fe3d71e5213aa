package dev.bulwark.core.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Opaque refresh tokens: 256 random bits in base64url (43 characters), stored only as their SHA-256 hash so a
 * leaked table cannot be replayed.
 *
 * <p>A plain (unsalted, fast) hash is right here: the token has full entropy, so there is nothing to brute-force,
 * and the store looks it up by hash. Thread-safe.
 */
public final class RefreshTokens {

    /** Bytes of randomness per token. */
    public static final int TOKEN_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private RefreshTokens() {
    }

    /** @return a new token; a secret the client holds */
    public static String generate() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** @return the value to store and look up: base64url SHA-256 of the token as presented */
    public static String hash(String token) {
        Objects.requireNonNull(token, "token");
        try {
            return ENCODER.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every jdk has sha-256", impossible);
        }
    }

    /** @return whether two hashes (or tokens) are equal, in time independent of where they differ */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** @return whether {@code token} looks like one of ours (43 base64url characters), before any store lookup */
    public static boolean isWellFormed(String token) {
        if (token == null || token.length() != 43) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
