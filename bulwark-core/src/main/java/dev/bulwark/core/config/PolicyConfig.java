package dev.bulwark.core.config;

import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.authz.AccessConfig;
import dev.bulwark.core.identityheaders.IdentityHeadersConfig;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.requestid.RequestIdConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.tenant.TenantConfig;
import dev.bulwark.core.waf.WafConfig;
import dev.bulwark.core.websocket.WebSocketConfig;

import java.util.List;

/**
 * A bundle of per-route feature settings: the {@code defaults} block, a named policy, or a route's inline
 * settings. A {@code null} component means "not set here, inherit"; merging goes defaults → named policies
 * in listed order → the route's inline settings, each feature replaced as a whole.
 *
 * @param requestId request id assignment
 * @param headers   response hardening headers
 * @param cors      cross-origin rules; {@code null} everywhere means CORS is off for the route
 * @param bodyLimit request body caps
 * @param rateLimit names of the {@code rateLimits} tiers that apply, all of which must allow a request; empty
 *                  means rate limiting is off ({@code rateLimit: none})
 * @param auth      whether requests need a verified credential ({@code null}: not set here, which ends up off)
 * @param access    roles and permissions a caller needs ({@code null}: none)
 * @param ipRules   client addresses allowed and denied, on top of {@code server.ipRules} ({@code null}: none)
 * @param identityHeaders the verified identity sent upstream ({@code null}: the gateway's identity headers are
 *                  still stripped from client requests, none are added)
 * @param tenant    where requests name their tenant and whether they must ({@code null}: no tenant check;
 *                  {@link TenantConfig#OFF} switches an inherited one off)
 * @param priority  which class the route's requests belong to when the gateway sheds load ({@code null}:
 *                  {@link Priority#NORMAL})
 * @param websocket limits on WebSocket upgrades and their messages ({@code null}: the defaults)
 * @param waf       injection screening ({@code null}: off)
 */
