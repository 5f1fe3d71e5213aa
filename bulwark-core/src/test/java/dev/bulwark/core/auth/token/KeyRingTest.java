package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.bulwark.core.auth.token.TokenFixtures.AUDIENCE;
import static dev.bulwark.core.auth.token.TokenFixtures.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRingTest {

    private final FakeClock clock = new FakeClock();
    private final TokenConfig config = TokenConfig.of(ISSUER, AUDIENCE);
    private final KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
    private final AccessTokenIssuer issuer = new AccessTokenIssuer(ring, config, clock);
    private final AccessTokenVerifier verifier = new AccessTokenVerifier(ring, config, clock);

    @Test
    void rotationKeepsOldTokensValidUntilTheyExpireThenDropsTheOldKey() throws Exception {
        String oldKid = ring.active().kid();
        String before = issuer.issue("u", "s", List.of(), null).token();
        clock.advance(Duration.ofMinutes(5));

        RingKey fresh = ring.rotate(clock.instant(), config.keyRetention());
        String after = issuer.issue("u", "s", List.of(), null).token();

        assertThat(fresh.kid()).isNotEqualTo(oldKid);
        assertThat(ring.active()).isEqualTo(fresh);
        assertThat(verifier.verify(before)).isInstanceOf(TokenVerification.Verified.class);
        assertThat(verifier.verify(after)).isInstanceOfSatisfying(TokenVerification.Verified.class,
                verified -> assertThat(verified.token().keyId()).isEqualTo(fresh.kid()));
        assertThat(JWKSet.parse(ring.jwks(clock.instant())).getKeys())
                .extracting(key -> key.getKeyID()).containsExactly(fresh.kid(), oldKid);

        clock.advance(config.keyRetention());

        assertThat(verifier.verify(before)).isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
        assertThat(verifier.verify(issuer.issue("u", "s", List.of(), null).token()).isVerified()).isTrue();
        assertThat(JWKSet.parse(ring.jwks(clock.instant())).getKeys())
                .extracting(key -> key.getKeyID()).containsExactly(fresh.kid());
    }

    @Test
    void aLongLivedTokenForgedWithARetiredKeyIsRefusedOnceTheKeyRetires() {
        var oldKey = ring.active();
        ring.rotate(clock.instant(), config.keyRetention());
        String longLived = TokenFixtures.signRaw(
                "{\"alg\":\"EdDSA\",\"kid\":\"" + oldKey.kid() + "\"}",
                TokenFixtures.payload(clock.instant().getEpochSecond(), clock.instant().getEpochSecond() + 86_400, ""),
                JwsProviders.signer(oldKey.key(), TokenAlgorithm.EDDSA), JWSAlgorithm.EdDSA);
        assertThat(verifier.verify(longLived).isVerified()).isTrue();

        clock.advance(config.keyRetention());

        assertThat(verifier.verify(longLived)).isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
    }

    @Test
    void aSecondRotationDropsKeysAlreadyRetired() {
        ring.rotate(clock.instant(), Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(2));

        ring.rotate(clock.instant(), Duration.ofMinutes(1));

        assertThat(ring.keys()).hasSize(2);
    }

    @Test
    void theJwksHoldsPublicKeysOnlyWithTheirPinnedAlgorithm() throws Exception {
        String jwks = ring.jwks(clock.instant());

        assertThat(jwks).doesNotContain("\"d\"");
        var key = JWKSet.parse(jwks).getKeys().getFirst();
        assertThat(key.isPrivate()).isFalse();
        assertThat(key.getAlgorithm().getName()).isEqualTo("EdDSA");
        assertThat(key.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(key.getKeyID()).isEqualTo(ring.active().kid());
    }

    @Test
    void anHmacKeyIsNeverPublished() {
        KeyRing hmac = KeyRing.generate(TokenAlgorithm.HS256, clock.instant());

        assertThat(hmac.jwks(clock.instant())).isEqualTo("{\"keys\":[]}");
        assertThat(hmac.active().publicJwkJson()).isNull();
    }

    @Test
    void aRingNeedsExactlyOneActiveKey() {
        RingKey a = new RingKey(SigningKeys.generate(TokenAlgorithm.EDDSA), clock.instant(), null);
        RingKey b = new RingKey(SigningKeys.generate(TokenAlgorithm.EDDSA), clock.instant(), null);

        assertThatThrownBy(() -> new KeyRing(List.of(a, b), JwsProviders.FASTEST))
                .hasMessage("key ring needs exactly one active key: 2");
        assertThatThrownBy(() -> new KeyRing(List.of(), JwsProviders.FASTEST))
                .hasMessage("key ring needs exactly one active key: 0");
    }

    @Test
    void everyProviderChoiceVerifiesTheSameTokens() {
        for (TokenAlgorithm algorithm : TokenAlgorithm.values()) {
            KeyRing generated = KeyRing.generate(algorithm, clock.instant());
            String token = new AccessTokenIssuer(generated, config, clock).issue("u", "s", List.of(), null).token();
            for (CryptoProvider provider : CryptoProvider.values()) {
                if (provider == CryptoProvider.TINK && algorithm != TokenAlgorithm.EDDSA) {
                    continue;
                }
                KeyRing same = new KeyRing(generated.keys(), JwsProviders.FASTEST.with(algorithm, provider));
                AccessTokenVerifier withProvider = new AccessTokenVerifier(same, config, clock);
                assertThat(withProvider.verify(token).isVerified()).as(algorithm + " " + provider).isTrue();
                String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
                assertThat(withProvider.verify(forged)).as(algorithm + " " + provider)
                        .isEqualTo(new TokenVerification.Refused(TokenFailure.BAD_SIGNATURE));
            }
        }
    }
}
