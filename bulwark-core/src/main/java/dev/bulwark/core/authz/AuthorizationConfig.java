package dev.bulwark.core.authz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The top-level {@code authorization} section: which permissions each role grants, and which action a request
 * method stands for in permission templates ({@code products:{action}}).
 *
 * @param roles   role name to granted permission patterns, e.g. {@code MERCHANT: [products:*, orders:read]};
 *                {@code *} grants everything, a segment {@code *} matches any one segment, a trailing {@code *}
 *                matches the rest
 * @param actions request method to action name; {@link #DEFAULT_ACTIONS} when not configured
 */
public record AuthorizationConfig(Map<String, List<String>> roles, Map<String, String> actions) {

    /** GET and HEAD read, POST, PUT and PATCH write, DELETE deletes. */
    public static final Map<String, String> DEFAULT_ACTIONS = Map.of("GET", "read", "HEAD", "read",
            "OPTIONS", "read", "POST", "write", "PUT", "write", "PATCH", "write", "DELETE", "delete");

    /** No roles, the default actions. */
    public static final AuthorizationConfig EMPTY = new AuthorizationConfig(Map.of(), DEFAULT_ACTIONS);

    public AuthorizationConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        roles.forEach((role, permissions) -> copy.put(role, List.copyOf(permissions)));
        roles = java.util.Collections.unmodifiableMap(copy);
        Map<String, String> upper = new LinkedHashMap<>();
        actions.forEach((method, action) -> upper.put(method.toUpperCase(Locale.ROOT), action));
        actions = java.util.Collections.unmodifiableMap(upper);
    }

    /**
     * Checks role names and permission patterns.
     *
     * @return problems as {@code key: message} pairs relative to the section
     */
    public List<String[]> problems() {
        List<String[]> problems = new ArrayList<>();
        roles.forEach((role, permissions) -> {
            if (!PermissionPattern.isName(role)) {
                problems.add(new String[] {"roles." + role, "\"" + role + "\" is not a role name"
                        + " (letters, digits, '_', '-', '.')"});
            }
            for (int i = 0; i < permissions.size(); i++) {
                String problem = PermissionPattern.problem(permissions.get(i), false);
                if (problem != null) {
                    problems.add(new String[] {"roles." + role + "[" + i + "]", problem});
                }
            }
        });
        actions.forEach((method, action) -> {
            if (!PermissionPattern.isName(action)) {
                problems.add(new String[] {"actions." + method, "\"" + action + "\" is not an action name"});
            }
        });
        return problems;
    }
}
