package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A machine client's API key as an {@link ApiKeyStore} keeps it: never the secret, only its keyed hash.
 *
 * <p>The key a client presents is {@code bwk_<id>_<secret>}: the fixed prefix {@code bwk_}, the id (16 characters
 * {@code [a-z0-9]}), {@code _}, and the secret (43 characters of base64url, 256 random bits), 64 characters in all,
 * so secret scanners can match {@code bwk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}}. The id is public (it appears in
 * lists, events and rate-limit keys); the secret is shown once at creation and kept only as an HMAC-SHA256 under
 * a key derived from the master key. Immutable.
 *
 * @param id         the public, unique identifier, also the visible prefix of the presented key
 * @param name       a label chosen by whoever created it
 * @param secretHash a keyed hash of the secret (the store never interprets it)
 * @param scopes     the permissions the key grants (the same patterns as role permissions)
 * @param tenant     the tenant the key acts for, or {@code null} for none
 * @param createdBy  who created it (a user id, or {@code cli})
 * @param createdAt  when it was created
 * @param expiresAt  when it stops working, or {@code null} for never
 * @param lastUsedAt when it last authenticated a request (updated at most about once a minute), or {@code null}
 * @param revokedAt  when it was revoked, or {@code null} while it is not
 */
public record ApiKey(String id, String name, String secretHash, Set<String> scopes, String tenant, String createdBy,
                     Instant createdAt, Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secretHash, "secretHash");
        scopes = User.names(scopes, "scopes");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** @return whether the key may authenticate at {@code now}: not revoked and not expired */
    public boolean isUsableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", name=" + name + ", scopes=" + scopes + ", tenant=" + tenant
                + ", expiresAt=" + expiresAt + ", revokedAt=" + revokedAt + "]";
    }
}
