package dev.bulwark.core.auth;

import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.core.auth.apikey.ApiKeyConfig;
import dev.bulwark.core.auth.external.ExternalIssuerConfig;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.password.PasswordPolicyConfig;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The top-level {@code auth} section: how Bulwark logs users in, issues and checks tokens, keeps sessions and
 * locks out password guessing. Routes opt in with {@link AuthRouteConfig}.
 *
 * <p>Built with {@link #builder()}, whose defaults are the documented ones. Values are checked by
 * {@link #problems()} (called by the route compiler), so a file and a Java caller get the same messages.
 *
 * @param issuer                 the {@code iss} of Bulwark's tokens
 * @param audience               the {@code aud} of Bulwark's tokens
 * @param prefix                 where the endpoints live, e.g. {@code /auth}
 * @param endpointPolicies       named policies applied to the endpoints (rate limits, body limits, CORS)
 * @param registration           who may call {@code POST /auth/register}
 * @param algorithm              what signs access tokens
 * @param accessTokenLifetime    from issue to expiry
 * @param clockSkew              tolerance between nodes' clocks
 * @param refreshTokenLifetime   a session's absolute lifetime
 * @param reuseGrace             how long a rotated refresh token still gets the same successor
 * @param maxSessionsPerUser     live sessions per user; the oldest is ended beyond it
 * @param sessionIdleTimeout     a session unused this long ends
 * @param sessionBinding         what a refresh from another IP or browser family does
 * @param password               what new passwords must satisfy
 * @param hashing                Argon2id parameters
 * @param hashWorkers            threads hashing passwords
 * @param hashQueue              logins waiting for a hashing thread before new ones get 503
 * @param hashNice               nice value of the hashing threads on Linux (0 to 19; 0 keeps the process's)
 * @param lockout                progressive lockout on credential failures
 * @param cookies                cookie mode and CSRF
 * @param masterKey              base64 of 32 bytes encrypting signing keys at rest; {@code null} lets development
 *                               mode generate one
 * @param revocationSync         how often a node reads revocations other nodes wrote
 * @param tokenCacheSize         verified tokens remembered per node
 * @param issuers                external issuers whose tokens routes may also accept
 * @param apiKeys                how many refused API keys a client address may present
 * @param suspiciousSessions     signs that a session is used by someone else, and what each does
 */
public record AuthConfig(String issuer, String audience, String prefix, List<String> endpointPolicies,
                         RegistrationMode registration, TokenAlgorithm algorithm, Duration accessTokenLifetime,
                         Duration clockSkew, Duration refreshTokenLifetime, Duration reuseGrace,
                         int maxSessionsPerUser, Duration sessionIdleTimeout, SessionBinding sessionBinding,
                         PasswordPolicyConfig password, PasswordHashingConfig hashing, int hashWorkers,
                         int hashQueue, int hashNice, LockoutConfig lockout, CookieConfig cookies, String masterKey,
                         Duration revocationSync, long tokenCacheSize, List<ExternalIssuerConfig> issuers,
                         ApiKeyConfig apiKeys, SuspiciousSessionConfig suspiciousSessions) {

    /** Who may register. */
    public enum RegistrationMode {
        /** Anyone may create an account. */
        OPEN,
        /** Only an authenticated admin may create accounts through the endpoint. */
        ADMIN,
        /** The endpoint answers 403; accounts come from the CLI or the admin API. */
        OFF
    }

    /** What happens when a session's refresh comes from another IP address or browser family. */
    public enum SessionBinding {
        /** Nothing. */
        OFF,
        /** A security event, and the refresh proceeds. */
        LOG,
        /** The session is ended and the refresh refused. */
        DENY
    }

    /**
     * Progressive lockout thresholds: failures before a lock, per (account, IP) pair, per account and per IP.
     *
     * @param threshold        failures of one (account, IP) pair before it locks
     * @param accountThreshold failures of one account from anywhere before it locks (higher, so one attacker
     *                         cannot lock a victim out cheaply)
     * @param ipThreshold      failures from one IP across accounts before it locks (credential stuffing)
     * @param steps            lock durations, one per consecutive lock, the last repeating
     * @param memory           how long a quiet key's count is kept
     */
    public record LockoutConfig(int threshold, int accountThreshold, int ipThreshold, List<Duration> steps,
                                Duration memory) {

        /** 5 per pair, 20 per account, 50 per IP; 10m, 25m, 45m, 1h, 6h; forgotten after a quiet day. */
        public static final LockoutConfig DEFAULT = new LockoutConfig(5, 20, 50, LockoutPolicy.DEFAULT.steps(),
                LockoutPolicy.DEFAULT.memory());

        public LockoutConfig {
            steps = List.copyOf(steps);
        }

        /** @return the policy for one of the three kinds of key */
        public LockoutPolicy policy(int keyThreshold) {
            return new LockoutPolicy(keyThreshold, steps, memory);
        }
    }

    /**
     * Cookie mode: tokens in {@code __Host-} cookies instead of the response body, for browsers.
     *
     * @param enabled        whether login may ask for cookies and routes accept the access cookie
     * @param sameSite       {@code Strict} or {@code Lax}
     * @param trustedOrigins origins besides the request's own that may send cookie-authenticated unsafe requests
     */
    public record CookieConfig(boolean enabled, String sameSite, List<String> trustedOrigins) {

        /** Off; {@code SameSite=Strict} when switched on. */
        public static final CookieConfig DEFAULT = new CookieConfig(false, "Strict", List.of());

        public CookieConfig {
            trustedOrigins = List.copyOf(trustedOrigins);
        }
    }

    public AuthConfig {
        endpointPolicies = List.copyOf(endpointPolicies);
        issuers = List.copyOf(issuers);
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(suspiciousSessions, "suspiciousSessions");
    }

    /** @return a builder holding every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return this configuration trusting no external issuer (for tools that never verify tokens) */
    public AuthConfig withoutExternalIssuers() {
        return new AuthConfig(issuer, audience, prefix, endpointPolicies, registration, algorithm, accessTokenLifetime,
                clockSkew, refreshTokenLifetime, reuseGrace, maxSessionsPerUser, sessionIdleTimeout, sessionBinding,
                password, hashing, hashWorkers, hashQueue, hashNice, lockout, cookies, masterKey, revocationSync,
                tokenCacheSize, List.of(), apiKeys, suspiciousSessions);
    }

    /** @return what Bulwark's own access tokens say and how strictly they are checked */
    public TokenConfig tokenConfig() {
        return new TokenConfig(issuer, audience, accessTokenLifetime, clockSkew, TokenConfig.DEFAULT_MAX_TOKEN_LENGTH);
    }

    /**
     * Checks every value.
     *
     * @return problems as {@code key: message} pairs relative to the section, empty when valid
     */
    public List<String[]> problems() {
        List<String[]> problems = new ArrayList<>();
        check(problems, "issuer", issuer != null && !issuer.isBlank(), "is required");
        check(problems, "audience", audience != null && !audience.isBlank(), "is required");
        check(problems, "endpoints.prefix", prefix != null && prefix.matches("(/[A-Za-z0-9._~-]+)+"),
                quote(prefix) + " is not a path prefix (expected e.g. /auth)");
        if (issuer != null && !issuer.isBlank()) {
            for (int i = 0; i < issuers.size(); i++) {
                if (issuer.equals(issuers.get(i).issuer())) {
                    problems.add(new String[] {"issuers[" + i + "].issuer",
                            quote(issuer) + " is Bulwark's own issuer"});
                }
            }
        }
        range(problems, "accessToken.lifetime", accessTokenLifetime, Duration.ofSeconds(10), Duration.ofDays(1));
        range(problems, "accessToken.clockSkew", clockSkew, Duration.ZERO, Duration.ofMinutes(5));
        range(problems, "refreshToken.lifetime", refreshTokenLifetime, Duration.ofMinutes(5), Duration.ofDays(400));
        range(problems, "refreshToken.reuseGrace", reuseGrace, Duration.ZERO, Duration.ofMinutes(5));
        range(problems, "sessions.idleTimeout", sessionIdleTimeout, Duration.ofMinutes(1), Duration.ofDays(400));
        check(problems, "sessions.maxPerUser", maxSessionsPerUser >= 1 && maxSessionsPerUser <= 1000,
                maxSessionsPerUser + " must be 1 to 1000");
        check(problems, "password.workers", hashWorkers >= 1 && hashWorkers <= 256, hashWorkers + " must be 1 to 256");
        check(problems, "password.queue", hashQueue >= 1 && hashQueue <= 100_000, hashQueue + " must be 1 to 100000");
        check(problems, "password.nice", hashNice >= 0 && hashNice <= 19, hashNice + " must be 0 to 19");
        check(problems, "lockout.threshold", lockout.threshold() >= 1, lockout.threshold() + " must be positive");
        check(problems, "lockout.accountThreshold", lockout.accountThreshold() >= 1,
                lockout.accountThreshold() + " must be positive");
        check(problems, "lockout.ipThreshold", lockout.ipThreshold() >= 1, lockout.ipThreshold() + " must be positive");
        check(problems, "lockout.steps", !lockout.steps().isEmpty()
                && lockout.steps().stream().allMatch(step -> step != null && step.isPositive()),
                "must be a non-empty list of positive durations");
        check(problems, "lockout.memory", lockout.memory() != null && lockout.memory().isPositive(), "must be positive");
        check(problems, "cookies.sameSite", cookies.sameSite().equals("Strict") || cookies.sameSite().equals("Lax"),
                quote(cookies.sameSite()) + " is not strict or lax (None would send cookies cross-site)");
        range(problems, "revocationSync", revocationSync, Duration.ofMillis(50), Duration.ofMinutes(1));
        check(problems, "tokenCacheSize", tokenCacheSize >= 1, tokenCacheSize + " must be positive");
        for (String[] problem : suspiciousSessions.problems()) {
            problems.add(new String[] {"suspiciousSessions." + problem[0], problem[1]});
        }
        for (String[] problem : apiKeys.problems()) {
            problems.add(new String[] {"apiKeys." + problem[0], problem[1]});
        }
        return problems;
    }

    private static void range(List<String[]> problems, String key, Duration value, Duration min, Duration max) {
        check(problems, key, value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
                (value == null ? "null" : value.toString().substring(2).toLowerCase()) + " must be "
                        + show(min) + " to " + show(max));
    }

    private static String show(Duration duration) {
        return duration.isZero() ? "0" : duration.toString().substring(2).toLowerCase();
    }

    private static void check(List<String[]> problems, String key, boolean ok, String message) {
        if (!ok) {
            problems.add(new String[] {key, message});
        }
    }

    private static String quote(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    /** Collects settings; every field starts at its default. Not thread-safe. */
    public static final class Builder {
        private String issuer = "bulwark";
        private String audience = "bulwark";
        private String prefix = "/auth";
        private List<String> endpointPolicies = List.of();
        private RegistrationMode registration = RegistrationMode.OFF;
        private TokenAlgorithm algorithm = TokenAlgorithm.EDDSA;
        private Duration accessTokenLifetime = TokenConfig.DEFAULT_LIFETIME;
        private Duration clockSkew = TokenConfig.DEFAULT_SKEW;
        private Duration refreshTokenLifetime = Duration.ofDays(7);
        private Duration reuseGrace = Duration.ofSeconds(10);
        private int maxSessionsPerUser = 5;
        private Duration sessionIdleTimeout = Duration.ofDays(3);
        private SessionBinding sessionBinding = SessionBinding.OFF;
        private PasswordPolicyConfig password = PasswordPolicyConfig.DEFAULTS;
        private PasswordHashingConfig hashing = PasswordHashingConfig.OWASP;
        private int hashWorkers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int hashQueue = 64;
        private int hashNice = 19;
        private LockoutConfig lockout = LockoutConfig.DEFAULT;
        private CookieConfig cookies = CookieConfig.DEFAULT;
        private String masterKey;
        private Duration revocationSync = Duration.ofSeconds(1);
        private long tokenCacheSize = 100_000;
        private final List<ExternalIssuerConfig> issuers = new ArrayList<>();
        private ApiKeyConfig apiKeys = ApiKeyConfig.DEFAULT;
        private SuspiciousSessionConfig suspiciousSessions = SuspiciousSessionConfig.DEFAULT;

        private Builder() {
        }

        public Builder issuer(String issuer) { this.issuer = issuer; return this; }

        public Builder audience(String audience) { this.audience = audience; return this; }

        public Builder prefix(String prefix) { this.prefix = prefix; return this; }

        public Builder endpointPolicies(List<String> names) { this.endpointPolicies = List.copyOf(names); return this; }

        public Builder registration(RegistrationMode mode) { this.registration = Objects.requireNonNull(mode); return this; }

        public Builder algorithm(TokenAlgorithm algorithm) { this.algorithm = Objects.requireNonNull(algorithm); return this; }

        public Builder accessTokenLifetime(Duration lifetime) { this.accessTokenLifetime = lifetime; return this; }

        public Builder clockSkew(Duration skew) { this.clockSkew = skew; return this; }

        public Builder refreshTokenLifetime(Duration lifetime) { this.refreshTokenLifetime = lifetime; return this; }

        public Builder reuseGrace(Duration grace) { this.reuseGrace = grace; return this; }

        public Builder maxSessionsPerUser(int max) { this.maxSessionsPerUser = max; return this; }

        public Builder sessionIdleTimeout(Duration timeout) { this.sessionIdleTimeout = timeout; return this; }

        public Builder sessionBinding(SessionBinding binding) { this.sessionBinding = Objects.requireNonNull(binding); return this; }

        public Builder password(PasswordPolicyConfig policy) { this.password = Objects.requireNonNull(policy); return this; }

        public Builder hashing(PasswordHashingConfig hashing) { this.hashing = Objects.requireNonNull(hashing); return this; }

        public Builder hashWorkers(int threads) { this.hashWorkers = threads; return this; }

        public Builder hashQueue(int capacity) { this.hashQueue = capacity; return this; }

        /** 0 keeps the process's priority; 19, the default, yields the CPU to proxying whenever it has work. */
        public Builder hashNice(int nice) { this.hashNice = nice; return this; }

        public Builder lockout(LockoutConfig lockout) { this.lockout = Objects.requireNonNull(lockout); return this; }

        public Builder cookies(CookieConfig cookies) { this.cookies = Objects.requireNonNull(cookies); return this; }

        public Builder masterKey(String base64) { this.masterKey = base64; return this; }

        public Builder revocationSync(Duration interval) { this.revocationSync = interval; return this; }

        public Builder tokenCacheSize(long entries) { this.tokenCacheSize = entries; return this; }

        public Builder issuer(ExternalIssuerConfig external) { this.issuers.add(Objects.requireNonNull(external)); return this; }

        public Builder apiKeys(ApiKeyConfig apiKeys) { this.apiKeys = Objects.requireNonNull(apiKeys); return this; }
        public Builder suspiciousSessions(SuspiciousSessionConfig suspiciousSessions) {
            this.suspiciousSessions = Objects.requireNonNull(suspiciousSessions);
            return this;
        }

        public AuthConfig build() {
            return new AuthConfig(issuer, audience, prefix, endpointPolicies, registration, algorithm,
                    accessTokenLifetime, clockSkew, refreshTokenLifetime, reuseGrace, maxSessionsPerUser,
                    sessionIdleTimeout, sessionBinding, password, hashing, hashWorkers, hashQueue, hashNice, lockout,
                    cookies, masterKey, revocationSync, tokenCacheSize, issuers, apiKeys, suspiciousSessions);
        }
    }
}
