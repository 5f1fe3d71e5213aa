package dev.bulwark.core.tenant;

import dev.bulwark.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A route's (or policy's) {@code tenant} rule, as configured, before validation: where a request names the tenant
 * it acts for, and whether it must name one.
 *
 * <p>Sources are checked in the configured order and <em>every</em> source the request carries must name the same
 * tenant, so adding a second source can never switch tenants. Source entries:
 * <ul>
 *   <li>{@code header:NAME}: the single value of a request header, e.g. {@code header:X-Clinic-Id};</li>
 *   <li>{@code query:NAME}: the single value of a query parameter, percent-decoded;</li>
 *   <li>{@code claim}: the verified credential's tenant (Bulwark's {@code tenant} claim, or the claim an external
 *       issuer's {@code tenantClaim} points at);</li>
 *   <li>{@code path:NAME}: the route pattern's {@code {NAME}} segment;</li>
 *   <li>{@code body:PATH}: a string (or integer) field of a JSON request body, {@code PATH} dotted
 *       ({@code clinicId}, {@code appointment.clinicId}) or a {@code $} JSON path.</li>
 * </ul>
 * The list is kept as given (including {@code null} entries, so {@link #problems} can report them) and cannot be
 * modified. Immutable.
 *
 * @param required whether a request naming no tenant at all is refused ({@code TENANT_REQUIRED})
 * @param sources  where the tenant is read, in order
 */
public record TenantConfig(boolean required, List<String> sources) {

    /** {@code tenant: false}: no tenant check, even where a policy or the defaults set one. Compared by identity. */
    public static final TenantConfig OFF = new TenantConfig(false, List.of());

    public TenantConfig {
        sources = Collections.unmodifiableList(new ArrayList<>(sources));
    }

    /** @return a builder: tenant required, no sources yet */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether this is {@link #OFF} */
    public boolean isOff() {
        return this == OFF;
    }

    /** @return the request headers among the sources (valid entries only), e.g. to check none is stripped */
    public List<String> headers() {
        List<String> headers = new ArrayList<>();
        for (String spec : sources) {
            try {
                if (spec != null && TenantSource.parse(spec) instanceof TenantSource.Header header) {
                    headers.add(header.name());
                }
            } catch (IllegalArgumentException invalid) {
                // reported by problems()
            }
        }
        return headers;
    }

    /**
     * Checks the rule as configured.
     *
     * @param config the rule; {@code null} (the key is absent) and {@link #OFF} have no problems
     * @param path   the rule's key path, e.g. {@code routes[2].tenant}
     * @return every problem found, each at its own key path ({@code ...sources[1]}) with a message quoting the
     *     value; empty when the rule is valid
     */
    public static List<ConfigProblem> problems(TenantConfig config, String path) {
        if (config == null || config.isOff()) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        if (config.sources().isEmpty()) {
            problems.add(new ConfigProblem(path + ".sources", "is required (expected e.g. [header:X-Tenant,"
                    + " claim, path:tenantId]; write tenant: false to switch tenant checks off)"));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < config.sources().size(); i++) {
            String spec = config.sources().get(i);
            String at = path + ".sources[" + i + "]";
            try {
                TenantSource.parse(spec);
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(at, e.getMessage()));
                continue;
            }
            Integer first = seen.putIfAbsent(spec, i);
            if (first != null) {
                problems.add(new ConfigProblem(at, ConfigProblem.quote(spec) + " is listed twice (also at sources["
                        + first + "])"));
            }
        }
        return problems;
    }

    /** Builds a {@link TenantConfig}; {@link #problems} validates it. Not thread-safe. */
    public static final class Builder {
        private boolean required = true;
        private List<String> sources = List.of();

        private Builder() {
        }

        /** Sets whether a request naming no tenant is refused (the default) or passes without one. */
        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /** Replaces the sources, e.g. {@code "header:X-Clinic-Id", "claim", "path:clinicId"}. */
        public Builder sources(String... sources) {
            return sources(java.util.Arrays.asList(sources));
        }

        /** Replaces the sources, in the order they are checked. */
        public Builder sources(List<String> sources) {
            this.sources = sources;
            return this;
        }

        public TenantConfig build() {
            return new TenantConfig(required, sources);
        }
    }
}
