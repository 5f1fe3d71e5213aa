package dev.bulwark.core.identityheaders;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import dev.bulwark.api.Principal;
import dev.bulwark.core.auth.token.AccessTokenIssuer;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.RingKey;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenConfig;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityTokenSignerTest {

    private static final String ISSUER = "https://auth.bulwark.test";
    private static final Duration LIFETIME = Duration.ofSeconds(60);

    private final FakeClock clock = new FakeClock();
    private final KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
    private final IdentityTokenSigner signer = new IdentityTokenSigner(ring, ISSUER, clock);

    private static Principal alice() {
        return new Principal("alice", "s-1", ISSUER, List.of("editor", "viewer"), List.of(), "acme",
                FakeClock.DEFAULT_START.plus(Duration.ofMinutes(15)), Principal.Method.BEARER);
    }

    private String sign() {
        return signer.sign(alice(), "acme", "orders", LIFETIME, "req-1");
    }

    /** The key a backend would pick from the published JWKS for this token. */
    private JWK publishedKey(SignedJWT token) throws Exception {
        JWKSet jwks = JWKSet.parse(ring.jwks(clock.instant()));
        JWK key = jwks.getKeyByKeyId(token.getHeader().getKeyID());
        assertThat(key).as("kid %s in the jwks", token.getHeader().getKeyID()).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        return key;
    }

    /**
     * Verifies like a backend does (typ, alg, the published key by kid, iss, aud, exp), but reading time from the
     * fake clock with no skew allowance. Nimbus's JWTProcessor cannot hand Ed25519 keys to a verifier, so the
     * steps are spelled out, as in examples/backends/java.
     */
    private JWTClaimsSet verifyAtClock(String token, String audience) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!JWSAlgorithm.EdDSA.equals(jwt.getHeader().getAlgorithm())
                || !new JOSEObjectType("bulwark-identity+jwt").equals(jwt.getHeader().getType())) {
            throw new BadJOSEException("unexpected alg or typ: " + jwt.getHeader().getType());
        }
        JWK key = JWKSet.parse(ring.jwks(clock.instant())).getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null || !jwt.verify(new Ed25519Verifier(key.toOctetKeyPair()))) {
            throw new BadJOSEException("Invalid signature or unknown key");
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "iat", "exp", "jti")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(0);
        claims.verify(jwt.getJWTClaimsSet(), null);
        return jwt.getJWTClaimsSet();
    }

    @Test
    void theTokenVerifiesWithTheKeyTheGatewayPublishesAndCarriesTheIdentity() throws Exception {
        SignedJWT token = SignedJWT.parse(sign());

        assertThat(token.verify(new Ed25519Verifier((OctetKeyPair) publishedKey(token)))).isTrue();
        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(token.getHeader().getKeyID()).isEqualTo(ring.active().kid());
        assertThat(token.getHeader().getType()).isEqualTo(new JOSEObjectType("bulwark-identity+jwt"));
        assertThat(token.getHeader().toJSONObject()).containsOnlyKeys("alg", "kid", "typ");
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly("orders");
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("sid")).isEqualTo("s-1");
        assertThat(claims.getStringListClaim("roles")).containsExactly("editor", "viewer");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
        assertThat(claims.getStringClaim("req")).isEqualTo("req-1");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(LIFETIME));
        assertThat(Base64URL.from(claims.getJWTID()).decode()).hasSize(16);
        assertThat(claims.getClaims()).containsOnlyKeys("iss", "aud", "sub", "sid", "roles", "tenant", "iat", "exp",
                "jti", "req");
    }

    @Test
    void theTokenIsAcceptedUntilItsLifetimeEndsOnTheGatewaysClock() throws Exception {
        String token = sign();

        clock.advance(LIFETIME.minusSeconds(1));
        assertThat(verifyAtClock(token, "orders").getSubject()).isEqualTo("alice");

        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> verifyAtClock(token, "orders"))
                .isInstanceOf(BadJOSEException.class).hasMessageContaining("Expired JWT");
    }

    @Test
    void aTokenForOneUpstreamIsRefusedByAnother() {
        String token = sign();

        assertThatThrownBy(() -> verifyAtClock(token, "billing"))
                .isInstanceOf(BadJOSEException.class).hasMessageContaining("JWT aud claim rejected");
    }

    @Test
    void aTamperedTokenFailsVerification() throws Exception {
        String[] parts = sign().split("\\.");
        String forgedClaims = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"admin\"");
        String tampered = parts[0] + "." + Base64URL.encode(forgedClaims) + "." + parts[2];

        assertThat(SignedJWT.parse(tampered).getJWTClaimsSet().getSubject()).isEqualTo("admin");
        assertThatThrownBy(() -> verifyAtClock(tampered, "orders"))
                .isInstanceOf(BadJOSEException.class).hasMessageContaining("Invalid signature");
    }

    @Test
    void aClientsOwnAccessTokenSignedByTheSameKeyIsNotAnIdentityToken() {
        String accessToken = new AccessTokenIssuer(ring, TokenConfig.of(ISSUER, "orders"), clock)
                .issue("alice", "s-1", List.of("admin"), null).token();

        assertThatThrownBy(() -> verifyAtClock(accessToken, "orders"))
                .isInstanceOf(BadJOSEException.class).hasMessageContaining("unexpected alg or typ: at+jwt");
    }

    @Test
    void everyTokenHasItsOwnId() throws Exception {
        String first = SignedJWT.parse(sign()).getJWTClaimsSet().getJWTID();
        String second = SignedJWT.parse(sign()).getJWTClaimsSet().getJWTID();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void afterAKeyRotationTokensCarryTheNewKidWhichTheJwksPublishes() throws Exception {
        String before = sign();
        clock.advance(Duration.ofMinutes(1));
        RingKey fresh = ring.rotate(clock.instant(), Duration.ofMinutes(16));

        SignedJWT after = SignedJWT.parse(sign());

        assertThat(after.getHeader().getKeyID()).isEqualTo(fresh.kid());
        assertThat(after.verify(new Ed25519Verifier((OctetKeyPair) publishedKey(after)))).isTrue();
        assertThat(SignedJWT.parse(before).getHeader().getKeyID()).isNotEqualTo(fresh.kid());
    }

    @Test
    void externalCredentialsNameTheirIssuerSoTheSameSubjectCannotBeConfused() throws Exception {
        Principal partner = new Principal("alice", null, "https://login.partner.test", List.of(), List.of(), null,
                clock.instant().plusSeconds(300), Principal.Method.BEARER);

        JWTClaimsSet claims = SignedJWT.parse(signer.sign(partner, null, "orders", LIFETIME, null))
                .getJWTClaimsSet();

        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getStringClaim("idp")).isEqualTo("https://login.partner.test");
        assertThat(claims.getClaims()).doesNotContainKeys("sid", "tenant", "req");
    }

    @Test
    void timesAreWholeSeconds() throws Exception {
        clock.set(Instant.parse("2025-03-01T10:00:00.999Z"));

        JWTClaimsSet claims = SignedJWT.parse(sign()).getJWTClaimsSet();

        assertThat(claims.getIssueTime().toInstant()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2025-03-01T10:01:00Z"));
    }

    @Test
    void aSharedSecretRingCannotSignTokensThatBackendsVerify() {
        KeyRing hmac = KeyRing.generate(TokenAlgorithm.HS256, clock.instant());

        assertThatThrownBy(() -> new IdentityTokenSigner(hmac, ISSUER, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("identity tokens need an asymmetric signing key that backends can verify"
                        + " from the jwks, not HS256: ");
    }

    @Test
    void ecdsaRingsSignWithTheirOwnAlgorithm() throws Exception {
        KeyRing ec = KeyRing.generate(TokenAlgorithm.ES256, clock.instant());

        SignedJWT token = SignedJWT.parse(new IdentityTokenSigner(ec, ISSUER, clock)
                .sign(alice(), null, "orders", LIFETIME, null));

        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(JWKSet.parse(ec.jwks(clock.instant())).getKeyByKeyId(token.getHeader().getKeyID())).isNotNull();
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new IdentityTokenSigner(ring, " ", clock))
                .hasMessage("identity token issuer must not be blank:  ");
        assertThatThrownBy(() -> signer.sign(alice(), null, "", LIFETIME, null))
                .hasMessage("identity token audience must not be blank: ");
        assertThatThrownBy(() -> signer.sign(alice(), null, "orders", Duration.ZERO, null))
                .hasMessage("identity token lifetime must be positive: PT0S");
    }
}
