package dev.bulwark.core.admin;

import dev.bulwark.core.authz.AuthorizationFilter;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.iprules.IpRulesConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The top-level {@code admin} section: where the admin API lives and who may use it.
 *
 * <p>A caller may use the API when their Bulwark access token carries one of {@link #roles}, or when their
 * credential grants the permission {@link #scope} (an API key's scopes, a user's direct permissions, or a role of
 * {@code authorization.roles} whose patterns cover it). Cross-section rules (the {@code auth} section exists,
 * policies are defined, ports differ) are checked by the route compiler; {@link #problems} checks the section's
 * own values. Immutable.
 *
 * @param enabled  whether the API is served; {@code true} when the section is present unless switched off
 * @param prefix   the path the endpoints live under (default {@value #DEFAULT_PREFIX})
 * @param roles    roles that may use the API (default {@code [admin]}); empty leaves only {@link #scope}
 * @param scope    the permission that lets any credential use the API (default {@value #DEFAULT_SCOPE})
 * @param policies named policies applied to the endpoints, in order, after {@code defaults}
 * @param ipRules  client addresses allowed and denied on top of {@code server.ipRules}; {@code null} for none
 * @param port     a port of its own for the API, or {@code null} to serve it on the main port; the same number as
 *                 {@code server.adminPort} shares that port ({@link dev.bulwark.core.config.Listener} decides)
 */
public record AdminConfig(boolean enabled, String prefix, List<String> roles, String scope, List<String> policies,
                          IpRulesConfig ipRules, Integer port) {

    /** The default {@link #prefix}. */
    public static final String DEFAULT_PREFIX = "/_bulwark/admin";
    /** The default {@link #scope}. */
    public static final String DEFAULT_SCOPE = "bulwark:admin";
    /** Paths the gateway answers itself; the admin prefix may not overlap them. */
    private static final List<String> BUILTIN_PATHS = List.of("/_bulwark/health", "/_bulwark/metrics",
            "/.well-known/jwks.json");

    public AdminConfig {
        roles = List.copyOf(roles);
        policies = List.copyOf(policies);
    }

    /** @return a builder holding every default, enabled */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the section's own values.
     *
     * @param authPrefix the auth endpoints' prefix, which the admin prefix may not overlap; {@code null} when there
     *                   is no {@code auth} section
     * @return every problem, each under its key path ({@code admin.prefix}); empty when valid
     */
    public List<ConfigProblem> problems(String authPrefix) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (prefix == null || !prefix.matches("(/[A-Za-z0-9._~-]+)+")) {
            problems.add(new ConfigProblem("admin.prefix", ConfigProblem.quote(String.valueOf(prefix))
                    + " is not a path prefix (expected e.g. " + DEFAULT_PREFIX + ")"));
        } else {
            List<String> taken = new ArrayList<>(BUILTIN_PATHS);
            if (authPrefix != null) {
                taken.add(authPrefix);
            }
            for (String path : taken) {
                if (overlaps(prefix, path)) {
                    problems.add(new ConfigProblem("admin.prefix", ConfigProblem.quote(prefix) + " overlaps "
                            + path + ", which the gateway already serves"));
                }
            }
        }
        for (int i = 0; i < roles.size(); i++) {
            if (roles.get(i).isBlank()) {
                problems.add(new ConfigProblem("admin.roles[" + i + "]", "must be a role name"));
            }
        }
        String scopeProblem = AuthorizationFilter.grantProblem(scope);
        if (scopeProblem != null) {
            problems.add(new ConfigProblem("admin.scope", scopeProblem));
        }
        problems.addAll(IpRulesConfig.problems(ipRules, "admin.ipRules"));
        if (port != null && (port < 0 || port > 65535)) {
            problems.add(new ConfigProblem("admin.port", port + " is not a port (expected 0..65535)"));
        }
        return problems;
    }

    /** Route matching ignores case, so overlap does too. */
    private static boolean overlaps(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        return x.equals(y) || x.startsWith(y + "/") || y.startsWith(x + "/");
    }

    /** Builds an {@link AdminConfig}; the YAML loader uses this same builder. Not thread-safe. */
    public static final class Builder {
        private boolean enabled = true;
        private String prefix = DEFAULT_PREFIX;
        private List<String> roles = List.of("admin");
        private String scope = DEFAULT_SCOPE;
        private List<String> policies = List.of();
        private IpRulesConfig ipRules;
        private Integer port;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        public Builder roles(List<String> roles) {
            this.roles = roles;
            return this;
        }

        public Builder roles(String... roles) {
            return roles(List.of(roles));
        }

        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        public Builder policies(List<String> policies) {
            this.policies = policies;
            return this;
        }

        public Builder policies(String... policies) {
            return policies(List.of(policies));
        }

        /** Sets the client-address rules for the admin endpoints, on top of {@code server.ipRules}. */
        public Builder ipRules(IpRulesConfig ipRules) {
            this.ipRules = ipRules;
            return this;
        }

        /** Serves the admin API on this port only; {@code null} keeps it on the main port. */
        public Builder port(Integer port) {
            this.port = port;
            return this;
        }

        public AdminConfig build() {
            return new AdminConfig(enabled, prefix, roles, scope, policies, ipRules, port);
        }
    }
}
