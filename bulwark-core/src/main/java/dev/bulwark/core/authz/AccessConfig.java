package dev.bulwark.core.authz;

import java.util.List;

/**
 * A route's (or policy's) {@code access} rule: the roles and permissions a caller needs. Every non-empty list
 * must be satisfied: {@code anyOf} by one entry, {@code allOf} by all. Permissions may be templates with
 * {@code {action}}, filled from the request method ({@code products:{action}} on a DELETE needs
 * {@code products:delete}).
 *
 * @param anyRoles       at least one of these roles
 * @param allRoles       every one of these roles
 * @param anyPermissions at least one of these permissions
 * @param allPermissions every one of these permissions
 */
public record AccessConfig(List<String> anyRoles, List<String> allRoles, List<String> anyPermissions,
                           List<String> allPermissions) {

    public AccessConfig {
        anyRoles = List.copyOf(anyRoles);
        allRoles = List.copyOf(allRoles);
        anyPermissions = List.copyOf(anyPermissions);
        allPermissions = List.copyOf(allPermissions);
    }

    /** @return a rule needing any of {@code roles} */
    public static AccessConfig anyRole(String... roles) {
        return new AccessConfig(List.of(roles), List.of(), List.of(), List.of());
    }

    /** @return a rule needing any of {@code permissions} */
    public static AccessConfig anyPermission(String... permissions) {
        return new AccessConfig(List.of(), List.of(), List.of(permissions), List.of());
    }

    /** @return whether the rule asks for nothing */
    public boolean isEmpty() {
        return anyRoles.isEmpty() && allRoles.isEmpty() && anyPermissions.isEmpty() && allPermissions.isEmpty();
    }
}
