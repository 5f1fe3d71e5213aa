package dev.bulwark.core.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verified claims of an access token: who, which session, and what they may do.
 *
 * <p>Tokens from an external issuer (an OIDC provider) may lack {@code sid} and {@code jti}: those fields are
 * then {@code null}, and only per-user revocation applies to them.
 *
 * @param issuer    {@code iss}: Bulwark's own issuer or a trusted external one
 * @param subject   {@code sub}: the user id
 * @param sessionId {@code sid}: the session, for revocation; {@code null} only for external tokens
 * @param tokenId   {@code jti}; {@code null} only for external tokens without one
 * @param roles     {@code roles}, empty when absent
 * @param tenant    {@code tenant}, or {@code null}
 * @param issuedAt  {@code iat}
 * @param expiresAt {@code exp}
 * @param keyId       the {@code kid} that verified it
 * @param permissions {@code perms}: permissions granted to the user directly (besides their roles'), empty
 *                    when absent
 */
public record AccessToken(String issuer, String subject, String sessionId, String tokenId, List<String> roles, String tenant,
                          Instant issuedAt, Instant expiresAt, String keyId, List<String> permissions) {

    /** A token without direct permissions. */
    public AccessToken(String issuer, String subject, String sessionId, String tokenId, List<String> roles,
                       String tenant, Instant issuedAt, Instant expiresAt, String keyId) {
        this(issuer, subject, sessionId, tokenId, roles, tenant, issuedAt, expiresAt, keyId, List.of());
    }

    public AccessToken {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        roles = List.copyOf(roles);
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(keyId, "keyId");
        permissions = List.copyOf(permissions);
    }
}