public record PolicyConfig(RequestIdConfig requestId, SecurityHeadersConfig headers, CorsConfig cors,
                           BodyLimitConfig bodyLimit, List<String> rateLimit, AuthRouteConfig auth,
                           AccessConfig access, IpRulesConfig ipRules, IdentityHeadersConfig identityHeaders,
                           TenantConfig tenant, Priority priority, WebSocketConfig websocket, WafConfig waf) {

    /**
     * {@code identityHeaders: false}: the client's identity headers are left alone and none are added. Compared by
     * identity.
     */
    public static final IdentityHeadersConfig IDENTITY_HEADERS_OFF = IdentityHeadersConfig.builder()
            .strip(List.of()).userHeader(null).tenantHeader(null).rolesHeader(null).sessionHeader(null).token(false)
            .build();

    public PolicyConfig {
        rateLimit = rateLimit == null ? null : List.copyOf(rateLimit);
    }

    /** A policy that sets no rate-limit tiers. */
    public PolicyConfig(RequestIdConfig requestId, SecurityHeadersConfig headers, CorsConfig cors,
                        BodyLimitConfig bodyLimit) {
        this(requestId, headers, cors, bodyLimit, null, null, null, null, null, null, null, null, null);
    }

    /** A policy that sets nothing. */
    public static final PolicyConfig EMPTY = new PolicyConfig(null, null, null, null);

    /**
     * The built-in defaults every configuration starts from: {@link RequestIdConfig#DEFAULT},
     * {@link SecurityHeadersConfig#DEFAULT}, no CORS, {@link BodyLimitConfig#DEFAULT}.
     */
    public static final PolicyConfig DEFAULTS = new PolicyConfig(RequestIdConfig.DEFAULT, SecurityHeadersConfig.DEFAULT,
            null, BodyLimitConfig.DEFAULT);

    /** @return this policy with every component that {@code override} sets replaced by the override's */
    public PolicyConfig overriddenBy(PolicyConfig override) {
        return new PolicyConfig(
                override.requestId != null ? override.requestId : requestId,
                override.headers != null ? override.headers : headers,
                override.cors != null ? override.cors : cors,
                override.bodyLimit != null ? override.bodyLimit : bodyLimit,
                override.rateLimit != null ? override.rateLimit : rateLimit,
                override.auth != null ? override.auth : auth,
                override.access != null ? override.access : access,
                override.ipRules != null ? override.ipRules : ipRules,
                override.identityHeaders != null ? override.identityHeaders : identityHeaders,
                override.tenant != null ? override.tenant : tenant,
                override.priority != null ? override.priority : priority,
                override.websocket != null ? override.websocket : websocket,
                override.waf != null ? override.waf : waf);
    }

    /** @return a builder for a policy that sets nothing until told to */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PolicyConfig}; unset features stay {@code null} (inherited). Not thread-safe. */
    public static final class Builder {
        private RequestIdConfig requestId;
        private SecurityHeadersConfig headers;
        private CorsConfig cors;
        private BodyLimitConfig bodyLimit;
        private List<String> rateLimit;
        private AuthRouteConfig auth;
        private AccessConfig access;
        private IpRulesConfig ipRules;
        private IdentityHeadersConfig identityHeaders;
        private TenantConfig tenant;
        private Priority priority;
        private WebSocketConfig websocket;
        private WafConfig waf;

        private Builder() {
        }

        public Builder requestId(RequestIdConfig requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder requestId(RequestIdConfig.Builder requestId) {
            return requestId(requestId.build());
        }

        public Builder headers(SecurityHeadersConfig headers) {
            this.headers = headers;
            return this;
        }

        public Builder headers(SecurityHeadersConfig.Builder headers) {
            return headers(headers.build());
        }

        public Builder cors(CorsConfig cors) {
            this.cors = cors;
            return this;
        }

        public Builder cors(CorsConfig.Builder cors) {
            return cors(cors.build());
        }

        public Builder bodyLimit(BodyLimitConfig bodyLimit) {
            this.bodyLimit = bodyLimit;
            return this;
        }

        public Builder bodyLimit(BodyLimitConfig.Builder bodyLimit) {
            return bodyLimit(bodyLimit.build());
        }

        /** Sets the same body cap for every kind of content. */
        public Builder bodyLimit(long bytes) {
            return bodyLimit(BodyLimitConfig.uniform(bytes));
        }

        /** Sets the rate-limit tiers that apply, by name; none at all turns rate limiting off. */
        public Builder rateLimit(String... tiers) {
            return rateLimit(List.of(tiers));
        }

        public Builder rateLimit(List<String> tiers) {
            this.rateLimit = tiers;
            return this;
        }

        /** Sets authentication: {@link AuthRouteConfig#REQUIRED}, {@link AuthRouteConfig#OPTIONAL} or off. */
        public Builder auth(AuthRouteConfig auth) {
            this.auth = auth;
            return this;
        }

        /** Sets the roles and permissions a caller needs; the route must authenticate. */
        public Builder access(AccessConfig access) {
            this.access = access;
            return this;
        }

        /** Sets client-address rules; the global {@code server.ipRules} apply on top. */
        public Builder ipRules(IpRulesConfig ipRules) {
            this.ipRules = ipRules;
            return this;
        }

        /** Sets the verified identity sent upstream; {@link #IDENTITY_HEADERS_OFF} switches it off. */
        public Builder identityHeaders(IdentityHeadersConfig identityHeaders) {
            this.identityHeaders = identityHeaders;
            return this;
        }

        /** Sets where requests name their tenant; the route must authenticate. {@link TenantConfig#OFF} switches it off. */
        public Builder tenant(TenantConfig tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder tenant(TenantConfig.Builder tenant) {
            return tenant(tenant.build());
        }

        /** Sets the class the route's requests belong to when the gateway sheds load. */
        public Builder priority(Priority priority) {
            this.priority = priority;
            return this;
        }

        /** Sets limits on WebSocket upgrades and their messages. */
        public Builder websocket(WebSocketConfig websocket) {
            this.websocket = websocket;
            return this;
        }

        /** Sets injection screening for the route. */
        public Builder waf(WafConfig waf) {
            this.waf = waf;
            return this;
        }

        public PolicyConfig build() {
            return new PolicyConfig(requestId, headers, cors, bodyLimit, rateLimit, auth, access, ipRules,
                    identityHeaders, tenant, priority, websocket, waf);
        }
    }
}
