package dev.bulwark.core.auth.token;

import java.time.Instant;
import java.util.Objects;

/**
 * A freshly signed access token and the facts a login response needs.
 *
 * @param token     the compact JWT; a secret: {@link #toString()} leaves it out
 * @param tokenId   its {@code jti}
 * @param issuedAt  its {@code iat}
 * @param expiresAt its {@code exp}
 */
public record IssuedAccessToken(String token, String tokenId, Instant issuedAt, Instant expiresAt) {

    public IssuedAccessToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** @return seconds until expiry at issue time, the OAuth {@code expires_in} */
    public long expiresInSeconds() {
        return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
    }

    @Override
    public String toString() {
        return "IssuedAccessToken[tokenId=" + tokenId + ", expiresAt=" + expiresAt + "]";
    }
}
