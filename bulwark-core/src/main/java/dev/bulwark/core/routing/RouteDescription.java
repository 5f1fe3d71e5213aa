package dev.bulwark.core.routing;

import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.authz.AccessConfig;
import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.tenant.TenantConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One compiled route as the admin API's route table shows it: what it matches, where it goes, and the effective
 * security settings (authentication, tenant rule, access, rate limits, client-address rules, body limits) as
 * plain maps and lists ready for JSON, each list keeping the configuration's meaning (no hosts or methods: any; no
 * issuers: Bulwark's own and every external one). Rendered once at compile time. Holds configuration only, never a
 * secret (webhook secrets and the master key are not part of it). Stateless.
 */
final class RouteDescription {

    private RouteDescription() {
    }

    /**
     * @param upstream where the route forwards, or {@code null} for a route the gateway answers itself
     * @param server   the gateway-wide client-address rules, applied on top of the route's
     * @param access   how the route's access rule reads, or {@code null} to describe {@code policy.access()}
     */
    static Map<String, Object> of(String id, RouteConfig source, PolicyConfig policy, UpstreamConfig upstream,
                                  IpRulesConfig server, Map<String, Object> access) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("hosts", new TreeSet<>(source.hosts()));
        out.put("methods", new TreeSet<>(source.methods()));
        out.put("path", source.path());
        out.put("upstream", upstream == null ? null : upstream.name());
        out.put("local", upstream == null);
        out.put("auth", auth(policy.auth()));
        out.put("tenant", tenant(policy.tenant()));
        out.put("access", access != null ? access : access(policy.access()));
        out.put("rateLimits", policy.rateLimit() == null ? List.of() : policy.rateLimit());
        out.put("ipRules", ipRules(server, policy.ipRules()));
        out.put("bodyLimit", bodyLimit(policy.bodyLimit() != null ? policy.bodyLimit() : BodyLimitConfig.DEFAULT));
        out.put("webhook", source.webhook() == null ? null : source.webhook().preset());
        out.put("priority", (policy.priority() == null ? Priority.NORMAL : policy.priority()).name()
                .toLowerCase(Locale.ROOT));
        return out;
    }

    private static Map<String, Object> auth(AuthRouteConfig auth) {
        if (auth == null || !auth.isOn()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", auth.mode().name().toLowerCase(Locale.ROOT));
        out.put("issuers", auth.issuers());
        out.put("apiKeys", auth.apiKeys().name().toLowerCase(Locale.ROOT));
        return out;
    }

    private static Map<String, Object> tenant(TenantConfig tenant) {
        if (tenant == null || tenant.isOff()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("required", tenant.required());
        out.put("sources", tenant.sources());
        return out;
    }

    private static Map<String, Object> access(AccessConfig access) {
        if (access == null || access.isEmpty()) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (!access.anyRoles().isEmpty() || !access.allRoles().isEmpty()) {
            out.put("roles", pair("anyOf", access.anyRoles(), "allOf", access.allRoles()));
        }
        if (!access.anyPermissions().isEmpty() || !access.allPermissions().isEmpty()) {
            out.put("permissions", pair("anyOf", access.anyPermissions(), "allOf", access.allPermissions()));
        }
        return out;
    }

    /** Both levels apply: a client must pass the gateway-wide rules and the route's. */
    private static Map<String, Object> ipRules(IpRulesConfig server, IpRulesConfig route) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (server != null && !server.isEmpty()) {
            out.put("server", pair("allow", server.allow(), "deny", server.deny()));
        }
        if (route != null && !route.isEmpty()) {
            out.put("route", pair("allow", route.allow(), "deny", route.deny()));
        }
        return out.isEmpty() ? null : out;
    }

    private static Map<String, Object> bodyLimit(BodyLimitConfig limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("json", limit.json());
        out.put("text", limit.text());
        out.put("other", limit.other());
        return out;
    }

    /** A two-entry map that keeps its order, so the table reads the same on every call. */
    private static Map<String, Object> pair(String firstKey, Object first, String secondKey, Object second) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(firstKey, first);
        out.put(secondKey, second);
        return out;
    }
}
