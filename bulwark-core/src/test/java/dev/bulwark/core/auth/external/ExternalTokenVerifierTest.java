package dev.bulwark.core.auth.external;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.bulwark.core.auth.token.AccessToken;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.core.auth.external.ExternalTokens.AUDIENCE;
import static dev.bulwark.core.auth.external.ExternalTokens.ISSUER;
import static dev.bulwark.core.auth.external.ExternalTokens.header;
import static dev.bulwark.core.auth.external.ExternalTokens.signRaw;
import static org.assertj.core.api.Assertions.assertThat;

/** Tokens from a Keycloak-like provider whose JWKS is served over HTTP on a loopback port. */
class ExternalTokenVerifierTest {

    private static final Set<TokenAlgorithm> ASYMMETRIC =
            Set.of(TokenAlgorithm.RS256, TokenAlgorithm.ES256, TokenAlgorithm.EDDSA);

    private final FakeClock clock = new FakeClock();
    private final long now = clock.instant().getEpochSecond();
    private JwksServer server;
    private ExternalTokenVerifier verifier;

    @AfterEach
    void stop() {
        if (verifier != null) {
            verifier.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ExternalTokenVerifier serving(JWK... keys) throws Exception {
        server = new JwksServer(keys);
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ISSUER, server.url(), AUDIENCE)
                .withAlgorithms(ASYMMETRIC).withRolesClaim("realm_access.roles"), clock);
        assertThat(verifier.keys().refresh().get(5, TimeUnit.SECONDS)).isTrue();
        return verifier;
    }

    private static AccessToken verified(TokenVerification result) {
        assertThat(result).isInstanceOf(TokenVerification.Verified.class);
        return ((TokenVerification.Verified) result).token();
    }

    @ParameterizedTest
    @EnumSource(value = TokenAlgorithm.class, names = {"RS256", "ES256", "EDDSA"})
    void aKeycloakTokenVerifiesWithItsRealmRolesAndTenant(TokenAlgorithm algorithm) throws Exception {
        JWK key = ExternalTokens.key(algorithm, "kc-" + algorithm);
        serving(key.toPublicJWK());

        AccessToken token = verified(verifier.verify(ExternalTokens.token(key, now)));

        assertThat(token).isEqualTo(new AccessToken(ISSUER, "f3b1c2d4", "7c9e", "onrtac:5a1d",
                List.of("admin", "offline_access"), "clinic-3", clock.instant(), clock.instant().plusSeconds(300),
                "kc-" + algorithm));
    }

    @Test
    void aTokenKeepsVerifyingUntilExpiryPlusSkewAndIsThenRefusedAsExpired() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String token = ExternalTokens.token(key, now);

        clock.advance(Duration.ofSeconds(300 + 29));
        assertThat(verifier.verify(token).isVerified()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(verifier.verify(token)).isEqualTo(new TokenVerification.Refused(TokenFailure.EXPIRED));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String payload = ExternalTokens.keycloakPayload(now, "").replace("\"" + AUDIENCE + "\",", "");

        assertThat(verifier.verify(signRaw(header(key), payload, key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.WRONG_AUDIENCE));
    }

    @Test
    void aTokenFromAnotherIssuerSignedWithTheSameKeyIsRefused() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String payload = ExternalTokens.keycloakPayload(now, "").replace(ISSUER, ISSUER + "-other");

        assertThat(verifier.verify(signRaw(header(key), payload, key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.WRONG_ISSUER));
    }

    @Test
    void aTokenNotValidBeforeALaterTimeIsRefusedUntilThen() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String token = signRaw(header(key), ExternalTokens.keycloakPayload(now, ",\"nbf\":" + (now + 120)), key);

        assertThat(verifier.verify(token)).isEqualTo(new TokenVerification.Refused(TokenFailure.NOT_YET_VALID));
        clock.advance(Duration.ofSeconds(90));
        assertThat(verifier.verify(token).isVerified()).isTrue();
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());

