package dev.bulwark.core.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verified claims of an access token: who, which session, and what they may do.
 *
 * @param subject   {@code sub}: the user id
 * @param sessionId {@code sid}: the session, for revocation
 * @param tokenId   {@code jti}
 * @param roles     {@code roles}, empty when absent
 * @param tenant    {@code tenant}, or {@code null}
 * @param issuedAt  {@code iat}
 * @param expiresAt {@code exp}
 * @param keyId     the {@code kid} that verified it
 */
public record AccessToken(String subject, String sessionId, String tokenId, List<String> roles, String tenant,
                          Instant issuedAt, Instant expiresAt, String keyId) {

    public AccessToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(tokenId, "tokenId");
        roles = List.copyOf(roles);
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(keyId, "keyId");
    }
}
