package dev.bulwark.api.store;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user account as a {@link UserStore} keeps it.
 *
 * <p>The email is kept normalized ({@link #normalizeEmail}), so it is unique case-insensitively. The password
 * hash is a PHC string produced and verified by the password hasher; the store never interprets it. Role,
 * permission and tenant sets are copied into sorted, unmodifiable sets. Immutable; {@link #toString()} leaves
 * the password hash out.
 *
 * @param id                the store-wide unique id, chosen by the caller (a random UUID)
 * @param email             the normalized email
 * @param passwordHash      the PHC string of the password
 * @param roles             role names, for example {@code admin}
 * @param permissions       permissions granted on top of the roles
 * @param tenants           the tenants the user belongs to; empty for a single-tenant deployment
 * @param status            whether the user may log in
 * @param createdAt         when the user was created
 * @param updatedAt         when any field last changed
 * @param passwordChangedAt when the password was last set by its owner or an admin (not by a re-hash)
 */
public record User(String id, String email, String passwordHash, Set<String> roles, Set<String> permissions,
                   Set<String> tenants, UserStatus status, Instant createdAt, Instant updatedAt,
                   Instant passwordChangedAt) {

    /** The longest email accepted (RFC 5321's path limit). */
    public static final int MAX_EMAIL_LENGTH = 254;

    /** The longest role, permission or tenant name accepted. */
    public static final int MAX_NAME_LENGTH = 128;

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = names(roles, "roles");
        permissions = names(permissions, "permissions");
        tenants = names(tenants, "tenants");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(passwordChangedAt, "passwordChangedAt");
    }

    /**
     * Normalizes an email for storage and lookup: trimmed and lower-cased (root locale, so a Turkish default
     * locale cannot split one address into two).
     *
     * @throws IllegalArgumentException when the result is empty, longer than {@link #MAX_EMAIL_LENGTH} or has no
     *                                  {@code @} between a local part and a domain
     */
    public static String normalizeEmail(String email) {
        Objects.requireNonNull(email, "email");
        String normalized = email.strip().toLowerCase(Locale.ROOT);
        int at = normalized.lastIndexOf('@');
        if (normalized.length() > MAX_EMAIL_LENGTH || at <= 0 || at == normalized.length() - 1) {
            throw new IllegalArgumentException("not a valid email: " + (normalized.length() > 64
                    ? normalized.substring(0, 64) + "..." : normalized));
        }
        return normalized;
    }

    /** @return whether the user may log in */
    public boolean isActive() {
        return status == UserStatus.ACTIVE;
    }

    /**
     * Checks and copies a set of role, permission or tenant names.
     *
     * @return a sorted, unmodifiable copy
     * @throws IllegalArgumentException when a name is blank, longer than {@link #MAX_NAME_LENGTH} or holds a
     *                                  control character
     */
    public static Set<String> names(Set<String> values, String what) {
        Objects.requireNonNull(values, what);
        for (String value : values) {
            if (value == null || value.isBlank() || value.length() > MAX_NAME_LENGTH
                    || value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(what + " must hold names of 1 to " + MAX_NAME_LENGTH
                        + " printable characters: " + values);
            }
        }
        return Collections.unmodifiableSet(new TreeSet<>(values));
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", email=" + email + ", roles=" + roles + ", permissions=" + permissions
                + ", tenants=" + tenants + ", status=" + status + "]";
    }
}