        assertThat(verifier.verify(ExternalTokens.token(key, now + 60)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.ISSUED_IN_FUTURE));
    }

    @Test
    void withoutIatTheNotBeforeTimeStandsForTheIssueTimeAndWithoutEitherTheTokenIsRefused() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String base = ExternalTokens.keycloakPayload(now, "").replace("\"iat\":" + now + ",", "");

        String withNbf = "{\"nbf\":" + (now - 10) + "," + base.substring(1);

        AccessToken token = verified(verifier.verify(signRaw(header(key), withNbf, key)));
        assertThat(token.issuedAt()).isEqualTo(Instant.ofEpochSecond(now - 10));
        assertThat(verifier.verify(signRaw(header(key), base, key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.MISSING_CLAIM));
    }

    @Test
    void aKeycloakIdOrRefreshTokenForTheSameAudienceDoesNotPassAsAnAccessToken() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String payload = ExternalTokens.keycloakPayload(now, "");

        assertThat(verifier.verify(signRaw(header(key), payload.replace("\"Bearer\"", "\"ID\""), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.WRONG_TYPE));
        assertThat(verifier.verify(signRaw(header(key), payload.replace("\"Bearer\"", "\"Refresh\""), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.WRONG_TYPE));
    }

    @Test
    void aTokenWithoutSubjectOrExpiryIsRefused() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String payload = ExternalTokens.keycloakPayload(now, "");

        assertThat(verifier.verify(signRaw(header(key), payload.replace("\"sub\":\"f3b1c2d4\",", ""), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.MISSING_CLAIM));
        assertThat(verifier.verify(signRaw(header(key), payload.replace("\"exp\":" + (now + 300) + ",", ""), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.MISSING_CLAIM));
    }

    @Test
    void aMinimalAuth0TokenWithNamespacedRolesVerifiesWithoutSessionOrTokenId() throws Exception {
        JWK key = ExternalTokens.rsa("auth0-1");
        server = new JwksServer(key.toPublicJWK());
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ISSUER, server.url(), AUDIENCE)
                .withRolesClaim("https://shop.example/roles").withTenantClaim("https://shop.example/org"), clock);
        verifier.keys().refresh().get(5, TimeUnit.SECONDS);
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"auth0|42\",\"aud\":\"" + AUDIENCE + "\",\"iat\":"
                + now + ",\"exp\":" + (now + 86400) + ",\"https://shop.example/roles\":[\"support\"],"
                + "\"https://shop.example/org\":\"org_7\"}";

        AccessToken token = verified(verifier.verify(signRaw(header(key), payload, key)));

        assertThat(token.subject()).isEqualTo("auth0|42");
        assertThat(token.roles()).containsExactly("support");
        assertThat(token.tenant()).isEqualTo("org_7");
        assertThat(token.sessionId()).isNull();
        assertThat(token.tokenId()).isNull();
    }

    @Test
    void missingRolesAreNoRolesAndNoTenantClaimMeansNoTenant() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        server = new JwksServer(key.toPublicJWK());
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ISSUER, server.url(), AUDIENCE)
                .withRolesClaim("resource_access.billing.roles").withTenantClaim(null), clock);
        verifier.keys().refresh().get(5, TimeUnit.SECONDS);

        AccessToken token = verified(verifier.verify(ExternalTokens.token(key, now)));

        assertThat(token.roles()).isEmpty();
        assertThat(token.tenant()).isNull();
    }

    @Test
    void rolesOrTenantOfTheWrongTypeMakeTheTokenMalformed() throws Exception {
        JWK key = ExternalTokens.rsa("k1");
        serving(key.toPublicJWK());
        String payload = ExternalTokens.keycloakPayload(now, "");

        assertThat(verifier.verify(signRaw(header(key),
                payload.replace("[\"admin\",\"offline_access\"]", "[\"admin\",7]"), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.MALFORMED));
        assertThat(verifier.verify(signRaw(header(key),
                payload.replace("{\"roles\":[\"admin\",\"offline_access\"]}", "\"admin\""), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.MALFORMED));
        assertThat(verifier.verify(signRaw(header(key), payload.replace("\"clinic-3\"", "{\"id\":3}"), key)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.MALFORMED));
    }

    @Test
    void aStaticJwksVerifiesWithoutAnyUrl() {
        JWK key = ExternalTokens.ec("static-1");
        String jwks = new JWKSet(key.toPublicJWK()).toString(true);
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromJwks(ISSUER, jwks, AUDIENCE,
                Set.of(TokenAlgorithm.ES256)).withRolesClaim("realm_access.roles"), clock);

        AccessToken token = verified(verifier.verify(ExternalTokens.token(key, now)));

        assertThat(token.keyId()).isEqualTo("static-1");
        assertThat(token.roles()).containsExactly("admin", "offline_access");
        assertThat(verifier.keys().refresh().join()).isFalse();
        assertThat(verifier.keys().fetchCount()).isZero();
    }

    @Test
    void aStaticHmacSecretVerifiesHs256TokensOnly() throws Exception {
        com.nimbusds.jose.jwk.OctetSequenceKey secret = new com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator(512)
                .keyID("hs-1").generate();
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromJwks(ISSUER,
                new JWKSet(secret).toString(false), AUDIENCE, Set.of(TokenAlgorithm.HS256)), clock);
        String payload = ExternalTokens.keycloakPayload(now, "");

        assertThat(verifier.verify(signRaw("{\"alg\":\"HS256\",\"kid\":\"hs-1\"}", payload,
                new com.nimbusds.jose.crypto.MACSigner(secret), "HS256")).isVerified()).isTrue();
        assertThat(verifier.verify(signRaw("{\"alg\":\"HS384\",\"kid\":\"hs-1\"}", payload,
                new com.nimbusds.jose.crypto.MACSigner(secret), "HS384")))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.ALGORITHM_MISMATCH));
    }

    @Test
    void aSingleKeyWithoutKidVerifiesTokensWithoutKidAndIsNamedByItsThumbprint() throws Exception {
        JWK key = ExternalTokens.rsa(null);
        serving(key.toPublicJWK());

        AccessToken token = verified(verifier.verify(signRaw("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
                ExternalTokens.keycloakPayload(now, ""), key)));

        assertThat(token.keyId()).isEqualTo(key.computeThumbprint().toString());
    }

    @Test
    void keysForAnotherUseOrAlgorithmAreNotUsedAndKidlessKeysAreIgnoredAmongSeveral() throws Exception {
        JWK encryption = new com.nimbusds.jose.jwk.RSAKey.Builder(ExternalTokens.rsa("enc-1"))
                .keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).algorithm(null).build();
        JWK es = ExternalTokens.ec("es-1");
        JWK kidless = ExternalTokens.rsa(null);
        JWK good = ExternalTokens.rsa("rs-1");
        server = new JwksServer(encryption.toPublicJWK(), es.toPublicJWK(), kidless.toPublicJWK(),
                good.toPublicJWK());
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ISSUER, server.url(), AUDIENCE), clock);
        verifier.keys().refresh().get(5, TimeUnit.SECONDS);

        assertThat(verifier.keys().keyCount()).isEqualTo(1);
        assertThat(verifier.verify(ExternalTokens.token(good, now)).isVerified()).isTrue();
        assertThat(verifier.verify(signRaw("{\"alg\":\"RS256\",\"kid\":\"enc-1\"}",
                ExternalTokens.keycloakPayload(now, ""), ExternalTokens.signer(encryption), "RS256")))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
        assertThat(verifier.verify(ExternalTokens.token(es, now)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
        assertThat(verifier.verify(signRaw("{\"alg\":\"RS256\"}", ExternalTokens.keycloakPayload(now, ""), kidless)))
                .isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
    }
}
