package dev.bulwark.core.authz;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiled role matrix: which permission patterns each role grants, and the method-to-action map for
 * templates. Built once from {@link AuthorizationConfig}; immutable and thread-safe.
 */
public final class RolePermissions {

    private final Map<String, List<PermissionPattern>> byRole;
    private final Map<String, String> actions;

    /**
     * @throws IllegalArgumentException when a pattern is invalid (the compiler reports these first)
     */
    public RolePermissions(AuthorizationConfig config) {
        Map<String, List<PermissionPattern>> compiled = new HashMap<>();
        config.roles().forEach((role, patterns) ->
                compiled.put(role, patterns.stream().map(PermissionPattern::parse).toList()));
        this.byRole = Map.copyOf(compiled);
        this.actions = Map.copyOf(config.actions());
    }

    /** @return the action a method stands for, or {@code null} when the map has none */
    String action(String method) {
        return actions.get(method);
    }

    /** @return every action name the method map yields */
    Set<String> actionNames() {
        return Set.copyOf(actions.values());
    }

    /**
     * @param roles  the caller's roles
     * @param extra  permissions granted to the caller directly (may be patterns)
     * @param wanted the permission asked for, split at {@code :}
     * @return whether any of them grants {@code wanted}
     */
    boolean grants(Collection<String> roles, Collection<String> extra, String[] wanted) {
        for (String role : roles) {
            for (PermissionPattern pattern : byRole.getOrDefault(role, List.of())) {
                if (pattern.grants(wanted)) {
                    return true;
                }
            }
        }
        for (String granted : extra) {
            // Direct grants come from the token; one the issuer could not have written grants nothing.
            PermissionPattern pattern = PermissionPattern.tryParse(granted);
            if (pattern != null && pattern.grants(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** @return the roles the matrix knows, for error messages */
    List<String> roleNames() {
        return new ArrayList<>(byRole.keySet());
    }
}
