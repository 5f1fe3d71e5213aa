package dev.bulwark.core.auth.external;

import dev.bulwark.core.auth.token.JwsProviders;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How tokens from one external issuer (an OIDC provider such as Keycloak, Auth0 or Okta) are trusted: who issues
 * them, where its keys are, for whom they must be meant, and where roles and tenant are found in them.
 *
 * <p>Exactly one of {@code jwksUrl} (keys fetched over HTTP and refreshed) and {@code jwks} (a fixed JWK set in
 * the configuration) is given. Build with {@link #fromUrl} or {@link #fromJwks} and adjust with the
 * {@code with*} methods; the canonical constructor takes every value explicitly. The constructor throws
 * {@link IllegalArgumentException} with a lowercase message naming the bad value (a static {@code jwks} is never
 * echoed, since it may hold an HMAC secret). Immutable.
 *
 * @param issuer             the exact {@code iss} the issuer writes, e.g. {@code https://idp.example/realms/shop}
 * @param jwksUrl            where the issuer publishes its JWK set ({@code http} or {@code https}, no credentials
 *                           in the URL), or {@code null} when {@code jwks} is given
 * @param jwks               a JWK set as JSON, or {@code null} when {@code jwksUrl} is given
 * @param audience           the {@code aud} a token must contain (a client id or API identifier)
 * @param algorithms         the algorithms accepted, each key being pinned to exactly one of them;
 *                           {@link TokenAlgorithm#HS256} only with a static {@code jwks} (an HMAC secret is never
 *                           fetched)
 * @param rolesClaim         where roles are: a claim name, or a path through nested objects with dots
 *                           ({@code realm_access.roles} for Keycloak); a claim whose full name contains dots (Auth0's
 *                           {@code https://example.com/roles}) is found under that full name first
 * @param tenantClaim        where the tenant is (same syntax as {@code rolesClaim}), or {@code null} for none
 * @param clockSkew          tolerance for {@code exp}, {@code nbf} and {@code iat}: 0 to 5 minutes
 * @param refreshInterval    how often the keys at {@code jwksUrl} are fetched again when the response has no
 *                           {@code Cache-Control: max-age}: 1 minute to 24 hours
 * @param minRefetchInterval least time between two fetches caused by a token with an unknown {@code kid}, so
 *                           garbage tokens cannot hammer the issuer: 1 second to 1 hour
 * @param maxTokenLength     longest token (in characters) even looked at: 512 to 65536
 */
public record ExternalIssuerConfig(String issuer, URI jwksUrl, String jwks, String audience,
                                   Set<TokenAlgorithm> algorithms, String rolesClaim, String tenantClaim,
                                   Duration clockSkew, Duration refreshInterval, Duration minRefetchInterval,
                                   int maxTokenLength) {

    /** RS256 is what every OIDC provider signs with by default. */
    public static final Set<TokenAlgorithm> DEFAULT_ALGORITHMS = Set.of(TokenAlgorithm.RS256);
    /** The claim Bulwark itself writes roles to. */
    public static final String DEFAULT_ROLES_CLAIM = "roles";
    /** The claim Bulwark itself writes the tenant to. */
    public static final String DEFAULT_TENANT_CLAIM = "tenant";
    /** As for Bulwark's own tokens. */
    public static final Duration DEFAULT_SKEW = TokenConfig.DEFAULT_SKEW;
    /** Short enough that a key the issuer withdraws stops verifying soon, long enough to cost nothing. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(10);
    /** At most two fetches a minute however many tokens with unknown key ids arrive. */
    public static final Duration DEFAULT_MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** As for Bulwark's own tokens: stays below common header size limits. */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = TokenConfig.DEFAULT_MAX_TOKEN_LENGTH;

    public ExternalIssuerConfig {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("external issuer must not be blank: " + issuer);
        }
        if ((jwksUrl == null) == (jwks == null)) {
            throw new IllegalArgumentException(
                    "external issuer needs exactly one of jwks url and jwks: " + issuer);
        }
        if (jwksUrl != null) {
            checkUrl(jwksUrl);
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("external issuer audience must not be blank: " + audience);
        }
        Objects.requireNonNull(algorithms, "algorithms");
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("external issuer algorithms must not be empty: " + issuer);
        }
        algorithms = Collections.unmodifiableSet(EnumSet.copyOf(algorithms));
        if (jwksUrl != null && algorithms.contains(TokenAlgorithm.HS256)) {
            throw new IllegalArgumentException("hs256 needs a static jwks, never a jwks url: " + jwksUrl);
        }
        checkClaimPath("roles claim", rolesClaim);
        if (tenantClaim != null) {
            checkClaimPath("tenant claim", tenantClaim);
        }
        within("external issuer clock skew", clockSkew, Duration.ZERO, Duration.ofMinutes(5), "0 to 5m");
        within("jwks refresh interval", refreshInterval, Duration.ofMinutes(1), Duration.ofHours(24), "1m to 24h");
        within("jwks min refetch interval", minRefetchInterval, Duration.ofSeconds(1), Duration.ofHours(1),
                "1s to 1h");
        if (maxTokenLength < 512 || maxTokenLength > 64 * 1024) {
            throw new IllegalArgumentException("max token length must be 512 to 65536: " + maxTokenLength);
        }
        if (jwks != null) {
            checkStaticJwks(issuer, jwks, algorithms);
        }
    }

    /** @return a config for keys published at {@code jwksUrl}, with every other value at its default */
    public static ExternalIssuerConfig fromUrl(String issuer, URI jwksUrl, String audience) {
        return new ExternalIssuerConfig(issuer, Objects.requireNonNull(jwksUrl, "jwksUrl"), null, audience,
                DEFAULT_ALGORITHMS, DEFAULT_ROLES_CLAIM, DEFAULT_TENANT_CLAIM, DEFAULT_SKEW, DEFAULT_REFRESH_INTERVAL,
                DEFAULT_MIN_REFETCH_INTERVAL, DEFAULT_MAX_TOKEN_LENGTH);
    }

    /** @return a config for the fixed JWK set {@code jwks} (JSON) of RS256 keys, every other value at its default */
    public static ExternalIssuerConfig fromJwks(String issuer, String jwks, String audience) {
        return fromJwks(issuer, jwks, audience, DEFAULT_ALGORITHMS);
    }

    /**
     * @return a config for the fixed JWK set {@code jwks} (JSON) accepting {@code algorithms} (which the set must
     * have a key for), every other value at its default
     */
    public static ExternalIssuerConfig fromJwks(String issuer, String jwks, String audience,
                                                Set<TokenAlgorithm> algorithms) {
        return new ExternalIssuerConfig(issuer, null, Objects.requireNonNull(jwks, "jwks"), audience,
                algorithms, DEFAULT_ROLES_CLAIM, DEFAULT_TENANT_CLAIM, DEFAULT_SKEW, DEFAULT_REFRESH_INTERVAL,
                DEFAULT_MIN_REFETCH_INTERVAL, DEFAULT_MAX_TOKEN_LENGTH);
    }

    /** @return this config accepting {@code algorithms} */
    public ExternalIssuerConfig withAlgorithms(Set<TokenAlgorithm> algorithms) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    /** @return this config reading roles from {@code rolesClaim} */
    public ExternalIssuerConfig withRolesClaim(String rolesClaim) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    /** @return this config reading the tenant from {@code tenantClaim} ({@code null}: tokens carry no tenant) */
    public ExternalIssuerConfig withTenantClaim(String tenantClaim) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    /** @return this config with {@code clockSkew} */
    public ExternalIssuerConfig withClockSkew(Duration clockSkew) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    /** @return this config with {@code refreshInterval} */
    public ExternalIssuerConfig withRefreshInterval(Duration refreshInterval) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    /** @return this config with {@code minRefetchInterval} */
    public ExternalIssuerConfig withMinRefetchInterval(Duration minRefetchInterval) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    /** @return this config with {@code maxTokenLength} */
    public ExternalIssuerConfig withMaxTokenLength(int maxTokenLength) {
        return new ExternalIssuerConfig(issuer, jwksUrl, jwks, audience, algorithms, rolesClaim, tenantClaim,
                clockSkew, refreshInterval, minRefetchInterval, maxTokenLength);
    }

    @Override
    public String toString() {
        // Never prints a static jwks: it may hold an HMAC secret.
        return "ExternalIssuerConfig[issuer=" + issuer + ", jwksUrl=" + jwksUrl + ", jwks="
                + (jwks == null ? null : "(static)") + ", audience=" + audience + ", algorithms=" + algorithms
                + ", rolesClaim=" + rolesClaim + ", tenantClaim=" + tenantClaim + ", clockSkew=" + clockSkew
                + ", refreshInterval=" + refreshInterval + ", minRefetchInterval=" + minRefetchInterval
                + ", maxTokenLength=" + maxTokenLength + "]";
    }

    private static void checkUrl(URI url) {
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || url.isOpaque() || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new IllegalArgumentException("jwks url must be an http or https url: " + url);
        }
        if (url.getRawUserInfo() != null) {
            // Do not echo the url: the user info is a credential.
            throw new IllegalArgumentException("jwks url must not carry credentials: " + scheme + "://"
                    + url.getHost());
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("jwks url must have a host: " + url);
        }
        if (url.getRawFragment() != null) {
            throw new IllegalArgumentException("jwks url must not have a fragment: " + url);
        }
    }

    private static void checkClaimPath(String what, String path) {
        if (path == null || path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")
                || !path.strip().equals(path)) {
            throw new IllegalArgumentException(what + " must be a claim name or a dotted claim path: " + path);
        }
    }

    private static void within(String what, Duration value, Duration min, Duration max, String range) {
        Objects.requireNonNull(value, what);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be " + range + ": " + value);
        }
    }

    private static void checkStaticJwks(String issuer, String jwks, Set<TokenAlgorithm> algorithms) {
        JwksKeys keys = JwksKeys.parse(jwks, algorithms, true, JwsProviders.FASTEST);
        if (keys == null) {
            throw new IllegalArgumentException("jwks of external issuer is not a valid jwk set: " + issuer);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("jwks of external issuer has no usable signing key for "
                    + algorithms + ": " + issuer);
        }
    }
}
