package dev.bulwark.core.config;

import dev.bulwark.core.admin.AdminConfig;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.authz.AuthorizationConfig;
import dev.bulwark.core.ratelimit.RateLimitConfig;
import dev.bulwark.core.screening.ScreeningConfig;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.core.tenant.TenancyConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration as data: what the YAML loader produces and what Java callers build. Compiled once
 * into {@link dev.bulwark.core.routing.CompiledRoutes} by {@link dev.bulwark.core.routing.RouteCompiler}, which
 * validates it; never consulted per request.
 *
 * @param mode      development or production
 * @param server    the listening side
 * @param upstreams backends by name
 * @param defaults  settings every route starts from
 * @param policies  named policies routes may reference
 * @param routes    routes in match order (first match wins)
 * @param storage   where the gateway keeps shared state; {@code null} means {@link StorageConfig#MEMORY}
 * @param rateLimits rate-limit tiers by name, which policies and routes reference
 * @param auth      logins, tokens and sessions; {@code null} when the gateway authenticates nobody
 * @param authorization the permissions each role grants; {@link AuthorizationConfig#EMPTY} when absent
 * @param tenancy   how routes' {@code tenant} rules treat roles and unknown tenants; {@code null} when the section
 *                  is absent, which means {@link TenancyConfig#DEFAULT} ({@link #effectiveTenancy()})
 * @param admin     the admin API; {@code null} when the section is absent (the API is off)
 * @param loadShedding how many requests the gateway serves at once and which it sheds first; {@code null} when
 *                  the section is absent, which means {@link LoadSheddingConfig#DEFAULT}
 * @param screening bot, scanner and IP-reputation screening; {@code null} when the section is absent (off)
 */
public record BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                            PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes,
                            StorageConfig storage, Map<String, RateLimitConfig> rateLimits, AuthConfig auth,
                            AuthorizationConfig authorization, TenancyConfig tenancy, AdminConfig admin,
                            LoadSheddingConfig loadShedding, ScreeningConfig screening) {

    /** A configuration without {@code loadShedding} and {@code screening} sections. */
    public BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                         PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes,
                         StorageConfig storage, Map<String, RateLimitConfig> rateLimits, AuthConfig auth,
                         AuthorizationConfig authorization, TenancyConfig tenancy, AdminConfig admin) {
        this(mode, server, upstreams, defaults, policies, routes, storage, rateLimits, auth, authorization, tenancy,
                admin, null, null);
    }

    /** A configuration without an {@code admin} section. */
    public BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                         PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes,
                         StorageConfig storage, Map<String, RateLimitConfig> rateLimits, AuthConfig auth,
                         AuthorizationConfig authorization, TenancyConfig tenancy) {
        this(mode, server, upstreams, defaults, policies, routes, storage, rateLimits, auth, authorization, tenancy,
                null);
    }

    /** A configuration without a {@code tenancy} section. */
    public BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                         PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes,
                         StorageConfig storage, Map<String, RateLimitConfig> rateLimits, AuthConfig auth,
                         AuthorizationConfig authorization) {
        this(mode, server, upstreams, defaults, policies, routes, storage, rateLimits, auth, authorization, null);
    }

    /** A configuration without {@code auth} and {@code authorization} sections. */
    public BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                         PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes,
                         StorageConfig storage, Map<String, RateLimitConfig> rateLimits) {
        this(mode, server, upstreams, defaults, policies, routes, storage, rateLimits, null, null);
    }

    /** A configuration without rate-limit tiers. */
    public BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                         PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes,
                         StorageConfig storage) {
        this(mode, server, upstreams, defaults, policies, routes, storage, Map.of());
    }

    /** A configuration with the default (in-memory) storage. */
    public BulwarkConfig(Mode mode, ServerConfig server, Map<String, UpstreamConfig> upstreams,
                         PolicyConfig defaults, Map<String, PolicyConfig> policies, List<RouteConfig> routes) {
        this(mode, server, upstreams, defaults, policies, routes, null);
    }

    public BulwarkConfig {
        upstreams = Map.copyOf(upstreams);
        policies = Map.copyOf(policies);
        routes = List.copyOf(routes);
        rateLimits = rateLimits == null ? Map.of() : Map.copyOf(rateLimits);
        authorization = authorization == null ? AuthorizationConfig.EMPTY : authorization;
    }

    /** @return the {@code loadShedding} section, or {@link LoadSheddingConfig#DEFAULT} when it is absent */
    public LoadSheddingConfig effectiveLoadShedding() {
        return loadShedding != null ? loadShedding : LoadSheddingConfig.DEFAULT;
    }

    /** @return the {@code tenancy} section, or {@link TenancyConfig#DEFAULT} when it is absent */
    public TenancyConfig effectiveTenancy() {
        return tenancy != null ? tenancy : TenancyConfig.DEFAULT;
    }

    /** @return a builder: development mode, default server, {@link PolicyConfig#DEFAULTS}, nothing else */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link BulwarkConfig}; the YAML loader uses this same builder. Nothing is validated here:
     * {@link dev.bulwark.core.routing.RouteCompiler#compile(BulwarkConfig)} does it, naming key paths. Not
     * thread-safe.
     */
    public static final class Builder {
        private Mode mode = Mode.DEVELOPMENT;
        private StorageConfig storage;
        private ServerConfig server = ServerConfig.DEFAULT;
        private final Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        private PolicyConfig defaults = PolicyConfig.DEFAULTS;
        private final Map<String, PolicyConfig> policies = new LinkedHashMap<>();
        private final List<RouteConfig> routes = new ArrayList<>();
        private final Map<String, RateLimitConfig> rateLimits = new LinkedHashMap<>();
        private AuthConfig auth;
        private AuthorizationConfig authorization;
        private TenancyConfig tenancy;
        private AdminConfig admin;
        private LoadSheddingConfig loadShedding;
        private ScreeningConfig screening;

        private Builder() {
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder server(ServerConfig server) {
            this.server = server;
            return this;
        }

        public Builder server(ServerConfig.Builder server) {
            return server(server.build());
        }

        /** Adds an upstream under {@code name}, which the builder's own name is set to. */
        public Builder upstream(String name, UpstreamConfig.Builder upstream) {
            upstreams.put(name, upstream.name(name).build());
            return this;
        }

        /**
         * Sets the defaults every route starts from. Features the given policy leaves {@code null} keep the
         * built-in {@link PolicyConfig#DEFAULTS}.
         */
        public Builder defaults(PolicyConfig defaults) {
            this.defaults = PolicyConfig.DEFAULTS.overriddenBy(defaults);
            return this;
        }

        public Builder defaults(PolicyConfig.Builder defaults) {
            return defaults(defaults.build());
        }

        public Builder policy(String name, PolicyConfig policy) {
            policies.put(name, policy);
            return this;
        }

        public Builder policy(String name, PolicyConfig.Builder policy) {
            return policy(name, policy.build());
        }

        /** Appends a route; routes match in the order added. */
        public Builder route(RouteConfig route) {
            routes.add(route);
            return this;
        }

        public Builder route(RouteConfig.Builder route) {
            return route(route.build());
        }

        /** Sets where the gateway keeps shared state; {@code null} for memory. */
        public Builder storage(StorageConfig storage) {
            this.storage = storage;
            return this;
        }

        /** Adds a rate-limit tier under {@code name}, for policies and routes to reference. */
        public Builder rateLimit(String name, RateLimitConfig tier) {
            rateLimits.put(name, tier);
            return this;
        }

        public Builder rateLimit(String name, RateLimitConfig.Builder tier) {
            return rateLimit(name, tier.build());
        }

        /** Sets the {@code auth} section: login endpoints, tokens, sessions; {@code null} for none. */
        public Builder auth(AuthConfig auth) {
            this.auth = auth;
            return this;
        }

        public Builder auth(AuthConfig.Builder auth) {
            return auth(auth.build());
        }

        /** Sets the role matrix routes' {@code access} rules are checked against. */
        public Builder authorization(AuthorizationConfig authorization) {
            this.authorization = authorization;
            return this;
        }

        /** Sets the {@code tenancy} section: cross-tenant roles, unknown tenants, the status cache. */
        public Builder tenancy(TenancyConfig tenancy) {
            this.tenancy = tenancy;
            return this;
        }

        /** Sets the {@code admin} section: where the admin API lives and who may use it; {@code null} for none. */
        public Builder admin(AdminConfig admin) {
            this.admin = admin;
            return this;
        }

        public Builder admin(AdminConfig.Builder admin) {
            return admin(admin.build());
        }

        /** Sets the {@code loadShedding} section; {@code null} for the defaults. */
        public Builder loadShedding(LoadSheddingConfig loadShedding) {
            this.loadShedding = loadShedding;
            return this;
        }

        /** Sets the {@code screening} section: bots, scanners, IP reputation; {@code null} for none. */
        public Builder screening(ScreeningConfig screening) {
            this.screening = screening;
            return this;
        }

        public BulwarkConfig build() {
            return new BulwarkConfig(mode, server, upstreams, defaults, policies, routes, storage, rateLimits, auth,
                    authorization, tenancy, admin, loadShedding, screening);
        }
    }
}
