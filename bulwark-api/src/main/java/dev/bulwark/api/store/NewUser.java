package dev.bulwark.api.store;

import java.util.Objects;
import java.util.Set;

/**
 * What {@link UserStore#create} needs to create a user; the store adds status and timestamps.
 *
 * <p>The email is normalized on construction. Immutable; {@link #toString()} leaves the password hash out.
 *
 * @param id           the new user's id, chosen by the caller (a random UUID)
 * @param email        the email; normalized with {@link User#normalizeEmail}
 * @param passwordHash the PHC string of the password
 * @param roles        role names
 * @param permissions  extra permissions
 * @param tenants      tenants
 */
public record NewUser(String id, String email, String passwordHash, Set<String> roles, Set<String> permissions,
                      Set<String> tenants) {

    public NewUser {
        Objects.requireNonNull(id, "id");
        if (id.isBlank() || id.length() > 128) {
            throw new IllegalArgumentException("user id must be 1 to 128 characters: " + id.length());
        }
        email = User.normalizeEmail(email);
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = User.names(roles, "roles");
        permissions = User.names(permissions, "permissions");
        tenants = User.names(tenants, "tenants");
    }

    @Override
    public String toString() {
        return "NewUser[id=" + id + ", email=" + email + ", roles=" + roles + "]";
    }
}
