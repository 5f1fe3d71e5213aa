package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.Base64URL;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Signs access tokens with the ring's active key.
 *
 * <p>The header is exactly {@code alg}, {@code kid} and {@code typ: at+jwt} (RFC 9068); the claims are
 * {@code iss}, {@code aud}, {@code sub}, {@code sid}, {@code jti} (128 random bits), {@code iat}, {@code nbf},
 * {@code exp} (whole seconds), {@code roles} and, when given, {@code tenant}. Thread-safe.
 */
public final class AccessTokenIssuer {

    /** The {@code typ} Bulwark writes: RFC 9068's JWT access-token type. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    private final KeyRing ring;
    private final TokenConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** An issuer signing with {@code ring}'s active key, stamping times from {@code clock}. */
    public AccessTokenIssuer(KeyRing ring, TokenConfig config, Clock clock) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param subject   the user id
     * @param sessionId the session the token belongs to
     * @param roles     the user's roles (may be empty)
     * @param tenant    the tenant, or {@code null}
     * @return the signed token
     * @throws IllegalStateException when signing fails (a broken key)
     */
    public IssuedAccessToken issue(String subject, String sessionId, List<String> roles, String tenant) {
        return issue(subject, sessionId, roles, List.of(), tenant);
    }

    /**
     * Like {@link #issue(String, String, List, String)}, with permissions granted to the user directly, written
     * as the {@code perms} claim when there are any.
     */
    public IssuedAccessToken issue(String subject, String sessionId, List<String> roles, List<String> permissions,
                                   String tenant) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sessionId, "sessionId");
        List<String> roleList = List.copyOf(roles);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(config.lifetime());
        byte[] id = new byte[16];
        random.nextBytes(id);
        String jti = Base64URL.encode(id).toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(config.issuer())
                .audience(config.audience())
                .subject(subject)
                .claim("sid", sessionId)
                .jwtID(jti)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .claim("roles", roleList);
        if (tenant != null) {
            claims.claim("tenant", tenant);
        }
        if (!permissions.isEmpty()) {
            claims.claim("perms", List.copyOf(permissions));
        }
        KeyRing.Signing signing = ring.activeSigning();
        RingKey key = signing.key();
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jws()).keyID(key.kid()).type(ACCESS_TOKEN_TYPE)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signing.signer());
        } catch (JOSEException failure) {
            throw new IllegalStateException("cannot sign access token with key " + key.kid(), failure);
        }
        return new IssuedAccessToken(jwt.serialize(), jti, now, expiresAt);
    }
}
