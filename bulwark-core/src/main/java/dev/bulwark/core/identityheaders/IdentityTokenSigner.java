package dev.bulwark.core.identityheaders;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.api.Principal;
import dev.bulwark.core.auth.token.JwsProviders;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.RingKey;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Signs the identity token a backend receives in {@code X-Bulwark-Identity}: a compact JWT signed with the
 * gateway's active key, verifiable against the gateway's {@code /.well-known/jwks.json}.
 *
 * <p>The header is exactly {@code alg}, {@code kid} (the same as in the JWKS) and {@code typ:
 * bulwark-identity+jwt}, so a client's own access token (typ {@code at+jwt}, signed by the same key) is never
 * taken for an identity token by a backend that checks {@code typ}. The claims are {@code iss} (Bulwark's issuer),
 * {@code aud} (the upstream), {@code sub}, {@code sid} (when the credential has a session), {@code roles},
 * {@code tenant} (when known), {@code iat}, {@code exp} ({@code iat} + lifetime, whole seconds), {@code jti} (128
 * random bits), {@code req} (the request id, when assigned) and {@code idp} (the credential's issuer, only when
 * it is an external one). The signer for the active key is built once and rebuilt only after a rotation.
 * Thread-safe.
 */
public final class IdentityTokenSigner {

    /** The {@code typ} every identity token carries. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("bulwark-identity+jwt");

    private record ActiveSigner(RingKey key, JWSSigner signer) {
    }

    private final KeyRing ring;
    private final String issuer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<ActiveSigner> active = new AtomicReference<>();

    /**
     * @param ring   the gateway's signing keys; its active key signs
     * @param issuer the {@code iss} written: Bulwark's own issuer, as in its access tokens
     * @param clock  stamps {@code iat} and {@code exp}
     * @throws IllegalArgumentException when the issuer is blank, or the active key is an HMAC secret (the JWKS
     *                                  publishes no such key, and sharing it would let a backend mint access tokens)
     */
    public IdentityTokenSigner(KeyRing ring, String issuer, Clock clock) {
        this.ring = Objects.requireNonNull(ring, "ring");
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("identity token issuer must not be blank: " + issuer);
        }
        this.issuer = issuer;
        this.clock = Objects.requireNonNull(clock, "clock");
        RingKey key = ring.active();
        if (!key.algorithm().isAsymmetric()) {
            throw new IllegalArgumentException("identity tokens need an asymmetric signing key that backends can"
                    + " verify from the jwks, not " + key.algorithm() + ": " + key.kid());
        }
    }

    /** @return the {@code iss} this signer writes */
    public String issuer() {
        return issuer;
    }

    /**
     * Signs one identity token.
     *
     * @param principal who the request acts for
     * @param tenant    the tenant the request acts for, or {@code null}
     * @param audience  the upstream the token is meant for
     * @param lifetime  from {@code iat} to {@code exp}; whole seconds
     * @param requestId the request id, or {@code null} when none was assigned
     * @return the compact JWT
     * @throws IllegalArgumentException when the audience is blank or the lifetime is not positive
     * @throws IllegalStateException    when signing fails, or the ring's active key became an HMAC secret
     */
    public String sign(Principal principal, String tenant, String audience, Duration lifetime, String requestId) {
        Objects.requireNonNull(principal, "principal");
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("identity token audience must not be blank: " + audience);
        }
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("identity token lifetime must be positive: " + lifetime);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        byte[] id = new byte[16];
        random.nextBytes(id);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(principal.userId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(Base64URL.encode(id).toString())
                .claim("roles", principal.roles());
        if (principal.sessionId() != null) {
            claims.claim("sid", principal.sessionId());
        }
        if (tenant != null) {
            claims.claim("tenant", tenant);
        }
        if (requestId != null) {
            claims.claim("req", requestId);
        }
        if (!issuer.equals(principal.issuer())) {
            // The same sub may mean different people at different issuers; the backend can tell them apart.
            claims.claim("idp", principal.issuer());
        }
        ActiveSigner signing = signer();
        JWSHeader header = new JWSHeader.Builder(signing.key().algorithm().jws())
                .keyID(signing.key().kid())
                .type(TYPE)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signing.signer());
        } catch (JOSEException failure) {
            throw new IllegalStateException("cannot sign identity token with key " + signing.key().kid(), failure);
        }
        return jwt.serialize();
    }

    /** @return the signer for the ring's current active key, rebuilt only when the ring has rotated */
    private ActiveSigner signer() {
        RingKey key = ring.active();
        ActiveSigner current = active.get();
        if (current != null && current.key() == key) {
            return current;
        }
        if (!key.algorithm().isAsymmetric()) {
            throw new IllegalStateException("identity tokens need an asymmetric signing key, not "
                    + key.algorithm() + ": " + key.kid());
        }
        // Two threads may both rebuild after a rotation; either result is correct.
        ActiveSigner fresh = new ActiveSigner(key, JwsProviders.signer(key.key(), key.algorithm()));
        active.set(fresh);
        return fresh;
    }
}
