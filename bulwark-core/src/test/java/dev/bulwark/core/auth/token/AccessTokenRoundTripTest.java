package dev.bulwark.core.auth.token;

import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.api.Reason;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static dev.bulwark.core.auth.token.TokenFixtures.AUDIENCE;
import static dev.bulwark.core.auth.token.TokenFixtures.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTokenRoundTripTest {

    private final FakeClock clock = new FakeClock();
    private final TokenConfig config = TokenConfig.of(ISSUER, AUDIENCE);

    @ParameterizedTest
    @EnumSource(TokenAlgorithm.class)
    void aTokenSignedWithEachAlgorithmVerifiesWithItsClaims(TokenAlgorithm algorithm) throws Exception {
        KeyRing ring = KeyRing.generate(algorithm, clock.instant());
        IssuedAccessToken issued = new AccessTokenIssuer(ring, config, clock)
                .issue("user-42", "session-7", List.of("admin", "support"), "clinic-3");

        TokenVerification result = new AccessTokenVerifier(ring, config, clock).verify(issued.token());

        assertThat(result).isEqualTo(new TokenVerification.Verified(new AccessToken(config.issuer(), "user-42", "session-7",
                issued.tokenId(), List.of("admin", "support"), "clinic-3", clock.instant(),
                clock.instant().plus(Duration.ofMinutes(15)), ring.active().kid())));
        SignedJWT jwt = SignedJWT.parse(issued.token());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(algorithm.jws().getName());
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwt.getHeader().getIncludedParams()).containsExactlyInAnyOrder("alg", "kid", "typ");
        assertThat(jwt.getJWTClaimsSet().getClaims().keySet()).containsExactlyInAnyOrder(
                "iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "roles", "tenant");
        assertThat(issued.expiresInSeconds()).isEqualTo(900);
    }

    @Test
    void theDefaultAlgorithmIsEdDsaAndTheKidIsTheThumbprint() throws Exception {
        KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());

        assertThat(ring.active().key().getAlgorithm().getName()).isEqualTo("EdDSA");
        assertThat(ring.active().kid()).isEqualTo(ring.active().key().computeThumbprint().toString());
    }

    @Test
    void aTokenWithoutTenantOrRolesVerifies() {
        KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
        IssuedAccessToken issued = new AccessTokenIssuer(ring, config, clock).issue("u", "s", List.of(), null);

        TokenVerification result = new AccessTokenVerifier(ring, config, clock).verify(issued.token());

        assertThat(result).isInstanceOfSatisfying(TokenVerification.Verified.class, verified -> {
            assertThat(verified.token().roles()).isEmpty();
            assertThat(verified.token().tenant()).isNull();
        });
    }

    @Test
    void aTokenExpiresAfterItsLifetimePlusTheSkew() {
        KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
        String token = new AccessTokenIssuer(ring, config, clock).issue("u", "s", List.of(), null).token();
        AccessTokenVerifier verifier = new AccessTokenVerifier(ring, config, clock);

        clock.advance(Duration.ofMinutes(15).plusSeconds(29));
        assertThat(verifier.verify(token).isVerified()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(verifier.verify(token)).isEqualTo(new TokenVerification.Refused(TokenFailure.EXPIRED));
        assertThat(TokenFailure.EXPIRED.reason()).isEqualTo(Reason.TOKEN_EXPIRED);
        assertThat(TokenFailure.BAD_SIGNATURE.reason()).isEqualTo(Reason.TOKEN_INVALID);
        assertThat(Reason.TOKEN_INVALID.status()).isEqualTo(401);
    }

    @Test
    void hs256NeedsAtLeastA32ByteSecret() {
        assertThatThrownBy(() -> SigningKeys.fromSecret(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("hs256 secret must be at least 32 bytes: 31");
        assertThat(SigningKeys.fromSecret(new byte[32]).getAlgorithm().getName()).isEqualTo("HS256");
    }

    @Test
    void aRingKeyWhoseKidIsNotItsThumbprintIsRefused() {
        var key = new com.nimbusds.jose.jwk.OctetKeyPair.Builder(
                (com.nimbusds.jose.jwk.OctetKeyPair) SigningKeys.generate(TokenAlgorithm.EDDSA)).keyID("chosen").build();

        assertThatThrownBy(() -> new RingKey(key, clock.instant(), null))
                .hasMessage("signing key id is not its thumbprint: chosen");
    }
}
