package dev.bulwark.core.auth.external;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.core.auth.token.AccessToken;
import dev.bulwark.core.auth.token.ParsedJws;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.core.auth.token.TokenVerifier;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies access tokens from one external issuer (an OIDC provider) against that issuer's keys, with the same
 * protections as Bulwark's own {@link dev.bulwark.core.auth.token.AccessTokenVerifier}.
 *
 * <p>In order: the size limit (before any parsing); three base64url parts and nothing else; a header of only
 * {@code alg}, {@code kid} and {@code typ} ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}, {@code crit} and
 * everything else refused: nothing is fetched or trusted from a token); {@code typ}, when present, {@code JWT},
 * {@code at+jwt} or {@code application/at+jwt}; {@code kid} looked up in the {@link JwksSource} cache only (a token
 * without kid only when the issuer has exactly one key); the header's {@code alg} equal to the algorithm pinned
 * to that key; the signature; then {@code iss} (exact), {@code aud} (must contain the configured audience),
 * no payload {@code typ} that Keycloak gives its ID, refresh, offline or logout tokens ({@code ID},
 * {@code Refresh}, {@code Offline}, {@code Logout}: an ID token for a client whose id is the audience must not pass
 * as an access token), {@code exp} (required), {@code nbf} and {@code iat} with the configured skew, and
 * {@code sub} (required).
 *
 * <p><b>Unknown kid.</b> {@link #verify} never waits on the network: a token whose kid is not cached is refused
 * with {@link TokenFailure#UNKNOWN_KEY} at once, and, if its unverified {@code iss} names this issuer, asks the
 * source for a rate-limited background refetch, so a retry shortly after verifies once the issuer's new key has
 * arrived. Keys are normally picked up ahead of use by the scheduled refresh, so this only happens when a provider
 * signs with a key it published moments before.
 *
 * <p><b>Claims mapped.</b> {@code iat} when present, else {@code nbf} (the earliest time the issuer vouches for;
 * never a guess, so logout-all comparisons stay conservative), else the token is refused
 * ({@link TokenFailure#MISSING_CLAIM}). {@code sid} and {@code jti} are optional and {@code null} when absent.
 * Roles are read from {@link ExternalIssuerConfig#rolesClaim()}: an array of strings, or one string as a single
 * role; absent (or {@code null}) means no roles. The tenant from {@link ExternalIssuerConfig#tenantClaim()} must
 * be a string; absent means none. A claim present with another type, or a path running through a non-object, is
 * {@link TokenFailure#MALFORMED}. The issuer in the result is the configured one.
 *
 * <p>Never throws on bad input: every refusal is a {@link TokenVerification.Refused}. Revocation is the caller's
 * check. Thread-safe. {@link #close()} closes the key source.
 */
public final class ExternalTokenVerifier implements TokenVerifier, AutoCloseable {

    /** Keycloak's payload {@code typ} of its tokens that are not access tokens (all signed with the same key). */
    private static final Set<String> NOT_ACCESS_TOKENS = Set.of("id", "refresh", "offline", "logout");
    private static final Map<TokenFailure, TokenVerification.Refused> REFUSALS = refusals();

    private final ExternalIssuerConfig config;
    private final JwksSource keys;
    private final Clock clock;

    /** A verifier for {@code config}'s tokens with its own {@link JwksSource}, judged at {@code clock}'s time. */
    public ExternalTokenVerifier(ExternalIssuerConfig config, Clock clock) {
        this(config, new JwksSource(config, clock), clock);
    }

    /**
     * @param config the issuer and how its tokens are checked
     * @param keys   the issuer's keys
     * @param clock  the time tokens are judged at
     * @throws IllegalArgumentException when {@code keys} belongs to another issuer
     */
    public ExternalTokenVerifier(ExternalIssuerConfig config, JwksSource keys, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!config.issuer().equals(keys.issuer())) {
            throw new IllegalArgumentException("jwks source belongs to another issuer: " + keys.issuer());
        }
    }

    /** @return the exact {@code iss} this verifier accepts */
    public String issuer() {
        return config.issuer();
    }

    /** @return the configuration tokens are judged by */
    public ExternalIssuerConfig config() {
        return config;
    }

    /** @return the issuer's keys, e.g. to {@link JwksSource#refresh()} them at boot */
    public JwksSource keys() {
        return keys;
    }

    /**
     * @param token the compact JWT as presented (without {@code Bearer })
     * @return the claims, or the failure; never throws and never blocks on the network
     */
    @Override
    public TokenVerification verify(String token) {
        try {
            return check(token);
        } catch (RuntimeException | StackOverflowError unexpected) {
            // A parser bug on hostile input must refuse the token, not crash the worker.
            return refuse(TokenFailure.MALFORMED);
        }
    }

    /** Closes the key source (its HTTP client, if it made one). */
    @Override
    public void close() {
        keys.close();
    }

    private TokenVerification check(String token) {
        ParsedJws parsed = ParsedJws.parse(token, config.maxTokenLength());
        if (parsed.failure() != null) {
            return refuse(parsed.failure());
        }
        SignedJWT jwt = parsed.jwt();
        JWSHeader header = jwt.getHeader();
        String kid = header.getKeyID();
        Optional<JwksKeys.Pinned> pinned = keys.find(kid);
        if (pinned.isEmpty()) {
            if (kid != null && claimsOurIssuer(jwt)) {
                keys.requestRefetchForUnknownKid();
            }
            return refuse(TokenFailure.UNKNOWN_KEY);
        }
        if (!pinned.get().algorithm().jws().equals(header.getAlgorithm())) {
            return refuse(TokenFailure.ALGORITHM_MISMATCH);
        }
        try {
            if (!jwt.verify(pinned.get().verifier())) {
                return refuse(TokenFailure.BAD_SIGNATURE);
            }
        } catch (JOSEException | IllegalStateException unverifiable) {
            return refuse(TokenFailure.BAD_SIGNATURE);
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException malformed) {
            return refuse(TokenFailure.MALFORMED);
        }
        return checkClaims(claims, pinned.get().keyId());
    }

    /** Only tokens that at least claim to be ours may cost the issuer a fetch. */
    private boolean claimsOurIssuer(SignedJWT jwt) {
        try {
            return config.issuer().equals(jwt.getJWTClaimsSet().getIssuer());
        } catch (ParseException malformed) {
            return false;
        }
    }

    private TokenVerification checkClaims(JWTClaimsSet claims, String keyId) {
        Instant now = clock.instant();
        Duration skew = config.clockSkew();
        if (!config.issuer().equals(claims.getIssuer())) {
            return refuse(TokenFailure.WRONG_ISSUER);
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.audience())) {
            return refuse(TokenFailure.WRONG_AUDIENCE);
        }
        if (claims.getClaim("typ") instanceof String payloadType
                && NOT_ACCESS_TOKENS.contains(payloadType.toLowerCase(Locale.ROOT))) {
            return refuse(TokenFailure.WRONG_TYPE);
        }
        Date exp = claims.getExpirationTime();
        String subject = claims.getSubject();
        if (exp == null || subject == null || subject.isEmpty()) {
            return refuse(TokenFailure.MISSING_CLAIM);
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            return refuse(TokenFailure.EXPIRED);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            return refuse(TokenFailure.NOT_YET_VALID);
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
            return refuse(TokenFailure.ISSUED_IN_FUTURE);
        }
        Date issuedAt = iat != null ? iat : nbf;
        if (issuedAt == null) {
            return refuse(TokenFailure.MISSING_CLAIM);
        }
        try {
            String sessionId = claims.getStringClaim("sid");
            String tokenId = claims.getJWTID();
            List<String> roles = roles(claimAt(claims.getClaims(), config.rolesClaim()));
            String tenant = config.tenantClaim() == null ? null : tenant(claimAt(claims.getClaims(),
                    config.tenantClaim()));
            return new TokenVerification.Verified(new AccessToken(config.issuer(), subject, sessionId, tokenId,
                    roles, tenant, issuedAt.toInstant(), exp.toInstant(), keyId));
        } catch (ParseException | WrongType wrongType) {
            return refuse(TokenFailure.MALFORMED);
        }
    }

    /**
     * The value under {@code path}: the claim named exactly {@code path} if there is one (Auth0's namespaced
     * {@code https://example.com/roles}), else the walk through nested objects along its dots.
     */
    private static Object claimAt(Map<String, Object> claims, String path) throws WrongType {
        if (claims.containsKey(path) || path.indexOf('.') < 0) {
            return claims.get(path);
        }
        Object current = claims;
        for (String segment : path.split("\\.")) {
            if (current == null) {
                return null;
            }
            if (!(current instanceof Map<?, ?> object)) {
                throw new WrongType();
            }
            current = object.get(segment);
        }
        return current;
    }

    private static List<String> roles(Object value) throws WrongType {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String single) {
            return List.of(single);
        }
        if (!(value instanceof List<?> list)) {
            throw new WrongType();
        }
        List<String> roles = new ArrayList<>(list.size());
        for (Object role : list) {
            if (!(role instanceof String name)) {
                throw new WrongType();
            }
            roles.add(name);
        }
        return roles;
    }

    private static String tenant(Object value) throws WrongType {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new WrongType();
    }

    /** A mapped claim had a type the issuer should never write. */
    private static final class WrongType extends Exception {
        WrongType() {
            super(null, null, false, false);
        }
    }

    private static TokenVerification.Refused refuse(TokenFailure failure) {
        return REFUSALS.get(failure);
    }

    private static Map<TokenFailure, TokenVerification.Refused> refusals() {
        Map<TokenFailure, TokenVerification.Refused> all = new EnumMap<>(TokenFailure.class);
        for (TokenFailure failure : TokenFailure.values()) {
            all.put(failure, new TokenVerification.Refused(failure));
        }
        return all;
    }

    @Override
    public String toString() {
        return "ExternalTokenVerifier[" + config.issuer() + "]";
    }
}
