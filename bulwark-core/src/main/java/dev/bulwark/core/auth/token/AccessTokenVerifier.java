package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies Bulwark's own access tokens against a {@link KeyRing}, refusing every trick in the JWT book.
 *
 * <p>In order: the size limit (before any parsing); three base64url parts and nothing else (no whitespace,
 * padding or JWE); a header of exactly {@code alg}, {@code kid} and optionally {@code typ} ({@code jwk},
 * {@code jku}, {@code x5u}, {@code x5c}, {@code crit} and everything else refused: nothing is ever fetched or
 * trusted from a token); {@code typ}, when present, {@code at+jwt}, {@code application/at+jwt} or {@code JWT}
 * (case-insensitive; Bulwark writes {@code at+jwt}, and plain {@code JWT} is accepted for tokens minted by
 * other tools with our keys); {@code kid} looked up in the ring only; the header's {@code alg} equal to the
 * algorithm pinned to that key (so no {@code none}, no HS/RS confusion); the signature; then {@code iss},
 * {@code aud}, {@code exp}, {@code nbf}, {@code iat} with the configured skew, and the required claims
 * {@code sub}, {@code sid}, {@code jti}.
 *
 * <p>Never throws on bad input: every refusal is a {@link TokenVerification.Refused} with a stable
 * {@link TokenFailure}. Revocation is the caller's check. Thread-safe.
 */
public final class AccessTokenVerifier implements TokenVerifier {

    private static final Map<TokenFailure, TokenVerification.Refused> REFUSALS = refusals();

    private final KeyRing ring;
    private final TokenConfig config;
    private final Clock clock;

    /** A verifier for tokens signed by {@code ring}'s keys, judged by {@code config} at {@code clock}'s time. */
    public AccessTokenVerifier(KeyRing ring, TokenConfig config, Clock clock) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return the configuration tokens are judged by */
    public TokenConfig config() {
        return config;
    }

    /**
     * @param token the compact JWT as presented (without {@code Bearer })
     * @return the claims, or the failure; never throws
     */
    @Override
    public TokenVerification verify(String token) {
        try {
            return check(token);
        } catch (RuntimeException unexpected) {
            // Belt and braces: a parser bug on hostile input must refuse the token, not crash the worker.
            return refuse(TokenFailure.MALFORMED);
        }
    }

    private TokenVerification check(String token) {
        ParsedJws parsed = ParsedJws.parse(token, config.maxTokenLength());
        if (parsed.failure() != null) {
            return refuse(parsed.failure());
        }
        SignedJWT jwt = parsed.jwt();
        JWSHeader header = jwt.getHeader();
        String kid = header.getKeyID();
        Instant now = clock.instant();
        Optional<KeyRing.Pinned> pinned = kid == null ? Optional.empty() : ring.verificationKey(kid, now);
        if (pinned.isEmpty()) {
            return refuse(TokenFailure.UNKNOWN_KEY);
        }
        if (!pinned.get().key().algorithm().jws().equals(header.getAlgorithm())) {
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
        return checkClaims(claims, kid, now);
    }

    private TokenVerification checkClaims(JWTClaimsSet claims, String kid, Instant now) {
        Duration skew = config.clockSkew();
        if (!config.issuer().equals(claims.getIssuer())) {
            return refuse(TokenFailure.WRONG_ISSUER);
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.audience())) {
            return refuse(TokenFailure.WRONG_AUDIENCE);
        }
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            return refuse(TokenFailure.MISSING_CLAIM);
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            return refuse(TokenFailure.EXPIRED);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            return refuse(TokenFailure.NOT_YET_VALID);
        }
        if (now.plus(skew).isBefore(iat.toInstant())) {
            return refuse(TokenFailure.ISSUED_IN_FUTURE);
        }
        try {
            String subject = claims.getSubject();
            String sessionId = claims.getStringClaim("sid");
            String tokenId = claims.getJWTID();
            if (subject == null || sessionId == null || tokenId == null) {
                return refuse(TokenFailure.MISSING_CLAIM);
            }
            List<String> roles = claims.getStringListClaim("roles");
            List<String> permissions = claims.getStringListClaim("perms");
            String tenant = claims.getStringClaim("tenant");
            return new TokenVerification.Verified(new AccessToken(config.issuer(), subject, sessionId, tokenId,
                    roles == null ? List.of() : roles, tenant, iat.toInstant(), exp.toInstant(), kid,
                    permissions == null ? List.of() : permissions));
        } catch (ParseException | NullPointerException wrongType) {
            // A role list with a null or a number, a numeric sid: the issuer never writes these.
            return refuse(TokenFailure.MALFORMED);
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
}
