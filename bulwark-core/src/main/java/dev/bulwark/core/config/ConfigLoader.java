package dev.bulwark.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bulwark.core.admin.AdminConfig;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.apikey.ApiKeyConfig;
import dev.bulwark.core.auth.external.ExternalIssuerConfig;
import dev.bulwark.core.auth.password.Argon2Engine;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.password.PasswordPolicyConfig;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.authz.AccessConfig;
import dev.bulwark.core.authz.AuthorizationConfig;
import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.idempotency.IdempotencyConfig;
import dev.bulwark.core.identityheaders.IdentityHeadersConfig;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.ratelimit.OnStoreFailure;
import dev.bulwark.core.ratelimit.RateLimitConfig;
import dev.bulwark.core.ratelimit.RateLimitTier;
import dev.bulwark.core.requestid.RequestIdConfig;
import dev.bulwark.core.tenant.TenancyConfig;
import dev.bulwark.core.tenant.TenantConfig;
import dev.bulwark.core.screening.BotScreeningConfig;
import dev.bulwark.core.screening.IpReputationConfig;
import dev.bulwark.core.screening.ScreeningAction;
import dev.bulwark.core.screening.ScreeningConfig;
import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryConfig;
import dev.bulwark.core.shedding.LoadSheddingConfig;
import dev.bulwark.core.shedding.Priority;
import dev.bulwark.core.waf.WafConfig;
import dev.bulwark.core.websocket.WebSocketConfig;
import dev.bulwark.core.webhook.VerifierConfig;
import dev.bulwark.core.webhook.WebhookConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Bulwark configuration file (YAML, or JSON) into a {@link BulwarkConfig}, through the same builders
 * Java callers use.
 *
 * <p>Scalars may use {@code ${VAR}}, {@code ${VAR:-default}} (the default applies when the variable is unset
 * or empty) and {@code ${file:/path}} (the file's content without trailing newlines; relative paths resolve
 * against the configuration file's directory); {@code $${} writes a literal {@code ${}. Interpolation happens
 * after parsing, so a variable's value can never inject YAML structure.
 *
 * <p>This checks the file's shape: unknown keys, wrong types, unparseable durations and sizes, unset
 * variables. Every problem is collected and reported together in one {@link ConfigException}. Semantic
 * checks (paths, references between sections, ranges) belong to
 * {@link dev.bulwark.core.routing.RouteCompiler}, so configurations built in Java get the same errors.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,10}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final List<String> ROOT_KEYS =
            List.of("mode", "server", "upstreams", "defaults", "policies", "routes", "storage", "rateLimits", "auth",
                    "authorization", "admin", "tenancy", "loadShedding", "screening");
    private static final List<String> SERVER_KEYS = List.of("host", "port", "tls", "http2", "adminPort",
            "trustedProxies", "allowedHosts", "maxHeaderCount", "maxHeaderBytes", "shutdownTimeout",
            "fallbackUpstream", "accessLog", "ipRules");
    private static final List<String> TLS_KEYS = List.of("certificate", "privateKey");
    private static final List<String> UPSTREAM_KEYS = List.of("url", "connectTimeout", "responseTimeout",
            "maxConnections", "http2", "maxConcurrent", "queue", "circuitBreaker", "retry");
    private static final List<String> CIRCUIT_BREAKER_KEYS = List.of("failureRate", "slowCallDuration",
            "slowCallRate", "minimumCalls", "window", "openFor", "halfOpenCalls");
    private static final List<String> RETRY_KEYS = List.of("maxAttempts", "backoff", "maxBackoff", "budget",
            "minPerSecond");
    private static final List<String> LOAD_SHEDDING_KEYS = List.of("enabled", "maxConcurrent", "queue",
            "queueTimeout", "retryAfter", "shares");
    private static final List<String> SHARES_KEYS = List.of("high", "normal", "bulk");
    private static final List<String> POLICY_KEYS =
            List.of("requestId", "headers", "cors", "bodyLimit", "rateLimit", "auth", "access", "ipRules",
                    "identityHeaders", "tenant", "priority", "websocket", "waf");
    private static final List<String> ROUTE_KEYS = List.of("id", "match", "upstream", "policies", "policy",
            "requestId", "headers", "cors", "bodyLimit", "webhook", "idempotency", "rateLimit", "auth", "access",
            "ipRules", "identityHeaders", "tenant", "priority", "websocket", "waf");
    private static final List<String> IDENTITY_HEADERS_KEYS = List.of("strip", "userHeader", "tenantHeader",
            "rolesHeader", "sessionHeader", "token", "tokenHeader", "tokenLifetime", "audience");
    private static final List<String> IP_RULES_KEYS = List.of("allow", "deny");
    private static final List<String> SCREENING_KEYS = List.of("bots", "ipReputation");
    private static final List<String> SCREENING_BOTS_KEYS = List.of("mode", "emptyUserAgent", "userAgents", "allow");
    private static final List<String> IP_REPUTATION_KEYS = List.of("file", "reloadInterval", "mode");
    private static final List<String> WAF_KEYS = List.of("mode", "checks", "targets", "exclude", "maxBodyInspection",
            "maxMultipartInspection", "oversizedBody");
    private static final List<String> TENANT_KEYS = List.of("required", "sources");
    private static final List<String> TENANCY_KEYS = List.of("crossTenantRoles", "unknownTenants", "cacheTtl");
    private static final List<String> WEBSOCKET_KEYS = List.of("allowedOrigins", "maxConnectionsPerUser",
            "maxConnectionsPerIp", "messagesPerConnection", "messagesPerUser", "maxFrameSize", "maxMessageSize",
            "idleTimeout", "retryAfter");
    private static final List<String> MESSAGE_RATE_KEYS = List.of("limit", "period", "burst");
    private static final List<String> ADMIN_KEYS = List.of("enabled", "prefix", "roles", "scope", "policies",
            "ipRules", "port");
    private static final List<String> AUTHORIZATION_KEYS = List.of("roles", "actions");
    private static final List<String> ACCESS_KEYS = List.of("roles", "permissions");
    private static final List<String> ANY_ALL_KEYS = List.of("anyOf", "allOf");
    private static final List<String> AUTH_KEYS = List.of("issuer", "audience", "masterKey", "registration",
            "revocationSync", "tokenCacheSize", "endpoints", "accessToken", "refreshToken", "sessions", "password",
            "lockout", "cookies", "issuers", "apiKeys", "suspiciousSessions");
    private static final List<String> SUSPICIOUS_SESSIONS_KEYS = List.of("concurrentIps", "ipChanges",
            "scannerAgents");
    private static final List<String> ADDRESS_RULE_KEYS = List.of("max", "window", "action");
    private static final List<String> AUTH_ENDPOINTS_KEYS = List.of("prefix", "policies");
    private static final List<String> ACCESS_TOKEN_KEYS = List.of("lifetime", "clockSkew", "algorithm");
    private static final List<String> REFRESH_TOKEN_KEYS = List.of("lifetime", "reuseGrace");
    private static final List<String> SESSIONS_KEYS = List.of("maxPerUser", "idleTimeout", "binding");
    private static final List<String> PASSWORD_KEYS = List.of("minLength", "maxLength", "requireCharacterClasses",
            "minEntropyBits", "workers", "queue", "nice", "hashing");
    private static final List<String> HASHING_KEYS = List.of("memory", "iterations", "parallelism", "engine");
    private static final List<String> LOCKOUT_KEYS = List.of("threshold", "accountThreshold", "ipThreshold", "steps",
            "memory");
    private static final List<String> COOKIES_KEYS = List.of("enabled", "sameSite", "trustedOrigins");
    private static final List<String> EXTERNAL_ISSUER_KEYS = List.of("issuer", "jwksUrl", "jwks", "audience",
            "algorithms", "rolesClaim", "tenantClaim", "clockSkew", "refreshInterval", "minRefetchInterval");
    private static final List<String> ROUTE_AUTH_KEYS = List.of("mode", "issuers", "queryParameter", "apiKeys",
            "apiKeyHeader", "forwardToken");
    private static final List<String> API_KEYS_KEYS = List.of("failureLimit", "failurePeriod");
    private static final List<String> RATE_LIMIT_TIER_KEYS = List.of("limit", "period", "burst", "key", "onStoreFailure");
    private static final List<String> MATCH_KEYS = List.of("path", "methods", "hosts");
    private static final List<String> REQUEST_ID_KEYS = List.of("header", "trustIncoming", "maxLength");
    private static final List<String> HEADERS_KEYS = List.of("contentSecurityPolicy", "hsts", "frameOptions",
            "noSniff", "referrerPolicy", "crossOriginResourcePolicy", "permissionsPolicy", "removeResponseHeaders");
    private static final List<String> HSTS_KEYS = List.of("maxAge", "includeSubDomains", "preload");
    private static final List<String> CORS_KEYS = List.of("allowedOrigins", "allowedOriginRegexes",
            "allowCredentials", "allowedMethods", "allowedHeaders", "exposedHeaders", "maxAge");
    private static final List<String> BODY_LIMIT_KEYS = List.of("json", "text", "other");
    private static final List<String> STORAGE_KEYS = List.of("kind", "path", "url", "username", "password");
    private static final List<String> IDEMPOTENCY_KEYS = List.of("enabled", "ttl");
    private static final List<String> WEBHOOK_IDEMPOTENCY_KEYS = List.of("enabled", "key", "ttl");
    private static final Map<String, List<String>> WEBHOOK_KEYS = Map.of(
            "meta", List.of("preset", "secrets", "verifyTokens", "idempotency"),
            "github", List.of("preset", "secrets", "idempotency"),
            "telegram", List.of("preset", "secrets", "idempotency"),
            "apikey", List.of("preset", "header", "secrets", "idempotency"),
            "standard-webhooks", List.of("preset", "secrets", "tolerance", "idempotency"),
            "stripe", List.of("preset", "secrets", "tolerance", "idempotency"),
            "slack", List.of("preset", "secrets", "tolerance", "idempotency"),
            "hmac", List.of("preset", "provider", "secrets", "header", "algorithm", "encoding", "prefix",
                    "signedContent", "timestampHeader", "timestampUnit", "tolerance", "idHeader", "idempotency"));
    private static final String WEBHOOK_PRESETS = String.join(", ", new TreeSet<>(WEBHOOK_KEYS.keySet()));

    private ConfigLoader() {
    }

    /**
     * Loads a file, interpolating from the process environment.
     *
     * @throws ConfigException when the file cannot be read or has problems, listing all of them
     */
    public static BulwarkConfig load(Path file) {
        return load(file, System::getenv);
    }

    /**
     * Loads a file, interpolating from {@code env}.
     *
     * @param env looks up an environment variable; returns {@code null} when unset
     * @throws ConfigException when the file cannot be read or has problems, listing all of them
     */
    public static BulwarkConfig load(Path file, Function<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem("",
                    "cannot read config file " + file + " (" + e.getClass().getSimpleName() + ")")));
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(text, file.getFileName().toString(), env, parent);
    }

    /**
     * Parses configuration text. JSON is recognised by a {@code .json} source name or a leading {@code {};
     * anything else is read as YAML. Relative file references resolve against the working directory.
     *
     * @param sourceName the file name, used to pick the syntax
     * @param env        looks up an environment variable; returns {@code null} when unset
     * @throws ConfigException listing every problem found
     */
    public static BulwarkConfig parse(String text, String sourceName, Function<String, String> env) {
        return parse(text, sourceName, env, null);
    }

    private static BulwarkConfig parse(String text, String sourceName, Function<String, String> env, Path baseDir) {
        boolean json = sourceName.toLowerCase(Locale.ROOT).endsWith(".json") || text.stripLeading().startsWith("{");
        JsonNode root;
        try {
            root = (json ? JSON : YAML).readTree(text);
        } catch (JacksonException e) {
            throw new ConfigException(List.of(new ConfigProblem("", syntaxError(e))));
        }
        Walk walk = new Walk(env, baseDir);
        BulwarkConfig config = walk.root(root);
        if (!walk.problems.isEmpty()) {
            throw new ConfigException(walk.problems);
        }
        return config;
    }

    private static String syntaxError(JacksonException e) {
        JsonLocation at = e.getLocation();
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), "unreadable").replaceAll("\\s+", " ").trim();
        return at == null || at.getLineNr() < 0
                ? "syntax error: " + message
                : "syntax error at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + message;
    }

    /** A scalar after interpolation; {@code secret} when any part came from a file, so errors never show it. */
    private record Scalar(String value, boolean secret) {
        String shown() {
            return secret ? "(value from a secret file)" : quote(value);
        }
    }

    /** One pass over the tree; collects problems instead of stopping at the first. */
    private static final class Walk {
        private final Function<String, String> env;
        private final Path baseDir;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Walk(Function<String, String> env, Path baseDir) {
            this.env = env;
            this.baseDir = baseDir;
        }

        BulwarkConfig root(JsonNode root) {
            BulwarkConfig.Builder builder = BulwarkConfig.builder();
            if (root == null || root.isMissingNode() || root.isNull()) {
                return builder.build();
            }
            Map<String, JsonNode> keys = object(root, "", ROOT_KEYS);
            if (keys == null) {
                return builder.build();
            }
            with(keys, "mode", node -> {
                Scalar mode = scalar(node, "mode");
                if (mode != null) {
                    switch (mode.value().toLowerCase(Locale.ROOT)) {
                        case "development" -> builder.mode(Mode.DEVELOPMENT);
                        case "production" -> builder.mode(Mode.PRODUCTION);
                        default -> problem("mode", mode.shown() + " is not a mode (expected development or production)");
                    }
                }
            });
            with(keys, "server", node -> builder.server(server(node, "server")));
            with(keys, "upstreams", node -> entries(node, "upstreams",
                    (name, value) -> builder.upstream(name, upstream(value, child("upstreams", name)))));
            with(keys, "defaults", node -> builder.defaults(policy(node, "defaults")));
            with(keys, "policies", node -> entries(node, "policies",
                    (name, value) -> builder.policy(name, policy(value, child("policies", name)))));
            with(keys, "storage", node -> builder.storage(storage(node, "storage")));
            with(keys, "auth", node -> builder.auth(auth(node, "auth")));
            with(keys, "authorization", node -> builder.authorization(authorization(node, "authorization")));
            with(keys, "tenancy", node -> builder.tenancy(tenancy(node, "tenancy")));
            with(keys, "admin", node -> builder.admin(admin(node, "admin")));
            with(keys, "loadShedding", node -> builder.loadShedding(loadShedding(node, "loadShedding")));
            with(keys, "screening", node -> builder.screening(screening(node, "screening")));
            with(keys, "rateLimits", node -> entries(node, "rateLimits",
                    (name, value) -> builder.rateLimit(name, rateLimitTier(value, child("rateLimits", name)))));
            with(keys, "routes", node -> {
                if (!node.isArray()) {
                    problem("routes", describe(node) + " is not a list of routes");
                    return;
                }
                for (int i = 0; i < node.size(); i++) {
                    builder.route(route(node.get(i), "routes[" + i + "]"));
                }
            });
            return builder.build();
        }

        private ServerConfig server(JsonNode node, String path) {
            ServerConfig.Builder b = ServerConfig.builder();
            Map<String, JsonNode> keys = object(node, path, SERVER_KEYS);
            if (keys == null) {
                return b.build();
            }
            with(keys, "host", n -> ifSet(string(n, child(path, "host")), b::host));
            with(keys, "port", n -> ifSet(integer(n, child(path, "port")), b::port));
            with(keys, "tls", n -> {
                String tlsPath = child(path, "tls");
                Map<String, JsonNode> tls = object(n, tlsPath, TLS_KEYS);
                if (tls != null) {
                    Path certificate = file(tls.get("certificate"), child(tlsPath, "certificate"));
                    Path privateKey = file(tls.get("privateKey"), child(tlsPath, "privateKey"));
                    b.tls(certificate, privateKey);
                }
            });
            with(keys, "http2", n -> ifSet(bool(n, child(path, "http2")), b::http2));
            with(keys, "adminPort", n -> b.adminPort(n.isNull() ? null : integer(n, child(path, "adminPort"))));
            with(keys, "trustedProxies", n -> ifSet(strings(n, child(path, "trustedProxies")), b::trustedProxies));
            with(keys, "allowedHosts", n -> ifSet(strings(n, child(path, "allowedHosts")), b::allowedHosts));
            with(keys, "maxHeaderCount", n -> ifSet(integer(n, child(path, "maxHeaderCount")), b::maxHeaderCount));
            with(keys, "maxHeaderBytes", n -> ifSet(size(n, child(path, "maxHeaderBytes")), bytes -> {
                if (bytes > Integer.MAX_VALUE) {
                    problem(child(path, "maxHeaderBytes"), bytes + " bytes is too large (at most 2GB)");
                } else {
                    b.maxHeaderBytes(bytes.intValue());
                }
            }));
            with(keys, "shutdownTimeout", n -> ifSet(duration(n, child(path, "shutdownTimeout")), b::shutdownTimeout));
            with(keys, "fallbackUpstream", n -> b.fallbackUpstream(string(n, child(path, "fallbackUpstream"))));
            with(keys, "accessLog", n -> ifSet(bool(n, child(path, "accessLog")), b::accessLog));
            with(keys, "ipRules", n -> ifSet(ipRules(n, child(path, "ipRules")), b::ipRules));
            return b.build();
        }

        private UpstreamConfig.Builder upstream(JsonNode node, String path) {
            UpstreamConfig.Builder b = UpstreamConfig.builder();
            Map<String, JsonNode> keys = object(node, path, UPSTREAM_KEYS);
            if (keys == null) {
                return b;
            }
            with(keys, "url", n -> {
                Scalar url = scalar(n, child(path, "url"));
                if (url != null) {
                    try {
                        b.url(url.value());
                    } catch (IllegalArgumentException e) {
                        problem(child(path, "url"), url.shown() + " is not a url (expected e.g. http://127.0.0.1:8081)");
                    }
                }
            });
            with(keys, "connectTimeout", n -> ifSet(duration(n, child(path, "connectTimeout")), b::connectTimeout));
            with(keys, "responseTimeout", n -> ifSet(duration(n, child(path, "responseTimeout")), b::responseTimeout));
            with(keys, "maxConnections", n -> ifSet(integer(n, child(path, "maxConnections")), b::maxConnections));
            with(keys, "http2", n -> ifSet(bool(n, child(path, "http2")), b::http2));
            with(keys, "maxConcurrent", n -> ifSet(integer(n, child(path, "maxConcurrent")), b::maxConcurrent));
            with(keys, "queue", n -> ifSet(integer(n, child(path, "queue")), b::queue));
            with(keys, "circuitBreaker", n -> ifSet(circuitBreaker(n, child(path, "circuitBreaker")),
                    b::circuitBreaker));
            with(keys, "retry", n -> ifSet(retry(n, child(path, "retry")), b::retry));
            return b;
        }

        /** {@code false} (no breaker), or the settings that differ from the defaults. */
        private BreakerConfig circuitBreaker(JsonNode node, String path) {
            if (isOff(node)) {
                return BreakerConfig.OFF;
            }
            Map<String, JsonNode> keys = object(node, path, CIRCUIT_BREAKER_KEYS);
            if (keys == null) {
                return null;
            }
            BreakerConfig.Builder b = BreakerConfig.builder();
            with(keys, "failureRate", n -> ifSet(percent(n, child(path, "failureRate")), b::failureRate));
            with(keys, "slowCallDuration", n -> ifSet(duration(n, child(path, "slowCallDuration")),
                    b::slowCallDuration));
            with(keys, "slowCallRate", n -> ifSet(percent(n, child(path, "slowCallRate")), b::slowCallRate));
            with(keys, "minimumCalls", n -> ifSet(integer(n, child(path, "minimumCalls")), b::minimumCalls));
            with(keys, "window", n -> ifSet(duration(n, child(path, "window")), b::window));
            with(keys, "openFor", n -> ifSet(duration(n, child(path, "openFor")), b::openFor));
            with(keys, "halfOpenCalls", n -> ifSet(integer(n, child(path, "halfOpenCalls")), b::halfOpenCalls));
            return b.build();
        }

        /** {@code false} (no retries), or the settings that differ from the defaults. */
        private RetryConfig retry(JsonNode node, String path) {
            if (isOff(node)) {
                return RetryConfig.OFF;
            }
            Map<String, JsonNode> keys = object(node, path, RETRY_KEYS);
            if (keys == null) {
                return null;
            }
            RetryConfig.Builder b = RetryConfig.builder();
            with(keys, "maxAttempts", n -> ifSet(integer(n, child(path, "maxAttempts")), b::maxAttempts));
            with(keys, "backoff", n -> ifSet(duration(n, child(path, "backoff")), b::backoff));
            with(keys, "maxBackoff", n -> ifSet(duration(n, child(path, "maxBackoff")), b::maxBackoff));
            with(keys, "budget", n -> ifSet(percent(n, child(path, "budget")), b::budget));
            with(keys, "minPerSecond", n -> ifSet(integer(n, child(path, "minPerSecond")), b::minPerSecond));
            return b.build();
        }

        private RouteConfig route(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, ROUTE_KEYS);
            if (keys == null) {
                return RouteConfig.builder(null).build();
            }
            String id = optional(keys, path, "id", this::string);
            RouteConfig.Builder b = RouteConfig.builder(id);
            with(keys, "match", n -> {
                String matchPath = child(path, "match");
                Map<String, JsonNode> match = object(n, matchPath, MATCH_KEYS);
                if (match != null) {
                    with(match, "path", p -> b.path(string(p, child(matchPath, "path"))));
                    with(match, "methods", m -> ifSet(strings(m, child(matchPath, "methods")), b::methods));
                    with(match, "hosts", h -> ifSet(strings(h, child(matchPath, "hosts")), b::hosts));
                }
            });
            with(keys, "upstream", n -> b.upstream(string(n, child(path, "upstream"))));
            if (keys.containsKey("policy") && keys.containsKey("policies")) {
                problem(child(path, "policy"), "use either policy or policies, not both");
            }
            with(keys, "policy", n -> ifSet(string(n, child(path, "policy")), b::policies));
            with(keys, "policies", n -> ifSet(strings(n, child(path, "policies")), b::policies));
            b.inline(policyFrom(keys, path));
            with(keys, "webhook", n -> b.webhook(webhook(n, child(path, "webhook"))));
            with(keys, "idempotency",
                    n -> ifSet(idempotency(n, child(path, "idempotency"), IDEMPOTENCY_KEYS), b::idempotency));
            return b.build();
        }

        private StorageConfig storage(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, STORAGE_KEYS);
            if (keys == null) {
                return null;
            }
            String kindText = optional(keys, path, "kind", this::string);
            if (kindText == null) {
                if (!keys.containsKey("kind")) {
                    problem(child(path, "kind"), "is required (expected memory, h2 or postgresql)");
                }
                return null;
            }
            StorageConfig.Kind kind = switch (kindText.toLowerCase(Locale.ROOT)) {
                case "memory" -> StorageConfig.Kind.MEMORY;
                case "h2" -> StorageConfig.Kind.H2;
                case "postgresql", "postgres" -> StorageConfig.Kind.POSTGRESQL;
                default -> {
                    problem(child(path, "kind"), quote(kindText) + " is not a storage kind (expected memory, h2 or postgresql)");
                    yield null;
                }
            };
            if (kind == null) {
                return null;
            }
            Path dir = file(keys.get("path"), child(path, "path"));
            String url = optional(keys, path, "url", this::string);
            String username = optional(keys, path, "username", this::string);
            String password = optional(keys, path, "password", this::string);
            if (kind == StorageConfig.Kind.POSTGRESQL && (url == null || !url.startsWith("jdbc:postgresql:"))) {
                problem(child(path, "url"), (url == null ? "is required" : quote(url) + " is not a postgresql url")
                        + " (expected e.g. jdbc:postgresql://127.0.0.1:5432/bulwark)");
            }
            if (kind != StorageConfig.Kind.H2 && keys.containsKey("path")) {
                problem(child(path, "path"), "only applies to kind h2");
            }
            if (kind != StorageConfig.Kind.POSTGRESQL) {
                for (String key : List.of("url", "username", "password")) {
                    if (keys.containsKey(key)) {
                        problem(child(path, key), "only applies to kind postgresql");
                    }
                }
            }
            return new StorageConfig(kind, dir, url, username, password);
        }

        private WebhookConfig webhook(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                problem(path, describe(node) + " is not a webhook definition (expected e.g. {preset: meta, secrets: [...]})");
                return null;
            }
            JsonNode presetNode = node.get("preset");
            String preset = presetNode == null ? null : string(presetNode, child(path, "preset"));
            if (preset == null) {
                if (presetNode == null) {
                    problem(child(path, "preset"), "is required (expected one of " + WEBHOOK_PRESETS + ")");
                }
                return null;
            }
            List<String> allowed = WEBHOOK_KEYS.get(preset);
            if (allowed == null) {
                problem(child(path, "preset"), quote(preset) + " is not a webhook preset (expected one of "
                        + WEBHOOK_PRESETS + ")");
                return null;
            }
            Map<String, JsonNode> keys = object(node, path, allowed);
            if (keys == null) {
                return null;
            }
            List<String> secrets = secrets(keys.get("secrets"), child(path, "secrets"));
            String header = optional(keys, path, "header", this::string);
            Duration tolerance = optional(keys, path, "tolerance", this::duration);
            VerifierConfig verifier = switch (preset) {
                case "meta" -> new VerifierConfig.Meta(secrets,
                        secrets(keys.get("verifyTokens"), child(path, "verifyTokens")));
                case "github" -> new VerifierConfig.GitHub(secrets);
                case "telegram" -> new VerifierConfig.Telegram(secrets);
                case "apikey" -> new VerifierConfig.ApiKey(header, secrets);
                case "standard-webhooks" -> new VerifierConfig.StandardWebhooks(secrets, tolerance);
                case "stripe" -> new VerifierConfig.Stripe(secrets, tolerance);
                case "slack" -> new VerifierConfig.Slack(secrets, tolerance);
                default -> new VerifierConfig.Hmac(
                        optional(keys, path, "provider", this::string),
                        secrets, header,
                        enumValue(keys.get("algorithm"), child(path, "algorithm"), VerifierConfig.Hmac.Algorithm.class),
                        enumValue(keys.get("encoding"), child(path, "encoding"), VerifierConfig.Hmac.Encoding.class),
                        optional(keys, path, "prefix", this::string),
                        optional(keys, path, "signedContent", this::string),
                        optional(keys, path, "timestampHeader", this::string),
                        enumValue(keys.get("timestampUnit"), child(path, "timestampUnit"),
                                VerifierConfig.Hmac.TimestampUnit.class),
                        tolerance,
                        optional(keys, path, "idHeader", this::string));
            };
            JsonNode idempotencyNode = keys.get("idempotency");
            IdempotencyConfig idempotency = idempotencyNode == null ? null
                    : isOff(idempotencyNode) ? IdempotencyConfig.DISABLED
                    : idempotency(idempotencyNode, child(path, "idempotency"), WEBHOOK_IDEMPOTENCY_KEYS);
            return new WebhookConfig(verifier, idempotency);
        }

        /** Reads an idempotency block; {@code enabled} defaults to true, a key outside {@code allowed} is reported. */
        private IdempotencyConfig idempotency(JsonNode node, String path, List<String> allowed) {
            Map<String, JsonNode> keys = object(node, path, allowed);
            if (keys == null) {
                return null;
            }
            Boolean enabled = optional(keys, path, "enabled", this::bool);
            return new IdempotencyConfig(enabled == null || enabled, optional(keys, path, "key", this::string),
                    optional(keys, path, "ttl", this::duration));
        }

        /** A list of secrets where entries interpolated to nothing ({@code ${OLD_SECRET:-}}) are dropped. */
        private List<String> secrets(JsonNode node, String path) {
            if (node == null) {
                return List.of();
            }
            List<String> values = strings(node, path);
            return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isEmpty()).toList();
        }

        private <E extends Enum<E>> E enumValue(JsonNode node, String path, Class<E> type) {
            if (node == null) {
                return null;
            }
            String text = string(node, path);
            if (text == null) {
                return null;
            }
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.replace("-", ""))) {
                    return constant;
                }
            }
            problem(path, quote(text) + " is not one of " + java.util.Arrays.toString(type.getEnumConstants())
                    .toLowerCase(Locale.ROOT));
            return null;
        }

        private PolicyConfig policy(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, POLICY_KEYS);
            return keys == null ? PolicyConfig.EMPTY : policyFrom(keys, path);
        }

        /** Reads the feature keys shared by {@code defaults}, named policies and routes. */
        private PolicyConfig policyFrom(Map<String, JsonNode> keys, String path) {
            PolicyConfig.Builder b = PolicyConfig.builder();
            with(keys, "requestId", n -> b.requestId(requestId(n, child(path, "requestId"))));
            with(keys, "headers", n -> b.headers(headers(n, child(path, "headers"))));
            with(keys, "cors", n -> b.cors(cors(n, child(path, "cors"))));
            with(keys, "bodyLimit", n -> b.bodyLimit(bodyLimit(n, child(path, "bodyLimit"))));
            with(keys, "rateLimit", n -> ifSet(rateLimitTierNames(n, child(path, "rateLimit")), b::rateLimit));
            with(keys, "auth", n -> b.auth(routeAuth(n, child(path, "auth"))));
            with(keys, "access", n -> b.access(access(n, child(path, "access"))));
            with(keys, "ipRules", n -> b.ipRules(ipRules(n, child(path, "ipRules"))));
            with(keys, "identityHeaders", n -> b.identityHeaders(identityHeaders(n, child(path, "identityHeaders"))));
            with(keys, "tenant", n -> b.tenant(tenant(n, child(path, "tenant"))));
            with(keys, "priority", n -> b.priority(enumValue(n, child(path, "priority"), Priority.class)));
            with(keys, "websocket", n -> b.websocket(websocket(n, child(path, "websocket"))));
            with(keys, "waf", n -> b.waf(waf(n, child(path, "waf"))));
            return b.build();
        }

        /** The top-level {@code loadShedding} section: {@code false} (off), or the keys that differ from the defaults. */
        private LoadSheddingConfig loadShedding(JsonNode node, String path) {
            LoadSheddingConfig.Builder b = LoadSheddingConfig.builder();
            if (isOff(node)) {
                return b.enabled(false).build();
            }
            Map<String, JsonNode> keys = object(node, path, LOAD_SHEDDING_KEYS);
            if (keys == null) {
                return null;
            }
            with(keys, "enabled", n -> ifSet(bool(n, child(path, "enabled")), b::enabled));
            with(keys, "maxConcurrent", n -> ifSet(integer(n, child(path, "maxConcurrent")), b::maxConcurrent));
            with(keys, "queue", n -> ifSet(integer(n, child(path, "queue")), b::queue));
            with(keys, "queueTimeout", n -> ifSet(duration(n, child(path, "queueTimeout")), b::queueTimeout));
            with(keys, "retryAfter", n -> ifSet(duration(n, child(path, "retryAfter")), b::retryAfter));
            with(keys, "shares", n -> {
                String sharesPath = child(path, "shares");
                Map<String, JsonNode> shares = object(n, sharesPath, SHARES_KEYS);
                if (shares != null) {
                    shares.forEach((name, value) -> ifSet(percent(value, child(sharesPath, name)),
                            percent -> b.share(Priority.valueOf(name.toUpperCase(Locale.ROOT)), percent)));
                }
            });
            return b.build();
        }

        /** The top-level {@code screening} section: {@code {bots, ipReputation}}, each an object or false (off). */
        private ScreeningConfig screening(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, SCREENING_KEYS);
            if (keys == null) {
                return null;
            }
            BotScreeningConfig[] bots = {null};
            IpReputationConfig[] reputation = {null};
            with(keys, "bots", n -> bots[0] = isOff(n) ? null : bots(n, child(path, "bots")));
            with(keys, "ipReputation", n -> reputation[0] = isOff(n) ? null
                    : ipReputation(n, child(path, "ipReputation")));
            return new ScreeningConfig(bots[0], reputation[0]);
        }

        private BotScreeningConfig bots(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, SCREENING_BOTS_KEYS);
            if (keys == null) {
                return null;
            }
            BotScreeningConfig.Builder b = BotScreeningConfig.builder();
            with(keys, "mode", n -> ifSet(screeningAction(n, child(path, "mode")), b::mode));
            with(keys, "emptyUserAgent", n -> ifSet(screeningAction(n, child(path, "emptyUserAgent")),
                    b::emptyUserAgent));
            with(keys, "userAgents", n -> ifSet(strings(n, child(path, "userAgents")), b::userAgents));
            with(keys, "allow", n -> ifSet(strings(n, child(path, "allow")), b::allow));
            return b.build();
        }

        private IpReputationConfig ipReputation(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, IP_REPUTATION_KEYS);
            if (keys == null) {
                return null;
            }
            return new IpReputationConfig(file(keys.get("file"), child(path, "file")),
                    optional(keys, path, "reloadInterval", this::duration),
                    optional(keys, path, "mode", this::screeningAction));
        }

        /** {@code block}, {@code score} or {@code off} (YAML reads a bare off as false). */
        private ScreeningAction screeningAction(JsonNode node, String path) {
            return isOff(node) ? ScreeningAction.OFF : enumValue(node, path, ScreeningAction.class);
        }

        /** A route's {@code websocket} settings; absent keys keep their defaults. */
        private WebSocketConfig websocket(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, WEBSOCKET_KEYS);
            if (keys == null) {
                return null;
            }
            WebSocketConfig.Builder b = WebSocketConfig.builder();
            with(keys, "allowedOrigins", n -> ifSet(strings(n, child(path, "allowedOrigins")), b::allowedOrigins));
            with(keys, "maxConnectionsPerUser", n -> ifSet(integer(n, child(path, "maxConnectionsPerUser")),
                    b::maxConnectionsPerUser));
            with(keys, "maxConnectionsPerIp", n -> ifSet(integer(n, child(path, "maxConnectionsPerIp")),
                    b::maxConnectionsPerIp));
            WebSocketConfig d = WebSocketConfig.DEFAULT;
            with(keys, "messagesPerConnection", n -> b.messagesPerConnection(
                    messageRate(n, child(path, "messagesPerConnection"), d.messagesPerConnection())));
            with(keys, "messagesPerUser", n -> b.messagesPerUser(
                    messageRate(n, child(path, "messagesPerUser"), d.messagesPerUser())));
            with(keys, "maxFrameSize", n -> ifSet(size(n, child(path, "maxFrameSize")), b::maxFrameSize));
            with(keys, "maxMessageSize", n -> ifSet(size(n, child(path, "maxMessageSize")), b::maxMessageSize));
            with(keys, "idleTimeout", n -> ifSet(duration(n, child(path, "idleTimeout")), b::idleTimeout));
            with(keys, "retryAfter", n -> ifSet(duration(n, child(path, "retryAfter")), b::retryAfter));
            return b.build();
        }

        /** {@code false} (no limit) or {@code {limit, period, burst}}; {@code fallback} when unreadable. */
        private WebSocketConfig.Rate messageRate(JsonNode node, String path, WebSocketConfig.Rate fallback) {
            if (node.isBoolean() && !node.booleanValue()) {
                return null;
            }
            Map<String, JsonNode> keys = object(node, path, MESSAGE_RATE_KEYS);
            if (keys == null) {
                return fallback;
            }
            Integer limit = optional(keys, path, "limit", this::integer);
            Duration period = optional(keys, path, "period", this::duration);
            Integer burst = optional(keys, path, "burst", this::integer);
            return new WebSocketConfig.Rate(limit == null ? null : limit.longValue(), period,
                    burst == null ? null : burst.longValue());
        }

        /** A route's {@code waf} settings: {@code false} (off), {@code true} (every default), or the keys that differ. */
        private WafConfig waf(JsonNode node, String path) {
            if (isOff(node)) {
                return WafConfig.OFF;
            }
            if (node.isBoolean()) {
                return WafConfig.DEFAULT;
            }
            Map<String, JsonNode> keys = object(node, path, WAF_KEYS);
            if (keys == null) {
                return null;
            }
            WafConfig.Builder b = WafConfig.builder();
            with(keys, "mode", n -> ifSet(enumValue(n, child(path, "mode"), WafConfig.Mode.class), b::mode));
            with(keys, "checks", n -> ifSet(keyed(n, child(path, "checks"), WafConfig.Check.class,
                    WafConfig.Check::key), b::checks));
            with(keys, "targets", n -> ifSet(keyed(n, child(path, "targets"), WafConfig.Target.class,
                    target -> target.name().toLowerCase(Locale.ROOT)), b::targets));
            with(keys, "exclude", n -> ifSet(strings(n, child(path, "exclude")), b::exclude));
            with(keys, "maxBodyInspection", n -> ifSet(size(n, child(path, "maxBodyInspection")),
                    b::maxBodyInspection));
            with(keys, "maxMultipartInspection", n -> ifSet(size(n, child(path, "maxMultipartInspection")),
                    b::maxMultipartInspection));
            with(keys, "oversizedBody", n -> ifSet(enumValue(n, child(path, "oversizedBody"),
                    WafConfig.OversizedBody.class), b::oversizedBody));
            return b.build();
        }

        /** A list of enum constants written by their configuration names, e.g. {@code [sqli, commandInjection]}. */
        private <E extends Enum<E>> Set<E> keyed(JsonNode node, String path, Class<E> type, Function<E, String> key) {
            List<String> names = strings(node, path);
            if (names == null) {
                return null;
            }
            Set<E> values = EnumSet.noneOf(type);
            for (int i = 0; i < names.size(); i++) {
                E found = null;
                for (E constant : type.getEnumConstants()) {
                    if (key.apply(constant).equalsIgnoreCase(names.get(i))) {
                        found = constant;
                    }
                }
                if (found == null) {
                    problem(path + "[" + i + "]", quote(names.get(i)) + " is not one of " + String.join(", ",
                            java.util.Arrays.stream(type.getEnumConstants()).map(key).toList()));
                    return null;
                }
                values.add(found);
            }
            return values;
        }

        /** {@code false} (off), or {@code {required, sources}} with {@code required} defaulting to true. */
        private TenantConfig tenant(JsonNode node, String path) {
            if (isOff(node)) {
                return TenantConfig.OFF;
            }
            Map<String, JsonNode> keys = object(node, path, TENANT_KEYS);
            if (keys == null) {
                return null;
            }
            TenantConfig.Builder b = TenantConfig.builder();
            with(keys, "required", n -> ifSet(bool(n, child(path, "required")), b::required));
            with(keys, "sources", n -> ifSet(strings(n, child(path, "sources")), b::sources));
            return b.build();
        }

        private TenancyConfig tenancy(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, TENANCY_KEYS);
            if (keys == null) {
                return null;
            }
            TenancyConfig d = TenancyConfig.DEFAULT;
            List<String> roles = optional(keys, path, "crossTenantRoles", this::strings);
            TenancyConfig.UnknownTenants unknown = optional(keys, path, "unknownTenants",
                    (n, at) -> enumValue(n, at, TenancyConfig.UnknownTenants.class));
            Duration ttl = optional(keys, path, "cacheTtl", this::duration);
            return new TenancyConfig(roles != null ? roles : d.crossTenantRoles(),
                    unknown != null ? unknown : d.unknownTenants(), ttl != null ? ttl : d.cacheTtl());
        }

        /** {@code true} (every default), {@code false} (off), or the keys that differ from the defaults. */
        private IdentityHeadersConfig identityHeaders(JsonNode node, String path) {
            if (isOff(node)) {
                return PolicyConfig.IDENTITY_HEADERS_OFF;
            }
            if (node.isBoolean()) {
                return IdentityHeadersConfig.DEFAULT;
            }
            Map<String, JsonNode> keys = object(node, path, IDENTITY_HEADERS_KEYS);
            if (keys == null) {
                return null;
            }
            IdentityHeadersConfig.Builder b = IdentityHeadersConfig.builder();
            with(keys, "strip", n -> ifSet(strings(n, child(path, "strip")), b::strip));
            with(keys, "userHeader", n -> b.userHeader(optionalString(n, child(path, "userHeader"))));
            with(keys, "tenantHeader", n -> b.tenantHeader(optionalString(n, child(path, "tenantHeader"))));
            with(keys, "rolesHeader", n -> b.rolesHeader(optionalString(n, child(path, "rolesHeader"))));
            with(keys, "sessionHeader", n -> b.sessionHeader(optionalString(n, child(path, "sessionHeader"))));
            with(keys, "token", n -> ifSet(bool(n, child(path, "token")), b::token));
            with(keys, "tokenHeader", n -> ifSet(string(n, child(path, "tokenHeader")), b::tokenHeader));
            with(keys, "tokenLifetime", n -> ifSet(duration(n, child(path, "tokenLifetime")), b::tokenLifetime));
            with(keys, "audience", n -> b.audience(optionalString(n, child(path, "audience"))));
            return b.build();
        }

        private IpRulesConfig ipRules(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, IP_RULES_KEYS);
            if (keys == null) {
                return null;
            }
            List<String> allow = optional(keys, path, "allow", this::strings);
            List<String> deny = optional(keys, path, "deny", this::strings);
            return new IpRulesConfig(allow == null ? List.of() : allow, deny == null ? List.of() : deny);
        }

        /** {@code true}, {@code false}, or the section's keys; a present section is on unless it says otherwise. */
        private AdminConfig admin(JsonNode node, String path) {
            if (node.isBoolean()) {
                return AdminConfig.builder().enabled(node.booleanValue()).build();
            }
            Map<String, JsonNode> keys = object(node, path, ADMIN_KEYS);
            if (keys == null) {
                return null;
            }
            AdminConfig.Builder b = AdminConfig.builder();
            with(keys, "enabled", n -> ifSet(bool(n, child(path, "enabled")), b::enabled));
            with(keys, "prefix", n -> ifSet(string(n, child(path, "prefix")), b::prefix));
            with(keys, "roles", n -> ifSet(strings(n, child(path, "roles")), b::roles));
            with(keys, "scope", n -> ifSet(string(n, child(path, "scope")), b::scope));
            with(keys, "policies", n -> ifSet(strings(n, child(path, "policies")), b::policies));
            with(keys, "ipRules", n -> b.ipRules(ipRules(n, child(path, "ipRules"))));
            with(keys, "port", n -> ifSet(integer(n, child(path, "port")), b::port));
            return b.build();
        }

        private AuthorizationConfig authorization(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, AUTHORIZATION_KEYS);
            if (keys == null) {
                return null;
            }
            Map<String, List<String>> roles = new LinkedHashMap<>();
            with(keys, "roles", n -> entries(n, child(path, "roles"), (role, permissions) ->
                    ifSet(strings(permissions, child(child(path, "roles"), role)), list -> roles.put(role, list))));
            Map<String, String> actions = new LinkedHashMap<>(AuthorizationConfig.DEFAULT_ACTIONS);
            with(keys, "actions", n -> entries(n, child(path, "actions"), (method, action) ->
                    ifSet(string(action, child(child(path, "actions"), method)), value -> actions.put(method, value))));
            return new AuthorizationConfig(roles, actions);
        }

        /** {@code {roles: [..] or {anyOf, allOf}, permissions: [..] or {anyOf, allOf}}}; a plain list means anyOf. */
        private AccessConfig access(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, ACCESS_KEYS);
            if (keys == null) {
                return null;
            }
            List<List<String>> roles = anyAll(keys.get("roles"), child(path, "roles"));
            List<List<String>> permissions = anyAll(keys.get("permissions"), child(path, "permissions"));
            return new AccessConfig(roles.get(0), roles.get(1), permissions.get(0), permissions.get(1));
        }

        private List<List<String>> anyAll(JsonNode node, String path) {
            if (node == null) {
                return List.of(List.of(), List.of());
            }
            if (!node.isObject()) {
                List<String> any = strings(node, path);
                return List.of(any == null ? List.of() : any, List.of());
            }
            Map<String, JsonNode> keys = object(node, path, ANY_ALL_KEYS);
            if (keys == null) {
                return List.of(List.of(), List.of());
            }
            List<String> any = optional(keys, path, "anyOf", this::strings);
            List<String> all = optional(keys, path, "allOf", this::strings);
            return List.of(any == null ? List.of() : any, all == null ? List.of() : all);
        }

        /**
         * {@code required}, {@code optional}, {@code off}/{@code false}, or
         * {@code {mode, issuers, queryParameter, apiKeys, apiKeyHeader, forwardToken}}.
         */
        private AuthRouteConfig routeAuth(JsonNode node, String path) {
            if (isOff(node)) {
                return AuthRouteConfig.OFF;
            }
            if (node.isBoolean()) {
                return AuthRouteConfig.REQUIRED;
            }
            if (!node.isObject()) {
                AuthRouteConfig.Mode mode = authMode(node, path);
                return mode == null ? null : new AuthRouteConfig(mode, List.of(), null);
            }
            Map<String, JsonNode> keys = object(node, path, ROUTE_AUTH_KEYS);
            if (keys == null) {
                return null;
            }
            AuthRouteConfig.Mode mode = keys.containsKey("mode") ? authMode(keys.get("mode"), child(path, "mode"))
                    : AuthRouteConfig.Mode.REQUIRED;
            List<String> issuers = optional(keys, path, "issuers", this::strings);
            String query = optional(keys, path, "queryParameter", this::string);
            AuthRouteConfig.ApiKeyMode apiKeys = keys.containsKey("apiKeys") ? apiKeyMode(keys.get("apiKeys"),
                    child(path, "apiKeys")) : AuthRouteConfig.ApiKeyMode.OFF;
            String header = optional(keys, path, "apiKeyHeader", this::string);
            Boolean forwardToken = optional(keys, path, "forwardToken", this::bool);
            return mode == null || apiKeys == null ? null : new AuthRouteConfig(mode,
                    issuers == null ? List.of() : issuers, query, apiKeys,
                    header == null ? AuthRouteConfig.DEFAULT_API_KEY_HEADER : header,
                    forwardToken == null || forwardToken);
        }

        /** {@code off} (or {@code false}), {@code also} or {@code only}. */
        private AuthRouteConfig.ApiKeyMode apiKeyMode(JsonNode node, String path) {
            return isOff(node) ? AuthRouteConfig.ApiKeyMode.OFF
                    : enumValue(node, path, AuthRouteConfig.ApiKeyMode.class);
        }

        private AuthRouteConfig.Mode authMode(JsonNode node, String path) {
            // YAML reads a bare off as false.
            return isOff(node) ? AuthRouteConfig.Mode.OFF : enumValue(node, path, AuthRouteConfig.Mode.class);
        }

        private AuthConfig auth(JsonNode node, String path) {
            AuthConfig.Builder b = AuthConfig.builder();
            Map<String, JsonNode> keys = object(node, path, AUTH_KEYS);
            if (keys == null) {
                return null;
            }
            with(keys, "issuer", n -> ifSet(string(n, child(path, "issuer")), b::issuer));
            with(keys, "audience", n -> ifSet(string(n, child(path, "audience")), b::audience));
            with(keys, "masterKey", n -> {
                String key = optionalString(n, child(path, "masterKey"));
                // ${BULWARK_MASTER_KEY:-} interpolating to nothing means "not configured".
                b.masterKey(key == null || key.isBlank() ? null : key);
            });
            with(keys, "registration", n -> ifSet(enumValue(n, child(path, "registration"),
                    AuthConfig.RegistrationMode.class), b::registration));
            with(keys, "revocationSync", n -> ifSet(duration(n, child(path, "revocationSync")), b::revocationSync));
            with(keys, "tokenCacheSize", n -> ifSet(integer(n, child(path, "tokenCacheSize")),
                    size -> b.tokenCacheSize((long) size)));
            with(keys, "endpoints", n -> {
                String at = child(path, "endpoints");
                Map<String, JsonNode> e = object(n, at, AUTH_ENDPOINTS_KEYS);
                if (e != null) {
                    with(e, "prefix", v -> ifSet(string(v, child(at, "prefix")), b::prefix));
                    with(e, "policies", v -> ifSet(strings(v, child(at, "policies")), b::endpointPolicies));
                }
            });
            with(keys, "accessToken", n -> {
                String at = child(path, "accessToken");
                Map<String, JsonNode> e = object(n, at, ACCESS_TOKEN_KEYS);
                if (e != null) {
                    with(e, "lifetime", v -> ifSet(duration(v, child(at, "lifetime")), b::accessTokenLifetime));
                    with(e, "clockSkew", v -> ifSet(duration(v, child(at, "clockSkew")), b::clockSkew));
                    with(e, "algorithm", v -> ifSet(algorithm(v, child(at, "algorithm")), b::algorithm));
                }
            });
            with(keys, "refreshToken", n -> {
                String at = child(path, "refreshToken");
                Map<String, JsonNode> e = object(n, at, REFRESH_TOKEN_KEYS);
                if (e != null) {
                    with(e, "lifetime", v -> ifSet(duration(v, child(at, "lifetime")), b::refreshTokenLifetime));
                    with(e, "reuseGrace", v -> ifSet(duration(v, child(at, "reuseGrace")), b::reuseGrace));
                }
            });
            with(keys, "sessions", n -> {
                String at = child(path, "sessions");
                Map<String, JsonNode> e = object(n, at, SESSIONS_KEYS);
                if (e != null) {
                    with(e, "maxPerUser", v -> ifSet(integer(v, child(at, "maxPerUser")), b::maxSessionsPerUser));
                    with(e, "idleTimeout", v -> ifSet(duration(v, child(at, "idleTimeout")), b::sessionIdleTimeout));
                    with(e, "binding", v -> ifSet(enumValue(v, child(at, "binding"), AuthConfig.SessionBinding.class),
                            b::sessionBinding));
                }
            });
            with(keys, "password", n -> password(n, child(path, "password"), b));
            with(keys, "lockout", n -> ifSet(lockout(n, child(path, "lockout")), b::lockout));
            with(keys, "cookies", n -> {
                String at = child(path, "cookies");
                Map<String, JsonNode> e = object(n, at, COOKIES_KEYS);
                if (e != null) {
                    AuthConfig.CookieConfig d = AuthConfig.CookieConfig.DEFAULT;
                    Boolean enabled = optional(e, at, "enabled", this::bool);
                    String sameSite = optional(e, at, "sameSite", this::string);
                    List<String> origins = optional(e, at, "trustedOrigins", this::strings);
                    b.cookies(new AuthConfig.CookieConfig(enabled != null ? enabled : true,
                            sameSite == null ? d.sameSite() : capitalize(sameSite),
                            origins == null ? d.trustedOrigins() : origins));
                }
            });
            with(keys, "suspiciousSessions", n -> ifSet(suspiciousSessions(n, child(path, "suspiciousSessions")),
                    b::suspiciousSessions));
            with(keys, "apiKeys", n -> {
                String at = child(path, "apiKeys");
                Map<String, JsonNode> e = object(n, at, API_KEYS_KEYS);
                if (e != null) {
                    Integer limit = optional(e, at, "failureLimit", this::integer);
                    Duration period = optional(e, at, "failurePeriod", this::duration);
                    b.apiKeys(new ApiKeyConfig(limit != null ? limit : ApiKeyConfig.DEFAULT.failureLimit(),
                            period != null ? period : ApiKeyConfig.DEFAULT.failurePeriod()));
                }
            });
            with(keys, "issuers", n -> {
                String at = child(path, "issuers");
                if (!n.isArray()) {
                    problem(at, describe(n) + " is not a list of issuers");
                    return;
                }
                for (int i = 0; i < n.size(); i++) {
                    ifSet(externalIssuer(n.get(i), at + "[" + i + "]"), b::issuer);
                }
            });
            return b.build();
        }

        private static String capitalize(String value) {
            return value.isEmpty() ? value
                    : value.substring(0, 1).toUpperCase(Locale.ROOT) + value.substring(1).toLowerCase(Locale.ROOT);
        }

        private TokenAlgorithm algorithm(JsonNode node, String path) {
            String name = string(node, path);
            if (name == null) {
                return null;
            }
            for (TokenAlgorithm algorithm : TokenAlgorithm.values()) {
                if (algorithm.jws().getName().equalsIgnoreCase(name)) {
                    return algorithm;
                }
            }
            problem(path, quote(name) + " is not a signing algorithm (expected EdDSA, ES256, RS256 or HS256)");
            return null;
        }

        private void password(JsonNode node, String path, AuthConfig.Builder b) {
            Map<String, JsonNode> keys = object(node, path, PASSWORD_KEYS);
            if (keys == null) {
                return;
            }
            PasswordPolicyConfig d = PasswordPolicyConfig.DEFAULTS;
            Integer min = optional(keys, path, "minLength", this::integer);
            Integer max = optional(keys, path, "maxLength", this::integer);
            Boolean classes = optional(keys, path, "requireCharacterClasses", this::bool);
            Integer entropy = optional(keys, path, "minEntropyBits", this::integer);
            try {
                b.password(new PasswordPolicyConfig(min != null ? min : d.minLength(), max != null ? max : d.maxLength(),
                        classes != null ? classes : d.requireCharacterClasses(),
                        entropy != null ? entropy : d.minimumEntropyBits()));
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
            }
            with(keys, "workers", v -> ifSet(integer(v, child(path, "workers")), b::hashWorkers));
            with(keys, "queue", v -> ifSet(integer(v, child(path, "queue")), b::hashQueue));
            with(keys, "nice", v -> ifSet(integer(v, child(path, "nice")), b::hashNice));
            with(keys, "hashing", v -> {
                String at = child(path, "hashing");
                Map<String, JsonNode> h = object(v, at, HASHING_KEYS);
                if (h == null) {
                    return;
                }
                PasswordHashingConfig hd = PasswordHashingConfig.OWASP;
                Long memory = optional(h, at, "memory", this::size);
                Integer iterations = optional(h, at, "iterations", this::integer);
                Integer parallelism = optional(h, at, "parallelism", this::integer);
                Argon2Engine engine = optional(h, at, "engine", (n, p) -> enumValue(n, p, Argon2Engine.class));
                try {
                    b.hashing(new PasswordHashingConfig(memory != null ? (int) Math.min(memory / 1024, Integer.MAX_VALUE)
                            : hd.memoryKib(), iterations != null ? iterations : hd.iterations(),
                            parallelism != null ? parallelism : hd.parallelism(), hd.saltLength(), hd.hashLength(),
                            engine != null ? engine : hd.engine()));
                } catch (IllegalArgumentException e) {
                    problem(at, e.getMessage());
                }
            });
        }

        /**
         * {@code false} (every rule off) or {@code {concurrentIps, ipChanges, scannerAgents}}; a rule left out keeps
         * its default, {@code false} switches it off.
         */
        private SuspiciousSessionConfig suspiciousSessions(JsonNode node, String path) {
            if (isOff(node)) {
                return SuspiciousSessionConfig.OFF;
            }
            Map<String, JsonNode> keys = object(node, path, SUSPICIOUS_SESSIONS_KEYS);
            if (keys == null) {
                return null;
            }
            SuspiciousSessionConfig d = SuspiciousSessionConfig.DEFAULT;
            SuspiciousSessionConfig.AddressRule concurrent = d.concurrentIps();
            SuspiciousSessionConfig.AddressRule changes = d.ipChanges();
            SuspiciousSessionConfig.Action scanners = d.scannerAgents();
            if (keys.containsKey("concurrentIps")) {
                concurrent = addressRule(keys.get("concurrentIps"), child(path, "concurrentIps"), d.concurrentIps());
            }
            if (keys.containsKey("ipChanges")) {
                changes = addressRule(keys.get("ipChanges"), child(path, "ipChanges"), d.ipChanges());
            }
            if (keys.containsKey("scannerAgents")) {
                JsonNode value = keys.get("scannerAgents");
                scanners = isOff(value) ? null
                        : enumValue(value, child(path, "scannerAgents"), SuspiciousSessionConfig.Action.class);
            }
            return new SuspiciousSessionConfig(concurrent, changes, scanners);
        }

        /** {@code false} (off) or {@code {max, window, action}}, each defaulting to {@code defaults}'. */
        private SuspiciousSessionConfig.AddressRule addressRule(JsonNode node, String path,
                                                                SuspiciousSessionConfig.AddressRule defaults) {
            if (isOff(node)) {
                return null;
            }
            Map<String, JsonNode> keys = object(node, path, ADDRESS_RULE_KEYS);
            if (keys == null) {
                return defaults;
            }
            Integer max = optional(keys, path, "max", this::integer);
            Duration window = optional(keys, path, "window", this::duration);
            SuspiciousSessionConfig.Action action = optional(keys, path, "action",
                    (n, at) -> enumValue(n, at, SuspiciousSessionConfig.Action.class));
            return new SuspiciousSessionConfig.AddressRule(max != null ? max : defaults.max(),
                    window != null ? window : defaults.window(), action != null ? action : defaults.action());
        }

        private AuthConfig.LockoutConfig lockout(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, LOCKOUT_KEYS);
            if (keys == null) {
                return null;
            }
            AuthConfig.LockoutConfig d = AuthConfig.LockoutConfig.DEFAULT;
            Integer threshold = optional(keys, path, "threshold", this::integer);
            Integer account = optional(keys, path, "accountThreshold", this::integer);
            Integer ip = optional(keys, path, "ipThreshold", this::integer);
            List<Duration> steps = null;
            if (keys.containsKey("steps")) {
                List<String> texts = strings(keys.get("steps"), child(path, "steps"));
                if (texts != null) {
                    steps = new ArrayList<>();
                    for (int i = 0; i < texts.size(); i++) {
                        Duration step = duration(keys.get("steps").get(i), child(path, "steps") + "[" + i + "]");
                        if (step != null) {
                            steps.add(step);
                        }
                    }
                }
            }
            Duration memory = optional(keys, path, "memory", this::duration);
            return new AuthConfig.LockoutConfig(threshold != null ? threshold : d.threshold(),
                    account != null ? account : d.accountThreshold(), ip != null ? ip : d.ipThreshold(),
                    steps != null ? steps : d.steps(), memory != null ? memory : d.memory());
        }

        private ExternalIssuerConfig externalIssuer(JsonNode node, String path) {
            Map<String, JsonNode> keys = object(node, path, EXTERNAL_ISSUER_KEYS);
            if (keys == null) {
                return null;
            }
            String issuer = optional(keys, path, "issuer", this::string);
            String url = optional(keys, path, "jwksUrl", this::string);
            String jwks = null;
            if (keys.containsKey("jwks")) {
                JsonNode value = keys.get("jwks");
                jwks = value.isObject() ? value.toString() : string(value, child(path, "jwks"));
            }
            String audience = optional(keys, path, "audience", this::string);
            List<String> algorithmNames = optional(keys, path, "algorithms", this::strings);
            Set<TokenAlgorithm> algorithms = null;
            if (algorithmNames != null) {
                algorithms = new LinkedHashSet<>();
                for (int i = 0; i < algorithmNames.size(); i++) {
                    TokenAlgorithm algorithm = algorithm(keys.get("algorithms").get(i),
                            child(path, "algorithms") + "[" + i + "]");
                    if (algorithm != null) {
                        algorithms.add(algorithm);
                    }
                }
            }
            String roles = optional(keys, path, "rolesClaim", this::string);
            String tenant = keys.containsKey("tenantClaim") ? optionalString(keys.get("tenantClaim"),
                    child(path, "tenantClaim")) : ExternalIssuerConfig.DEFAULT_TENANT_CLAIM;
            Duration skew = optional(keys, path, "clockSkew", this::duration);
            Duration refresh = optional(keys, path, "refreshInterval", this::duration);
            Duration refetch = optional(keys, path, "minRefetchInterval", this::duration);
            try {
                return new ExternalIssuerConfig(issuer, url == null ? null : URI.create(url), jwks, audience,
                        algorithms != null ? algorithms : ExternalIssuerConfig.DEFAULT_ALGORITHMS,
                        roles != null ? roles : ExternalIssuerConfig.DEFAULT_ROLES_CLAIM, tenant,
                        skew != null ? skew : ExternalIssuerConfig.DEFAULT_SKEW,
                        refresh != null ? refresh : ExternalIssuerConfig.DEFAULT_REFRESH_INTERVAL,
                        refetch != null ? refetch : ExternalIssuerConfig.DEFAULT_MIN_REFETCH_INTERVAL,
                        ExternalIssuerConfig.DEFAULT_MAX_TOKEN_LENGTH);
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
                return null;
            }
        }

        /** {@code none}, {@code false} or an empty list turn rate limiting off; otherwise tier names. */
        private List<String> rateLimitTierNames(JsonNode node, String path) {
            if (isOff(node) || (node.isTextual() && node.textValue().equals(RateLimitTier.NONE))) {
                return List.of();
            }
            return strings(node, path);
        }

        private RateLimitConfig rateLimitTier(JsonNode node, String path) {
            RateLimitConfig.Builder b = RateLimitConfig.builder();
            Map<String, JsonNode> keys = object(node, path, RATE_LIMIT_TIER_KEYS);
            if (keys != null) {
                with(keys, "limit", n -> ifSet(integer(n, child(path, "limit")), limit -> b.limit((long) limit)));
                with(keys, "period", n -> ifSet(duration(n, child(path, "period")), b::period));
                with(keys, "burst", n -> ifSet(integer(n, child(path, "burst")), burst -> b.burst((long) burst)));
                with(keys, "key", n -> ifSet(strings(n, child(path, "key")), b::key));
                with(keys, "onStoreFailure", n -> ifSet(enumValue(n, child(path, "onStoreFailure"),
                        OnStoreFailure.class), b::onStoreFailure));
            }
            return b.build();
        }

        private RequestIdConfig requestId(JsonNode node, String path) {
            RequestIdConfig.Builder b = RequestIdConfig.builder();
            Map<String, JsonNode> keys = object(node, path, REQUEST_ID_KEYS);
            if (keys != null) {
                with(keys, "header", n -> ifSet(string(n, child(path, "header")), b::header));
                with(keys, "trustIncoming", n -> ifSet(bool(n, child(path, "trustIncoming")), b::trustIncoming));
                with(keys, "maxLength", n -> ifSet(integer(n, child(path, "maxLength")), b::maxLength));
            }
            return b.build();
        }

        private SecurityHeadersConfig headers(JsonNode node, String path) {
            SecurityHeadersConfig.Builder b = SecurityHeadersConfig.builder();
            if (isOff(node)) {
                return b.disableAll().build();
            }
            if (node.isBoolean() && node.booleanValue()) {
                return b.build();
            }
            Map<String, JsonNode> keys = object(node, path, HEADERS_KEYS);
            if (keys == null) {
                return b.build();
            }
            with(keys, "contentSecurityPolicy", n -> b.contentSecurityPolicy(optionalString(n, child(path, "contentSecurityPolicy"))));
            with(keys, "hsts", n -> b.hsts(hsts(n, child(path, "hsts"))));
            with(keys, "frameOptions", n -> b.frameOptions(optionalString(n, child(path, "frameOptions"))));
            with(keys, "noSniff", n -> ifSet(bool(n, child(path, "noSniff")), b::noSniff));
            with(keys, "referrerPolicy", n -> b.referrerPolicy(optionalString(n, child(path, "referrerPolicy"))));
            with(keys, "crossOriginResourcePolicy",
                    n -> b.crossOriginResourcePolicy(optionalString(n, child(path, "crossOriginResourcePolicy"))));
            with(keys, "permissionsPolicy", n -> b.permissionsPolicy(optionalString(n, child(path, "permissionsPolicy"))));
            with(keys, "removeResponseHeaders",
                    n -> ifSet(strings(n, child(path, "removeResponseHeaders")), b::removeResponseHeaders));
            return b.build();
        }

        private SecurityHeadersConfig.Hsts hsts(JsonNode node, String path) {
            SecurityHeadersConfig.Hsts defaults = SecurityHeadersConfig.DEFAULT.hsts();
            if (isOff(node)) {
                return null;
            }
            if (node.isBoolean()) {
                return defaults;
            }
            Map<String, JsonNode> keys = object(node, path, HSTS_KEYS);
            if (keys == null) {
                return defaults;
            }
            Duration maxAge = optional(keys, path, "maxAge", this::duration);
            Boolean sub = optional(keys, path, "includeSubDomains", this::bool);
            Boolean preload = optional(keys, path, "preload", this::bool);
            return new SecurityHeadersConfig.Hsts(
                    maxAge != null ? maxAge : defaults.maxAge(),
                    sub != null ? sub : defaults.includeSubDomains(),
                    preload != null ? preload : defaults.preload());
        }

        private CorsConfig cors(JsonNode node, String path) {
            if (isOff(node)) {
                return CorsConfig.OFF;
            }
            CorsConfig.Builder b = CorsConfig.builder();
            Map<String, JsonNode> keys = object(node, path, CORS_KEYS);
            if (keys != null) {
                with(keys, "allowedOrigins", n -> ifSet(strings(n, child(path, "allowedOrigins")), b::allowedOrigins));
                with(keys, "allowedOriginRegexes",
                        n -> ifSet(strings(n, child(path, "allowedOriginRegexes")), b::allowedOriginRegexes));
                with(keys, "allowCredentials", n -> ifSet(bool(n, child(path, "allowCredentials")), b::allowCredentials));
                with(keys, "allowedMethods", n -> ifSet(strings(n, child(path, "allowedMethods")),
                        methods -> b.allowedMethods(methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList())));
                with(keys, "allowedHeaders", n -> ifSet(strings(n, child(path, "allowedHeaders")), b::allowedHeaders));
                with(keys, "exposedHeaders", n -> ifSet(strings(n, child(path, "exposedHeaders")), b::exposedHeaders));
                with(keys, "maxAge", n -> ifSet(duration(n, child(path, "maxAge")), b::maxAge));
            }
            return b.build();
        }

        private BodyLimitConfig bodyLimit(JsonNode node, String path) {
            BodyLimitConfig.Builder b = BodyLimitConfig.builder();
            if (!node.isObject()) {
                ifSet(size(node, path), b::all);
                return b.build();
            }
            Map<String, JsonNode> keys = object(node, path, BODY_LIMIT_KEYS);
            if (keys != null) {
                with(keys, "json", n -> ifSet(size(n, child(path, "json")), b::json));
                with(keys, "text", n -> ifSet(size(n, child(path, "text")), b::text));
                with(keys, "other", n -> ifSet(size(n, child(path, "other")), b::other));
            }
            return b.build();
        }

        // ---- structure ----

        /**
         * @return the mapping's entries in file order, or {@code null} (with a problem recorded) when the node
         *     is not a mapping; every key outside {@code allowed} is reported
         */
        private Map<String, JsonNode> object(JsonNode node, String path, List<String> allowed) {
            if (!node.isObject()) {
                problem(path, describe(node) + " is not a mapping (expected keys: " + String.join(", ", allowed) + ")");
                return null;
            }
            Map<String, JsonNode> keys = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                if (allowed.contains(entry.getKey())) {
                    keys.put(entry.getKey(), entry.getValue());
                } else {
                    problem(child(path, entry.getKey()), unknownKey(entry.getKey(), allowed));
                }
            }
            return keys;
        }

        private void entries(JsonNode node, String path, BiConsumer<String, JsonNode> each) {
            if (!node.isObject()) {
                problem(path, describe(node) + " is not a mapping of names to settings");
                return;
            }
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                each.accept(entry.getKey(), entry.getValue());
            }
        }

        private static void with(Map<String, JsonNode> keys, String key, Consumer<JsonNode> action) {
            JsonNode node = keys.get(key);
            if (node != null) {
                action.accept(node);
            }
        }

        /** @return {@code keys[key]} read by {@code reader} at {@code path.key}; {@code null} when the key is absent */
        private static <T> T optional(Map<String, JsonNode> keys, String path, String key,
                                      BiFunction<JsonNode, String, T> reader) {
            JsonNode node = keys.get(key);
            return node == null ? null : reader.apply(node, child(path, key));
        }

        private static <T> void ifSet(T value, Consumer<T> action) {
            if (value != null) {
                action.accept(value);
            }
        }

        // ---- scalars; each returns null after recording a problem ----

        private Scalar scalar(JsonNode node, String path) {
            if (node == null || node.isNull()) {
                problem(path, "null is not allowed here (expected a value)");
                return null;
            }
            if (!node.isValueNode()) {
                problem(path, describe(node) + " is not a single value");
                return null;
            }
            return node.isTextual() ? interpolate(node.textValue(), path) : new Scalar(node.asText(), false);
        }

        private String string(JsonNode node, String path) {
            Scalar scalar = scalar(node, path);
            return scalar == null ? null : scalar.value();
        }

        /** A header value where {@code null} or {@code false} means "do not send it". */
        private String optionalString(JsonNode node, String path) {
            return isOff(node) ? null : string(node, path);
        }

        private Integer integer(JsonNode node, String path) {
            Scalar scalar = scalar(node, path);
            if (scalar == null) {
                return null;
            }
            String text = scalar.value().trim();
            if (INTEGER.matcher(text).matches()) {
                long value = Long.parseLong(text);
                if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                    return (int) value;
                }
            }
            problem(path, scalar.shown() + " is not an integer");
            return null;
        }

        /** A percentage written as {@code 50} or {@code "50%"}; its range is the compiler's to check. */
        private Integer percent(JsonNode node, String path) {
            Scalar scalar = scalar(node, path);
            if (scalar == null) {
                return null;
            }
            String text = scalar.value().trim();
            if (text.endsWith("%")) {
                text = text.substring(0, text.length() - 1).trim();
            }
            if (INTEGER.matcher(text).matches()) {
                long value = Long.parseLong(text);
                if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                    return (int) value;
                }
            }
            problem(path, scalar.shown() + " is not a percentage (expected e.g. 50 or 50%)");
            return null;
        }

        private Boolean bool(JsonNode node, String path) {
            Scalar scalar = scalar(node, path);
            if (scalar == null) {
                return null;
            }
            return switch (scalar.value().trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> {
                    problem(path, scalar.shown() + " is not a boolean (expected true or false)");
                    yield null;
                }
            };
        }

        private Duration duration(JsonNode node, String path) {
            Scalar scalar = scalar(node, path);
            if (scalar == null) {
                return null;
            }
            String text = scalar.value().trim();
            Matcher m = DURATION.matcher(text);
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
                try {
                    return switch (unit) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    };
                } catch (ArithmeticException e) {
                    problem(path, scalar.shown() + " is too long a duration");
                    return null;
                }
            }
            if (text.regionMatches(true, 0, "PT", 0, 2) || text.regionMatches(true, 0, "P", 0, 1)) {
                try {
                    Duration parsed = Duration.parse(text);
                    if (!parsed.isNegative()) {
                        return parsed;
                    }
                } catch (DateTimeParseException ignored) {
                    // falls through to the common message
                }
            }
            problem(path, scalar.shown() + " is not a duration (expected e.g. 500ms, 30s, 2m, 1h, 1d; a plain number is seconds)");
            return null;
        }

        private Long size(JsonNode node, String path) {
            Scalar scalar = scalar(node, path);
            if (scalar == null) {
                return null;
            }
            Matcher m = SIZE.matcher(scalar.value().trim());
            if (!m.matches()) {
                problem(path, scalar.shown() + " is not a size (expected bytes or e.g. 512KB, 5MB, 1GB; 1KB = 1024 bytes)");
                return null;
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            long factor = switch (unit.charAt(0)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024L;
                case 'g' -> 1024L * 1024L * 1024L;
                default -> 1L;
            };
            try {
                return Math.multiplyExact(amount, factor);
            } catch (ArithmeticException e) {
                problem(path, scalar.shown() + " is too large a size");
                return null;
            }
        }

        /** A list of scalars; a single scalar is accepted as a list of one. */
        private List<String> strings(JsonNode node, String path) {
            if (node.isValueNode() && !node.isNull()) {
                String one = string(node, path);
                return one == null ? null : List.of(one);
            }
            if (!node.isArray()) {
                problem(path, describe(node) + " is not a list");
                return null;
            }
            List<String> values = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < node.size(); i++) {
                String value = string(node.get(i), path + "[" + i + "]");
                ok &= value != null;
                values.add(value);
            }
            return ok ? values : null;
        }

        private Path file(JsonNode node, String path) {
            if (node == null) {
                return null;
            }
            String name = string(node, path);
            if (name == null) {
                return null;
            }
            return resolve(name);
        }

        /** Relative paths are taken from the configuration file's folder. */
        private Path resolve(String name) {
            Path file = Path.of(name);
            return baseDir == null || file.isAbsolute() ? file : baseDir.resolve(file);
        }

        // ---- interpolation ----

        private Scalar interpolate(String text, String path) {
            if (text.indexOf('$') < 0) {
                return new Scalar(text, false);
            }
            StringBuilder out = new StringBuilder(text.length());
            boolean secret = false;
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (text.startsWith("$${", i)) {
                    out.append("${");
                    i += 3;
                } else if (text.startsWith("${", i)) {
                    int close = text.indexOf('}', i + 2);
                    if (close < 0) {
                        problem(path, "unterminated ${ in " + quote(text) + " (expected ${NAME}, ${NAME:-default} or ${file:/path})");
                        return null;
                    }
                    String expression = text.substring(i + 2, close);
                    String value;
                    if (expression.startsWith("file:")) {
                        value = readSecret(expression.substring("file:".length()), path);
                        secret = true;
                    } else {
                        value = variable(expression, path);
                    }
                    if (value == null) {
                        return null;
                    }
                    out.append(value);
                    i = close + 1;
                } else {
                    out.append(c);
                    i++;
                }
            }
            return new Scalar(out.toString(), secret);
        }

        private String variable(String expression, String path) {
            int dash = expression.indexOf(":-");
            String name = dash < 0 ? expression : expression.substring(0, dash);
            if (!VARIABLE.matcher(name).matches()) {
                problem(path, quote("${" + expression + "}") + " is not a valid reference (expected ${NAME}, ${NAME:-default} or ${file:/path})");
                return null;
            }
            String value = env.apply(name);
            if (dash >= 0 && (value == null || value.isEmpty())) {
                return expression.substring(dash + 2);
            }
            if (value == null) {
                problem(path, "environment variable " + name + " is not set (write ${" + name + ":-default} to give a default)");
            }
            return value;
        }

        private String readSecret(String name, String path) {
            Path file = resolve(name);
            try {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                int end = content.length();
                while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
                    end--;
                }
                return content.substring(0, end);
            } catch (IOException e) {
                problem(path, "cannot read secret file " + quote(file.toString()) + " (" + e.getClass().getSimpleName() + ")");
                return null;
            }
        }

        // ---- messages ----

        private void problem(String path, String message) {
            problems.add(new ConfigProblem(path, message));
        }

        private static boolean isOff(JsonNode node) {
            return node.isNull() || (node.isBoolean() && !node.booleanValue());
        }

        private static String child(String path, String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private static String describe(JsonNode node) {
            if (node.isNull()) {
                return "null";
            }
            if (node.isArray()) {
                return "a list";
            }
            if (node.isObject()) {
                return "a mapping";
            }
            return node.isTextual() ? quote(node.textValue()) : node.asText();
        }

        private static String unknownKey(String key, List<String> allowed) {
            for (String candidate : allowed) {
                int tolerance = candidate.length() >= 4 ? 2 : 1;
                if (distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT)) <= tolerance) {
                    return "unknown key; did you mean " + quote(candidate) + "?";
                }
            }
            return "unknown key (expected one of: " + String.join(", ", allowed) + ")";
        }

        /** Levenshtein distance, for typo suggestions on short keys. */
        private static int distance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }

    private static String quote(String value) {
        return ConfigProblem.quote(value);
    }
}
