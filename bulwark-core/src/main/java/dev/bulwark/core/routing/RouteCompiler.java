package dev.bulwark.core.routing;

import dev.bulwark.api.Chain;
import dev.bulwark.api.SecurityFilter;
import dev.bulwark.core.admin.AdminAccessFilter;
import dev.bulwark.core.admin.AdminConfig;
import dev.bulwark.core.admin.AdminEndpoints;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.AuthenticationFilter;
import dev.bulwark.core.auth.apikey.ApiKeyGuard;
import dev.bulwark.core.auth.identity.AuthEndpoints;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.suspicious.SessionActivity;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionFilter;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.authz.AccessConfig;
import dev.bulwark.core.authz.AuthorizationConfig;
import dev.bulwark.core.authz.AuthorizationFilter;
import dev.bulwark.core.authz.RolePermissions;
import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.bodylimit.BodyLimitFilter;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.config.Mode;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.TlsConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.cors.CorsFilter;
import dev.bulwark.core.edge.HeaderLimitFilter;
import dev.bulwark.core.edge.HostAllowlistFilter;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.headers.SecurityHeadersFilter;
import dev.bulwark.core.idempotency.IdempotencyConfig;
import dev.bulwark.core.identityheaders.IdentityHeaderStripFilter;
import dev.bulwark.core.identityheaders.IdentityHeadersConfig;
import dev.bulwark.core.identityheaders.IdentityHeadersFilter;
import dev.bulwark.core.identityheaders.IdentityTokenSigner;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.iprules.IpRulesFilter;
import dev.bulwark.core.idempotency.IdempotencyFilter;
import dev.bulwark.core.webhook.WebhookConfig;
import dev.bulwark.core.webhook.WebhookFilter;
import dev.bulwark.core.webhook.WebhookVerifiers;
import dev.bulwark.core.ratelimit.RateLimitFilter;
import dev.bulwark.core.ratelimit.RateLimitTier;
import dev.bulwark.core.requestid.RequestIdConfig;
import dev.bulwark.core.requestid.RequestIdFilter;
import dev.bulwark.core.screening.BotScreeningConfig;
import dev.bulwark.core.screening.IpReputationList;
import dev.bulwark.core.screening.ScannerUserAgents;
import dev.bulwark.core.screening.ScreeningConfig;
import dev.bulwark.core.screening.ScreeningFilter;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.tenant.TenantConfig;
import dev.bulwark.core.tenant.TenantDirectory;
import dev.bulwark.core.tenant.TenantFilter;
import dev.bulwark.core.waf.WafConfig;
import dev.bulwark.core.waf.WafFilter;
import dev.bulwark.core.websocket.WebSocketConfig;
import dev.bulwark.core.websocket.WebSocketLimitFilter;
import dev.bulwark.core.websocket.WebSocketOriginFilter;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a {@link BulwarkConfig} and compiles it into {@link CompiledRoutes}: patterns parsed, policies
 * merged (defaults, then named policies in listed order, then the route's inline settings, each feature
 * replaced as a whole), upstreams resolved, each route's filter chain built.
 *
 * <p>Every check lives here rather than in the YAML loader, so a configuration built in Java gets the same
 * errors, with the same key paths ({@code routes[2].match.path}, {@code upstreams.backend.url}), as one
 * loaded from a file. Stateless and thread-safe.
 */
