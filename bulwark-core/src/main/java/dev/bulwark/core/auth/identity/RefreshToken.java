package dev.bulwark.core.auth.identity;

import dev.bulwark.core.auth.token.RefreshTokens;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque refresh token a client holds: {@code <session id>.<256 random bits>}, both base64url. The session id
 * lets the store touch one session per refresh; the random part is what proves possession, and only its hash is
 * stored.
 *
 * @param sessionId the session the token belongs to
 * @param token     the whole token as given to the client
 */
record RefreshToken(String sessionId, String token) {

    /** The longest token accepted from a client: 22 + 1 + 43 characters, with room to spare. */
    static final int MAX_LENGTH = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @return a new random session id (128 bits, base64url) */
    static String newSessionId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /** @return a new token for the session */
    static RefreshToken issue(String sessionId) {
        return new RefreshToken(sessionId, sessionId + "." + RefreshTokens.generate());
    }

    /** @return the token when it has the right shape; anything else is refused without a store round trip */
    static Optional<RefreshToken> parse(String presented) {
        if (presented == null || presented.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = presented.indexOf('.');
        if (dot != 22 || !RefreshTokens.isWellFormed(presented.substring(dot + 1))) {
            return Optional.empty();
        }
        String sessionId = presented.substring(0, dot);
        for (int i = 0; i < sessionId.length(); i++) {
            char c = sessionId.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return Optional.empty();
            }
        }
        return Optional.of(new RefreshToken(sessionId, presented));
    }

    /** @return what the store keeps */
    String hash() {
        return RefreshTokens.hash(token);
    }

    @Override
    public String toString() {
        return "RefreshToken[session=" + sessionId + "]";
    }
}
