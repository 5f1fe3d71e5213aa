package dev.bulwark.core.tenant;

import dev.bulwark.core.config.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The top-level {@code tenancy} section: settings every route's {@code tenant} rule shares. Lists are kept as given
 * (including {@code null} entries, so {@link #problems} can report them) and cannot be modified. Immutable.
 *
 * @param crossTenantRoles a caller holding one of these roles may act for any tenant (it must still name an active
 *                         one); {@link #DEFAULT_CROSS_TENANT_ROLES} by default
 * @param unknownTenants   how a tenant absent from the tenant store is treated
 * @param cacheTtl         how long a tenant's status and a user's memberships are remembered by each node: a
 *                         suspended tenant, or a membership removed, takes effect within this time
 */
public record TenancyConfig(List<String> crossTenantRoles, UnknownTenants unknownTenants, Duration cacheTtl) {

    /** What a tenant the tenant store does not know means. */
    public enum UnknownTenants {
        /** Served like an active one: tenants need not be created before use, only before they are suspended. */
        ALLOW,
        /** Refused with {@code TENANT_INACTIVE}: every tenant must be created first. */
        DENY
    }

    /** The roles that may cross tenants unless configured otherwise. */
    public static final List<String> DEFAULT_CROSS_TENANT_ROLES = List.of("admin");
    /** Short enough that a suspension bites quickly, long enough that the store sees a few reads per tenant a minute. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(10);
    /** The longest cache lifetime accepted: beyond it a suspension would take too long to bite. */
    public static final Duration MAX_CACHE_TTL = Duration.ofHours(1);

    /** Every default: {@code admin} crosses tenants, unknown tenants are allowed, a 10-second cache. */
    public static final TenancyConfig DEFAULT = new TenancyConfig(DEFAULT_CROSS_TENANT_ROLES, UnknownTenants.ALLOW,
            DEFAULT_CACHE_TTL);

    public TenancyConfig {
        crossTenantRoles = Collections.unmodifiableList(new ArrayList<>(crossTenantRoles));
    }

    /**
     * Checks the section as configured (role names against {@code authorization.roles} are the compiler's job).
     *
     * @param path the section's key path, {@code tenancy}
     * @return every problem found, each at its own key path; empty when the section is valid
     */
    public List<ConfigProblem> problems(String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < crossTenantRoles.size(); i++) {
            String role = crossTenantRoles.get(i);
            if (role == null || role.isBlank() || role.chars().anyMatch(Character::isISOControl)) {
                problems.add(new ConfigProblem(path + ".crossTenantRoles[" + i + "]",
                        ConfigProblem.quote(String.valueOf(role)) + " is not a role name"));
            }
        }
        if (unknownTenants == null) {
            problems.add(new ConfigProblem(path + ".unknownTenants", "is required (expected allow or deny)"));
        }
        if (cacheTtl == null) {
            problems.add(new ConfigProblem(path + ".cacheTtl", "is required (expected a duration such as 10s)"));
        } else if (cacheTtl.isNegative() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            problems.add(new ConfigProblem(path + ".cacheTtl", cacheTtl.toMillis() + "ms must be between 0s and 1h"
                    + " (a suspended tenant is refused once its cached status expires)"));
        }
        return problems;
    }
}