public final class RouteCompiler {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern ORIGIN = Pattern.compile(
            "[a-z][a-z0-9+.-]*://(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\\d{1,5})?"
                    + "|[a-z][a-z0-9+.-]*://\\[[0-9a-f:.]+](:\\d{1,5})?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final String FALLBACK_CHAIN_ID = "_fallback";

    private RouteCompiler() {
    }

    /** Webhook routes accept bodies up to this size unless a body limit is configured (seed 000 A6). */
    public static final long WEBHOOK_BODY_LIMIT = 2L * 1024 * 1024;

    /** The auth endpoints take small JSON bodies; a login is well under 4 KiB. */
    public static final long AUTH_BODY_LIMIT = 16 * 1024;

    /** The route id the auth endpoints report in metrics and events. */
    public static final String AUTH_ROUTE_ID = "bulwark-auth";

    /** The route id of the JWKS endpoint. */
    public static final String AUTH_JWKS_ROUTE_ID = "bulwark-jwks";

    /**
     * Where the host serves its built-in endpoints (health, metrics); requests under it that reach the fallback chain
     * are never screened, so probes and scrapes do not depend on {@code screening}.
     */
    public static final String BUILTIN_PREFIX = "/_bulwark/";

    /** The route id the admin API reports in metrics and events. */
    public static final String ADMIN_ROUTE_ID = "bulwark-admin";

    /** The admin API takes small JSON bodies; a user with 100 long role names is well under 64 KiB. */
    public static final long ADMIN_BODY_LIMIT = 64 * 1024;

    /**
     * Compiles with {@link RouteServices#inMemory in-memory} stores on the system clock, e.g. to check a
     * configuration.
     *
     * @return the compiled routes
     * @throws ConfigException listing every problem found, each with its key path
     */
    public static CompiledRoutes compile(BulwarkConfig config) {
        RouteServices services = RouteServices.inMemory(Clock.systemUTC());
        if (config.auth() != null && config.auth().problems().isEmpty()) {
            services = services.withAuth(AuthServices.start(config.auth(),
                    AuthServices.Stores.inMemory(Clock.systemUTC()), MasterKey.generate(), Clock.systemUTC()));
        }
        return compile(config, services);
    }

    /**
     * Validates without building anything (no stores, no keys), so a host can report configuration problems
     * before it starts services the configuration describes.
     *
     * @throws ConfigException listing every problem found, each with its key path
     */
    public static void check(BulwarkConfig config) {
        Check check = new Check(config, RouteServices.inMemory(Clock.systemUTC()));
        check.all();
        if (!check.problems.isEmpty()) {
            throw new ConfigException(check.problems);
        }
    }

    /**
     * @param services the stores and listeners route filters use
     * @return the compiled routes
     * @throws ConfigException listing every problem found, each with its key path
     */
    public static CompiledRoutes compile(BulwarkConfig config, RouteServices services) {
        Check check = new Check(config, services);
        check.all();
        if (!check.problems.isEmpty()) {
            throw new ConfigException(check.problems);
        }
        return check.build();
    }

    /** One compilation; collects problems instead of stopping at the first. */
    private static final class Check {
        private final BulwarkConfig config;
        private final ServerConfig server;
        private final Mode mode;
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final List<PathPattern> patterns = new ArrayList<>();
        private final List<HostPattern[]> hostPatterns = new ArrayList<>();
        private final RouteServices services;
        private final Map<String, RateLimitTier> tiers = new HashMap<>();
        private ApiKeyGuard apiKeyGuard;
        private SessionActivity sessionActivity;
        private ScannerUserAgents scannerAgents;
        private TenantDirectory tenantDirectory;
        private IpReputationList ipReputation;
        private ScreeningFilter screening;

        Check(BulwarkConfig config, RouteServices services) {
            this.config = config;
            this.services = services;
            this.server = config.server() != null ? config.server() : ServerConfig.DEFAULT;
            this.mode = config.mode() != null ? config.mode() : Mode.DEVELOPMENT;
        }

        void all() {
            if (config.mode() == null) {
                problem("mode", "is required (expected development or production)");
            }
            server();
            new TreeSet<>(config.upstreams().keySet()).forEach(name ->
                    upstream(config.upstreams().get(name), "upstreams." + name));
            problems.addAll(config.effectiveLoadShedding().problems("loadShedding"));
            if (config.defaults() != null) {
                policy(config.defaults(), "defaults");
            }
            new TreeSet<>(config.policies().keySet()).forEach(name ->
                    policy(config.policies().get(name), "policies." + name));
            new TreeSet<>(config.rateLimits().keySet()).forEach(name -> problems.addAll(
                    RateLimitTier.problems(name, config.rateLimits().get(name), "rateLimits." + name)));
            if (config.auth() != null) {
                auth(config.auth());
            }
            for (String[] problem : config.authorization().problems()) {
                problem("authorization." + problem[0], problem[1]);
            }
            if (config.tenancy() != null) {
                problems.addAll(config.tenancy().problems("tenancy"));
                checkRoles(config.tenancy().crossTenantRoles(), "tenancy.crossTenantRoles",
                        new ArrayList<>(config.authorization().roles().keySet()));
            }
            if (config.admin() != null) {
                admin(config.admin());
            }
            if (config.screening() != null) {
                screening(config.screening());
            }
            Map<String, Integer> ids = new HashMap<>();
            for (int i = 0; i < config.routes().size(); i++) {
                route(config.routes().get(i), "routes[" + i + "]", ids, i);
            }
        }

        // ---- server ----

        private void server() {
            String path = "server";
            if (server.host() == null || server.host().isBlank()) {
                problem(path + ".host", "is required (expected a bind address such as 0.0.0.0)");
            }
            port(server.port(), path + ".port");
            if (server.adminPort() != null) {
                port(server.adminPort(), path + ".adminPort");
                if (server.adminPort() == server.port() && server.port() != 0) {
                    problem(path + ".adminPort", server.adminPort() + " is the same as server.port");
                }
            }
            TlsConfig tls = server.tls();
            if (tls != null) {
                readableFile(tls.certificate(), path + ".tls.certificate");
                readableFile(tls.privateKey(), path + ".tls.privateKey");
            }
            List<String> proxies = server.trustedProxies();
            for (int i = 0; i < proxies.size(); i++) {
                cidr(proxies.get(i), path + ".trustedProxies[" + i + "]");
            }
            List<String> hosts = server.allowedHosts();
            for (int i = 0; i < hosts.size(); i++) {
                hostPattern(hosts.get(i), path + ".allowedHosts[" + i + "]");
            }
            problems.addAll(IpRulesConfig.problems(server.ipRules(), path + ".ipRules"));
            positive(server.maxHeaderCount(), path + ".maxHeaderCount");
            positive(server.maxHeaderBytes(), path + ".maxHeaderBytes");
            duration(server.shutdownTimeout(), path + ".shutdownTimeout", false);
            if (server.fallbackUpstream() != null) {
                upstreamReference(server.fallbackUpstream(), path + ".fallbackUpstream");
            }
        }

        private void port(int port, String path) {
            if (port < 0 || port > 65535) {
                problem(path, port + " is not a port (expected 0..65535)");
            }
        }

        private void readableFile(Path file, String path) {
            if (file == null) {
                problem(path, "is required (expected a PEM file)");
            } else if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problem(path, quote(file.toString()) + " does not exist or is not a readable file");
            }
        }

        private void cidr(String cidr, String path) {
            if (cidr == null) {
                problem(path, "null is not a CIDR");
                return;
            }
            String expected = " is not a CIDR (expected e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8)";
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            int bits;
            if (IPV4.matcher(address).matches()) {
                for (String octet : address.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        problem(path, quote(cidr) + expected);
                        return;
                    }
                }
                bits = 32;
            } else if (IPV6.matcher(address).matches() && isIpv6Literal(address)) {
                bits = 128;
            } else {
                problem(path, quote(cidr) + expected);
                return;
            }
            if (slash >= 0) {
                String prefix = cidr.substring(slash + 1);
                if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
                    problem(path, quote(cidr) + " has an invalid prefix length (expected 0.." + bits + ")");
                }
            }
        }

        /** Only called on strings made of hex digits, colons and dots, so this never performs a DNS lookup. */
        private static boolean isIpv6Literal(String address) {
            try {
                return InetAddress.getByName(address).getAddress().length == 16;
            } catch (UnknownHostException e) {
                return false;
            }
        }

        private HostPattern hostPattern(String pattern, String path) {
            if (pattern == null) {
                problem(path, "null is not a host pattern");
                return null;
            }
            try {
                return HostPattern.parse(pattern);
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
                return null;
            }
        }

        // ---- upstreams ----

        private void upstream(UpstreamConfig upstream, String path) {
            URI url = upstream.url();
            if (url == null) {
                problem(path + ".url", "is required (expected e.g. http://127.0.0.1:8081)");
            } else {
                String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    problem(path + ".url", quote(url.toString()) + " must use http or https");
                } else if (url.getHost() == null || url.getHost().isEmpty()) {
                    problem(path + ".url", quote(url.toString()) + " has no host (expected e.g. http://127.0.0.1:8081)");
                } else if (url.getRawUserInfo() != null) {
                    problem(path + ".url", "must not contain credentials (they would end up in logs)");
                } else if (url.getRawQuery() != null || url.getRawFragment() != null) {
                    problem(path + ".url", quote(url.toString()) + " must not have a query or fragment");
                }
            }
            duration(upstream.connectTimeout(), path + ".connectTimeout", true);
            duration(upstream.responseTimeout(), path + ".responseTimeout", true);
            positive(upstream.maxConnections(), path + ".maxConnections");
            if (upstream.maxConcurrent() < 0) {
                problem(path + ".maxConcurrent", upstream.maxConcurrent() + " must not be negative (0: no limit)");
            }
            if (upstream.queue() < 0) {
                problem(path + ".queue", upstream.queue() + " must not be negative (0 sheds at once)");
            }
            if (upstream.circuitBreaker() == null) {
                problem(path + ".circuitBreaker", "is required (false turns the breaker off)");
            } else {
                problems.addAll(upstream.circuitBreaker().problems(path + ".circuitBreaker"));
            }
            if (upstream.retry() == null) {
                problem(path + ".retry", "is required (false turns retries off)");
            } else {
                problems.addAll(upstream.retry().problems(path + ".retry"));
            }
        }

        private boolean upstreamReference(String name, String path) {
            if (!config.upstreams().containsKey(name)) {
                problem(path, quote(name) + " is not a defined upstream (defined: " + names(config.upstreams()) + ")");
                return false;
            }
            return true;
        }

        // ---- policies ----

        private void policy(PolicyConfig policy, String path) {
            if (policy == null) {
                return;
            }
            if (policy.requestId() != null) {
                requestId(policy.requestId(), path + ".requestId");
            }
            if (policy.headers() != null) {
                headers(policy.headers(), path + ".headers");
            }
            if (policy.cors() != null && !policy.cors().isOff()) {
                cors(policy.cors(), path + ".cors");
            }
            if (policy.bodyLimit() != null) {
                BodyLimitConfig limit = policy.bodyLimit();
                positive(limit.json(), path + ".bodyLimit.json");
                positive(limit.text(), path + ".bodyLimit.text");
                positive(limit.other(), path + ".bodyLimit.other");
            }
            if (policy.rateLimit() != null) {
                rateLimitReferences(policy.rateLimit(), path + ".rateLimit");
            }
            if (policy.auth() != null && policy.auth().isOn()) {
                routeAuth(policy.auth(), path + ".auth");
            } else if (policy.auth() != null && policy.auth().acceptsApiKeys()) {
                problem(path + ".auth.apiKeys", "needs auth mode required or optional (auth is off here)");
            }
            if (policy.access() != null) {
                access(policy.access(), path + ".access");
            }
            if (policy.ipRules() != null) {
                problems.addAll(IpRulesConfig.problems(policy.ipRules(), path + ".ipRules"));
            }
            if (policy.tenant() != null && !policy.tenant().isOff()) {
                problems.addAll(TenantConfig.problems(policy.tenant(), path + ".tenant"));
                if (config.auth() == null) {
                    problem(path + ".tenant", "needs the top-level auth section: the tenant is checked against the"
                            + " authenticated caller");
                }
            }
            if (policy.identityHeaders() != null && policy.identityHeaders() != PolicyConfig.IDENTITY_HEADERS_OFF) {
                problems.addAll(IdentityHeadersConfig.problems(policy.identityHeaders(), path + ".identityHeaders"));
            }
            if (policy.websocket() != null) {
                websocket(policy.websocket(), path + ".websocket");
            }
            problems.addAll(WafConfig.problems(policy.waf(), path + ".waf"));
        }

        /** The section's settings, then the reputation file itself: a malformed list stops startup in any mode. */
        private void screening(ScreeningConfig screening) {
            List<ConfigProblem> found = screening.problems("screening");
            problems.addAll(found);
            if (found.isEmpty() && screening.ipReputation() != null) {
                try {
                    ipReputation = IpReputationList.load(screening.ipReputation().file(), mode == Mode.PRODUCTION);
                } catch (IllegalArgumentException e) {
                    problem("screening.ipReputation.file", e.getMessage());
                }
            }
        }

        private void websocket(WebSocketConfig websocket, String path) {
            problems.addAll(WebSocketConfig.problems(websocket, path));
            List<String> origins = websocket.allowedOrigins() == null ? List.of() : websocket.allowedOrigins();
            if (mode == Mode.PRODUCTION && origins.contains("*")) {
                problem(path + ".allowedOrigins[" + origins.indexOf("*") + "]", "\"*\" is not allowed in production"
                        + " mode: it lets any site's pages open sockets with the visitor's cookies (list the origins)");
            }
        }

        private void access(AccessConfig access, String path) {
            List<String> known = new ArrayList<>(config.authorization().roles().keySet());
            checkRoles(access.anyRoles(), path + ".roles.anyOf", known);
            checkRoles(access.allRoles(), path + ".roles.allOf", known);
            checkPermissions(access.anyPermissions(), path + ".permissions.anyOf");
            checkPermissions(access.allPermissions(), path + ".permissions.allOf");
        }

        private void checkRoles(List<String> roles, String path, List<String> known) {
            for (int i = 0; i < roles.size(); i++) {
                if (!known.isEmpty() && !known.contains(roles.get(i))) {
                    problem(path + "[" + i + "]", quote(roles.get(i)) + " is not a role of authorization.roles"
                            + " (defined: " + String.join(", ", known) + ")");
                }
            }
        }

        private void checkPermissions(List<String> permissions, String path) {
            for (int i = 0; i < permissions.size(); i++) {
                String problem = AuthorizationFilter.permissionProblem(permissions.get(i));
                if (problem != null) {
                    problem(path + "[" + i + "]", problem);
                }
            }
        }

        private void auth(AuthConfig auth) {
            for (String[] problem : auth.problems()) {
                problem("auth." + problem[0], problem[1]);
            }
            List<String> policies = auth.endpointPolicies();
            for (int i = 0; i < policies.size(); i++) {
                if (!config.policies().containsKey(policies.get(i))) {
                    problem("auth.endpoints.policies[" + i + "]", quote(policies.get(i))
                            + " is not a defined policy (defined: " + names(config.policies()) + ")");
                }
            }
            if (mode == Mode.PRODUCTION && auth.masterKey() == null) {
                problem("auth.masterKey", "is required in production mode (32 random bytes in base64, e.g. from"
                        + " ${file:/run/secrets/bulwark-master-key})");
            }
            if (auth.masterKey() != null) {
                try {
                    MasterKey.fromBase64(auth.masterKey());
                } catch (IllegalArgumentException e) {
                    problem("auth.masterKey", "(value hidden) " + e.getMessage());
                }
            }
        }

        private void admin(AdminConfig admin) {
            problems.addAll(admin.problems(config.auth() == null ? null : config.auth().prefix()));
            if (!admin.enabled()) {
                return;
            }
            if (config.auth() == null) {
                problem("admin", "needs the top-level auth section (issuer, tokens, sessions): the admin API"
                        + " authenticates callers with Bulwark's tokens and API keys");
            }
            List<String> policies = admin.policies();
            for (int i = 0; i < policies.size(); i++) {
                PolicyConfig policy = config.policies().get(policies.get(i));
                if (policy == null) {
                    problem("admin.policies[" + i + "]", quote(policies.get(i)) + " is not a defined policy (defined: "
                            + names(config.policies()) + ")");
                } else if (policy.auth() != null || policy.access() != null) {
                    problem("admin.policies[" + i + "]", quote(policies.get(i)) + " sets auth or access, which the"
                            + " admin API takes from admin.roles and admin.scope only");
                }
            }
            checkRoles(admin.roles(), "admin.roles", new ArrayList<>(config.authorization().roles().keySet()));
            if (admin.port() != null && admin.port().equals(server.port()) && server.port() != 0) {
                problem("admin.port", admin.port() + " is the same as server.port");
            }
        }

        private void routeAuth(AuthRouteConfig auth, String path) {
            if (config.auth() == null) {
                problem(path, "needs the top-level auth section (issuer, tokens, sessions)");
                return;
            }
            List<String> known = new ArrayList<>();
            known.add(config.auth().issuer());
            config.auth().issuers().forEach(external -> known.add(external.issuer()));
            for (int i = 0; i < auth.issuers().size(); i++) {
                if (!known.contains(auth.issuers().get(i))) {
                    problem(path + ".issuers[" + i + "]", quote(auth.issuers().get(i))
                            + " is not Bulwark's issuer or a configured external one (known: " + String.join(", ", known) + ")");
                }
            }
            if (auth.queryParameter() != null) {
                token(auth.queryParameter(), path + ".queryParameter", "query parameter name");
            }
            if (auth.acceptsApiKeys()) {
                String header = auth.apiKeyHeader();
                if (header.equalsIgnoreCase("Authorization") || header.equalsIgnoreCase("Cookie")) {
                    problem(path + ".apiKeyHeader", quote(header) + " carries other credentials (expected a header"
                            + " of its own, e.g. X-Api-Key)");
                } else {
                    token(header, path + ".apiKeyHeader", "header name");
                }
            }
        }

        private void rateLimitReferences(List<String> tiers, String path) {
            for (int i = 0; i < tiers.size(); i++) {
                String tier = tiers.get(i);
                if (tier == null || !config.rateLimits().containsKey(tier)) {
                    problem(path + "[" + i + "]", quote(String.valueOf(tier)) + " is not a defined rate limit tier"
                            + " (defined: " + names(config.rateLimits()) + "; write none to turn rate limiting off)");
                } else if (tiers.indexOf(tier) < i) {
                    problem(path + "[" + i + "]", quote(tier) + " is listed twice");
                }
            }
        }

        private void requestId(RequestIdConfig requestId, String path) {
            token(requestId.header(), path + ".header", "header name");
            positive(requestId.maxLength(), path + ".maxLength");
        }

        private void headers(SecurityHeadersConfig headers, String path) {
            headerValue(headers.contentSecurityPolicy(), path + ".contentSecurityPolicy");
            headerValue(headers.frameOptions(), path + ".frameOptions");
            headerValue(headers.referrerPolicy(), path + ".referrerPolicy");
            headerValue(headers.crossOriginResourcePolicy(), path + ".crossOriginResourcePolicy");
            headerValue(headers.permissionsPolicy(), path + ".permissionsPolicy");
            if (headers.hsts() != null) {
                duration(headers.hsts().maxAge(), path + ".hsts.maxAge", false);
            }
            List<String> removed = headers.removeResponseHeaders();
            for (int i = 0; i < removed.size(); i++) {
                token(removed.get(i), path + ".removeResponseHeaders[" + i + "]", "header name");
            }
        }

        /** A header value with a line break would let configuration inject response headers. */
        private void headerValue(String value, String path) {
            if (value == null) {
                return;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    problem(path, quote(value) + " contains a line break or control character");
                    return;
                }
            }
        }

        private void cors(CorsConfig cors, String path) {
            List<String> origins = cors.allowedOrigins();
            for (int i = 0; i < origins.size(); i++) {
                String origin = origins.get(i);
                String at = path + ".allowedOrigins[" + i + "]";
                if ("*".equals(origin)) {
                    if (cors.allowCredentials()) {
                        problem(at, "\"*\" cannot be combined with allowCredentials: true (list the origins instead)");
                    }
                    if (mode == Mode.PRODUCTION) {
                        problem(at, "\"*\" is not allowed in production mode (list the origins instead)");
                    }
                } else if (origin == null || !ORIGIN.matcher(origin).matches()) {
                    problem(at, quote(String.valueOf(origin)) + " is not an origin (expected scheme://host[:port] with no"
                            + " path, e.g. https://app.example.com or https://*.example.com)");
                }
            }
            List<String> regexes = cors.allowedOriginRegexes();
            for (int i = 0; i < regexes.size(); i++) {
                try {
                    Pattern.compile(regexes.get(i));
                } catch (PatternSyntaxException e) {
                    problem(path + ".allowedOriginRegexes[" + i + "]", quote(regexes.get(i))
                            + " is not a valid regular expression (" + e.getDescription().toLowerCase(Locale.ROOT) + ")");
                }
            }
            tokens(cors.allowedMethods(), path + ".allowedMethods", "method");
            List<String> allowedHeaders = cors.allowedHeaders();
            for (int i = 0; i < allowedHeaders.size(); i++) {
                if (!"*".equals(allowedHeaders.get(i))) {
                    token(allowedHeaders.get(i), path + ".allowedHeaders[" + i + "]", "header name");
                }
            }
            tokens(cors.exposedHeaders(), path + ".exposedHeaders", "header name");
            duration(cors.maxAge(), path + ".maxAge", false);
        }

        // ---- routes ----

        private void route(RouteConfig route, String path, Map<String, Integer> ids, int index) {
            String id = route.id();
            if (id == null || id.isBlank()) {
                problem(path + ".id", "is required (expected a unique name such as products)");
            } else if (!ROUTE_ID.matcher(id).matches()) {
                problem(path + ".id", quote(id) + " is not a valid route id (expected letters, digits, '.', '_' or '-')");
            } else if (id.equals(AUTH_ROUTE_ID) || id.equals(AUTH_JWKS_ROUTE_ID)) {
                problem(path + ".id", quote(id) + " is reserved for the auth endpoints");
            } else if (id.equals(ADMIN_ROUTE_ID)) {
                problem(path + ".id", quote(id) + " is reserved for the admin API");
            } else if (ids.containsKey(id)) {
                problem(path + ".id", quote(id) + " is already used by routes[" + ids.get(id) + "]");
            } else {
                ids.put(id, index);
            }
            PathPattern pattern = null;
            if (route.path() == null) {
                problem(path + ".match.path", "is required (expected e.g. /api/orders/{id} or /api/products/**)");
            } else {
                try {
                    pattern = PathPattern.parse(route.path());
                } catch (IllegalArgumentException e) {
                    problem(path + ".match.path", e.getMessage());
                }
            }
            patterns.add(pattern);
            new TreeSet<>(route.methods()).forEach(method -> token(method, path + ".match.methods", "method"));
            List<HostPattern> hosts = new ArrayList<>();
            new TreeSet<>(route.hosts()).forEach(host -> hosts.add(hostPattern(host, path + ".match.hosts")));
            hostPatterns.add(hosts.toArray(HostPattern[]::new));
            if (route.upstream() == null) {
                problem(path + ".upstream", "is required (expected the name of an upstream)");
            } else {
                upstreamReference(route.upstream(), path + ".upstream");
            }
            List<String> policies = route.policies();
            for (int i = 0; i < policies.size(); i++) {
                if (!config.policies().containsKey(policies.get(i))) {
                    problem(path + ".policies[" + i + "]", quote(policies.get(i)) + " is not a defined policy (defined: "
                            + names(config.policies()) + ")");
                }
            }
            policy(route.inline(), path);
            if (route.webhook() != null) {
                webhook(route.webhook(), path + ".webhook");
            }
            if (route.idempotency() != null) {
                idempotency(route.idempotency(), path + ".idempotency");
            }
        }

        private void webhook(WebhookConfig webhook, String path) {
            for (String problem : WebhookVerifiers.problems(webhook, mode)) {
                int colon = problem.indexOf(": ");
                if (colon > 0 && !problem.substring(0, colon).contains(" ")) {
                    problem(path + "." + problem.substring(0, colon), problem.substring(colon + 2));
                } else {
                    problem(path, problem);
                }
            }
        }

        private void idempotency(IdempotencyConfig idempotency, String path) {
            if (idempotency.key() != null) {
                problem(path + ".key", "is not configurable: clients send the Idempotency-Key header");
            }
            if (idempotency.ttl() != null) {
                duration(idempotency.ttl(), path + ".ttl", true);
            }
        }

        // ---- building, once everything is known to be valid ----

        CompiledRoutes build() {
            RolePermissions roleMatrix = new RolePermissions(config.authorization());
            if (config.auth() != null && services.auth() == null) {
                throw new IllegalStateException("the configuration has an auth section but no auth services were given");
            }
            PolicyConfig defaults = PolicyConfig.DEFAULTS.overriddenBy(
                    config.defaults() != null ? config.defaults() : PolicyConfig.EMPTY);
            // stateless and the same for every route, so one instance is shared
            HostAllowlistFilter hostAllowlist = server.allowedHosts().isEmpty()
                    ? null : new HostAllowlistFilter(server.allowedHosts());
            HeaderLimitFilter headerLimit = new HeaderLimitFilter(server.maxHeaderCount(), server.maxHeaderBytes());

            config.rateLimits().forEach((name, tier) -> tiers.put(name, new RateLimitTier(name, tier)));
            List<CompiledRoutes.Entry> entries = new ArrayList<>();
            for (int i = 0; i < config.routes().size(); i++) {
                RouteConfig route = config.routes().get(i);
                PolicyConfig effective = defaults;
                for (String name : route.policies()) {
                    effective = effective.overriddenBy(config.policies().get(name));
                }
                if (route.inline() != null) {
                    effective = effective.overriddenBy(route.inline());
                }
                if (route.webhook() != null && !bodyLimitConfigured(route)) {
                    effective = effective.overriddenBy(PolicyConfig.builder().bodyLimit(WEBHOOK_BODY_LIMIT).build());
                }
                try {
                    List<SecurityFilter> filters = filters(effective, hostAllowlist, headerLimit, true);
                    if (effective.rateLimit() != null && !effective.rateLimit().isEmpty()) {
                        filters.add(new RateLimitFilter(effective.rateLimit().stream().map(tiers::get).toList(),
                                services.rateLimitStore()));
                    }
                    // Added after the rate-limit tiers, which share its stage: a flood is refused before inspection.
                    if (effective.waf() != null && effective.waf().enabled()) {
                        filters.add(new WafFilter(effective.waf()));
                    }
                    if (effective.auth() != null && effective.auth().isOn()) {
                        filters.add(new AuthenticationFilter(effective.auth(), services.auth().authenticator(),
                                effective.auth().acceptsApiKeys() ? apiKeyGuard() : null));
                        suspiciousSessions(filters);
                    }
                    IpRulesFilter ipRules = IpRulesFilter.combine(server.ipRules(), effective.ipRules());
                    if (!ipRules.restrictsNothing()) {
                        filters.add(ipRules);
                    }
                    addScreening(filters);
                    webSocketFilters(route.id(), effective, filters);
                    if (effective.access() != null && !effective.access().isEmpty()) {
                        filters.add(new AuthorizationFilter(effective.access(), roleMatrix));
                    }
                    if (effective.tenant() != null && !effective.tenant().isOff()) {
                        filters.add(tenantFilter(effective, route.id(), patterns.get(i)));
                    }
                    identityHeaders(effective, route.upstream(), filters);
                    if (route.webhook() != null) {
                        filters.add(new WebhookFilter(WebhookVerifiers.create(route.webhook(), mode),
                                services.idempotencyStore(), services.webhookListener()));
                    }
                    if (route.idempotency() != null && route.idempotency().enabled()) {
                        filters.add(new IdempotencyFilter(route.idempotency().effectiveTtl(),
                                services.idempotencyStore()));
                    }
                    FilterChain chain = new FilterChain(route.id(), filters);
                    CompiledRoute compiled = new CompiledRoute(route.id(), route, effective,
                            config.upstreams().get(route.upstream()), chain);
                    entries.add(new CompiledRoutes.Entry(compiled, hostPatterns.get(i),
                            route.methods().stream().sorted().toArray(String[]::new), patterns.get(i)));
                } catch (IllegalArgumentException e) {
                    problem("routes[" + i + "]", e.getMessage());
                }
            }
            if (config.auth() != null) {
                entries.addAll(0, authEndpoints(defaults, hostAllowlist, headerLimit));
            }
            UpstreamConfig fallbackUpstream = server.fallbackUpstream() == null
                    ? null : config.upstreams().get(server.fallbackUpstream());
            PolicyConfig withoutCors = new PolicyConfig(defaults.requestId(), defaults.headers(), null, defaults.bodyLimit());
            List<SecurityFilter> fallbackFilters = filters(withoutCors, hostAllowlist, headerLimit,
                    fallbackUpstream != null);
            if (fallbackUpstream != null) {
                fallbackFilters.add(new IdentityHeaderStripFilter(IdentityHeadersConfig.DEFAULT));
                webSocketFilters(FALLBACK_CHAIN_ID, withoutCors, fallbackFilters);
            }
            IpRulesFilter globalIpRules = IpRulesFilter.combine(server.ipRules(), null);
            if (!globalIpRules.restrictsNothing()) {
                fallbackFilters.add(globalIpRules);
            }
            if (screening() != null) {
                fallbackFilters.add(new ScreeningFilter(config.screening(), ipReputation, BUILTIN_PREFIX));
            }
            FilterChain fallback = new FilterChain(FALLBACK_CHAIN_ID, fallbackFilters);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            CompiledRoutes.Entry admin = config.admin() != null && config.admin().enabled()
                    ? adminApi(defaults, hostAllowlist, headerLimit, entries) : null;
            return new CompiledRoutes(config, entries, fallback, fallbackUpstream, admin, ipReputation);
        }

        /**
         * The admin API: defaults, then {@code admin.policies}, with a small JSON body limit unless a policy sets
         * one; callers authenticate with a Bulwark token or an API key, and need one of {@code admin.roles} or the
         * permission {@code admin.scope}.
         *
         * @param routes every other compiled route, for the route table the API shows
         */
        private CompiledRoutes.Entry adminApi(PolicyConfig defaults, HostAllowlistFilter hostAllowlist,
                                              HeaderLimitFilter headerLimit, List<CompiledRoutes.Entry> routes) {
            AdminConfig admin = config.admin();
            AuthServices auth = services.auth();
            // Bulwark's own tokens only: an external issuer's roles are not Bulwark's to grant administration with.
            AuthRouteConfig callers = new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED,
                    List.of(auth.config().issuer()), null)
                    .withApiKeys(AuthRouteConfig.ApiKeyMode.ALSO, AuthRouteConfig.DEFAULT_API_KEY_HEADER);
            // Operators need the admin API most when the gateway is overloaded.
            PolicyConfig effective = defaults.overriddenBy(PolicyConfig.builder().bodyLimit(ADMIN_BODY_LIMIT)
                    .priority(Priority.HIGH).build());
            for (String name : admin.policies()) {
                effective = effective.overriddenBy(config.policies().get(name));
            }
            PolicyConfig.Builder own = PolicyConfig.builder().auth(callers);
            if (admin.ipRules() != null) {
                own.ipRules(admin.ipRules());
            }
            effective = effective.overriddenBy(own.build());
            List<SecurityFilter> filters = filters(effective, hostAllowlist, headerLimit, true);
            rateLimitAndIpRules(effective, filters);
            filters.add(new AuthenticationFilter(callers, auth.authenticator(), apiKeyGuard()));
            suspiciousSessions(filters);
            filters.add(new AdminAccessFilter(admin));

            RouteConfig source = RouteConfig.builder(ADMIN_ROUTE_ID).path(admin.prefix() + "/**").build();
            List<Map<String, Object>> table = new ArrayList<>();
            for (CompiledRoutes.Entry entry : routes) {
                CompiledRoute route = entry.route();
                table.add(RouteDescription.of(route.id(), route.source(), route.policy(), route.upstream(),
                        server.ipRules(), null));
            }
            Map<String, Object> either = new LinkedHashMap<>();
            either.put("roles", admin.roles());
            either.put("permissions", List.of(admin.scope()));
            Map<String, Object> access = Map.of("anyOf", either);
            table.add(RouteDescription.of(ADMIN_ROUTE_ID, source, effective, null, server.ipRules(), access));
            AdminEndpoints endpoints = new AdminEndpoints(admin, auth.identity(), auth.stores().tenants(),
                    tenantDirectory, auth.apiKeys(), config.authorization().roles().keySet(), table);
            CompiledRoute compiled = new CompiledRoute(ADMIN_ROUTE_ID, source, effective, null,
                    new FilterChain(ADMIN_ROUTE_ID, filters), endpoints::handle);
            return new CompiledRoutes.Entry(compiled, new HostPattern[0], new String[0],
                    PathPattern.parse(endpoints.path()));
        }

        /** The origin check and the caps and limits of WebSocket upgrades, which every proxied route has. */
        private void webSocketFilters(String routeId, PolicyConfig effective, List<SecurityFilter> filters) {
            WebSocketConfig websocket = effective.websocket() != null ? effective.websocket() : WebSocketConfig.DEFAULT;
            filters.add(new WebSocketOriginFilter(websocket, effective.cors()));
            filters.add(new WebSocketLimitFilter(routeId, websocket, services.webSockets()));
        }

        /** The rate-limit tiers and client-address rules of a local endpoint's effective policy. */
        private void rateLimitAndIpRules(PolicyConfig effective, List<SecurityFilter> filters) {
            if (effective.rateLimit() != null && !effective.rateLimit().isEmpty()) {
                filters.add(new RateLimitFilter(effective.rateLimit().stream().map(tiers::get).toList(),
                        services.rateLimitStore()));
            }
            IpRulesFilter ipRules = IpRulesFilter.combine(server.ipRules(), effective.ipRules());
            if (!ipRules.restrictsNothing()) {
                filters.add(ipRules);
            }
            addScreening(filters);
        }

        /** The one screening filter every route, the auth endpoints and the admin API share, when configured. */
        private void addScreening(List<SecurityFilter> filters) {
            if (screening() != null) {
                filters.add(screening);
            }
        }

        /** @return the shared screening filter, built on first use; {@code null} when screening is off */
        private ScreeningFilter screening() {
            if (screening == null && config.screening() != null && !config.screening().isOff()) {
                // The suspicious-session watch asks the same question of the user agent; it reads the answer.
                boolean scannerMatchRead = config.auth() != null
                        && config.auth().suspiciousSessions().scannerAgents() != null;
                screening = new ScreeningFilter(config.screening(), ipReputation, null, scannerMatchRead);
            }
            return screening;
        }

        /**
         * @throws IllegalArgumentException when a header source is one the route strips from client requests (it
         *                                  would never be seen), or as {@link TenantFilter} does
         */
        private TenantFilter tenantFilter(PolicyConfig effective, String routeId, PathPattern pattern) {
            IdentityHeadersConfig identity = effective.identityHeaders();
            for (String header : effective.tenant().headers()) {
                if (identity != PolicyConfig.IDENTITY_HEADERS_OFF
                        && (identity == null ? IdentityHeadersConfig.DEFAULT : identity).strips(header)) {
                    throw new IllegalArgumentException("route " + routeId + ": tenant source header:" + header
                            + " is stripped from client requests as a gateway identity header (identityHeaders.strip);"
                            + " name another header, e.g. X-Tenant");
                }
            }
            if (tenantDirectory == null) {
                AuthServices auth = services.auth();
                tenantDirectory = new TenantDirectory(auth.stores().tenants(), auth.stores().users(),
                        config.effectiveTenancy().cacheTtl(), auth.clock(), auth.config().issuer());
            }
            return new TenantFilter(effective.tenant(), config.effectiveTenancy(), tenantDirectory,
                    pattern.parameterNames());
        }

        /**
         * Adds the suspicious-session watch after a route's authentication, unless {@code auth.suspiciousSessions}
         * is off; every route shares one record of addresses.
         */
        private void suspiciousSessions(List<SecurityFilter> filters) {
            SuspiciousSessionConfig rules = config.auth().suspiciousSessions();
            if (rules.isOff()) {
                return;
            }
            if (sessionActivity == null) {
                sessionActivity = new SessionActivity(rules, services.auth().clock());
                BotScreeningConfig bots = config.screening() != null ? config.screening().bots() : null;
                // The same list as bot screening's, its extra patterns and allowed agents included: where screening
                // has matched the user agent, the watch takes its answer (ScreeningFilter.SCANNER_MATCH) instead.
                scannerAgents = bots == null ? new ScannerUserAgents(List.of(), List.of())
                        : new ScannerUserAgents(bots.userAgents(), bots.allow());
            }
            Identity identity = services.auth().identity();
            ScannerUserAgents scanners = scannerAgents;
            filters.add(new SuspiciousSessionFilter(rules, sessionActivity, agent -> scanners.match(agent) != null,
                    identity::logout));
        }

        /** @return the one guard against API key guessing that every route of this configuration shares */
        private ApiKeyGuard apiKeyGuard() {
            if (apiKeyGuard == null) {
                apiKeyGuard = new ApiKeyGuard(config.auth().apiKeys(), services.rateLimitStore(),
                        services.auth().clock());
            }
            return apiKeyGuard;
        }

        /**
         * The login endpoints and the JWKS, matched before every configured route: defaults, then the policies
         * {@code auth.endpoints.policies} names, with a small JSON body limit unless one is configured there.
         */
        private List<CompiledRoutes.Entry> authEndpoints(PolicyConfig defaults, HostAllowlistFilter hostAllowlist,
                                                         HeaderLimitFilter headerLimit) {
            AuthConfig auth = config.auth();
            // Logins and refreshes are what users wait on: shed after ordinary API traffic.
            PolicyConfig effective = defaults.overriddenBy(PolicyConfig.builder().bodyLimit(AUTH_BODY_LIMIT)
                    .priority(Priority.HIGH).build());
            for (String name : auth.endpointPolicies()) {
                effective = effective.overriddenBy(config.policies().get(name));
            }
            List<SecurityFilter> filters = filters(effective, hostAllowlist, headerLimit, true);
            rateLimitAndIpRules(effective, filters);
            AuthEndpoints endpoints = services.auth().endpoints();
            Chain handler = endpoints::handle;
            List<CompiledRoutes.Entry> entries = new ArrayList<>();
            for (String pattern : endpoints.paths()) {
                String id = pattern.equals(AuthEndpoints.JWKS_PATH) ? AUTH_JWKS_ROUTE_ID : AUTH_ROUTE_ID;
                RouteConfig source = RouteConfig.builder(id).path(pattern).build();
                CompiledRoute compiled = new CompiledRoute(id, source, effective, null,
                        new FilterChain(id, filters), handler);
                entries.add(new CompiledRoutes.Entry(compiled, new HostPattern[0], new String[0],
                        PathPattern.parse(pattern)));
            }
            return entries;
        }

        /**
         * Client copies of the gateway's identity headers are always stripped (unless switched off); the verified
         * identity is added where {@code identityHeaders} is configured and the route authenticates.
         */
        private void identityHeaders(PolicyConfig effective, String upstream, List<SecurityFilter> filters) {
            IdentityHeadersConfig config = effective.identityHeaders();
            if (config == PolicyConfig.IDENTITY_HEADERS_OFF) {
                return;
            }
            boolean authenticated = effective.auth() != null && effective.auth().isOn() && services.auth() != null;
            if (config == null || !authenticated) {
                filters.add(new IdentityHeaderStripFilter(config == null ? IdentityHeadersConfig.DEFAULT : config));
                return;
            }
            IdentityTokenSigner signer = config.token() ? new IdentityTokenSigner(services.auth().ring(),
                    services.auth().config().issuer(), services.auth().clock()) : null;
            filters.addAll(IdentityHeadersFilter.filters(config, signer, upstream));
        }

        private boolean bodyLimitConfigured(RouteConfig route) {
            if (route.inline() != null && route.inline().bodyLimit() != null) {
                return true;
            }
            // The builder's defaults carry the generic limit; only a changed one counts as configured.
            if (config.defaults() != null && config.defaults().bodyLimit() != null
                    && !config.defaults().bodyLimit().equals(BodyLimitConfig.DEFAULT)) {
                return true;
            }
            return route.policies().stream().anyMatch(name -> config.policies().get(name).bodyLimit() != null);
        }

        private static List<SecurityFilter> filters(PolicyConfig policy, HostAllowlistFilter hostAllowlist,
                                                    HeaderLimitFilter headerLimit, boolean withBodyLimit) {
            List<SecurityFilter> filters = new ArrayList<>();
            filters.add(new RequestIdFilter(policy.requestId() != null ? policy.requestId() : RequestIdConfig.DEFAULT));
            // Headers first within the EDGE stage, so the host and header-size refusals are hardened too.
            if (policy.headers() != null) {
                filters.add(new SecurityHeadersFilter(policy.headers()));
            }
            if (hostAllowlist != null) {
                filters.add(hostAllowlist);
            }
            filters.add(headerLimit);
            if (policy.cors() != null && !policy.cors().isOff()) {
                filters.add(new CorsFilter(policy.cors()));
            }
            if (withBodyLimit) {
                filters.add(new BodyLimitFilter(policy.bodyLimit() != null ? policy.bodyLimit() : BodyLimitConfig.DEFAULT));
            }
            return filters;
        }

        // ---- small checks ----

        private void positive(long value, String path) {
            if (value <= 0) {
                problem(path, value + " must be positive");
            }
        }

        private void duration(Duration value, String path, boolean strictlyPositive) {
            if (value == null) {
                problem(path, "is required (expected a duration such as 30s)");
            } else if (value.isNegative() || (strictlyPositive && value.isZero())) {
                String shown = value.toMillis() % 1000 == 0 ? value.toSeconds() + "s" : value.toMillis() + "ms";
                problem(path, shown + (strictlyPositive ? " must be positive" : " must not be negative"));
            }
        }

        private void tokens(List<String> values, String path, String what) {
            for (int i = 0; i < values.size(); i++) {
                token(values.get(i), path + "[" + i + "]", what);
            }
        }

        private void token(String value, String path, String what) {
            if (value == null || !TOKEN.matcher(value).matches()) {
                problem(path, quote(String.valueOf(value)) + " is not a valid " + what);
            }
        }

        private void problem(String path, String message) {
            problems.add(new ConfigProblem(path, message));
        }

        private static String names(Map<String, ?> map) {
            return map.isEmpty() ? "none" : String.join(", ", new TreeSet<>(map.keySet()));
        }

        private static String quote(String value) {
            return ConfigProblem.quote(value);
        }
    }
}
