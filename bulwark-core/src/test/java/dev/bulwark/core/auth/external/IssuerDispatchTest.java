package dev.bulwark.core.auth.external;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.bulwark.core.auth.token.AccessTokenIssuer;
import dev.bulwark.core.auth.token.AccessTokenVerifier;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenConfig;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.core.auth.external.ExternalTokens.AUDIENCE;
import static dev.bulwark.core.auth.external.ExternalTokens.ISSUER;
import static dev.bulwark.core.auth.external.ExternalTokens.b64;
import static dev.bulwark.core.auth.external.ExternalTokens.header;
import static dev.bulwark.core.auth.external.ExternalTokens.keycloakPayload;
import static dev.bulwark.core.auth.external.ExternalTokens.signRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bulwark's own tokens and two providers' tokens behind one verifier that routes by the claimed issuer. */
class IssuerDispatchTest {

    private static final String OWN_ISSUER = "https://auth.bulwark.test";
    private static final String OTHER_ISSUER = "https://tenant.auth0.test/";
    private static final RSAKey KEYCLOAK_KEY = ExternalTokens.rsa("kc-1");
    private static final JWK AUTH0_KEY = ExternalTokens.ec("a0-1");

    private final FakeClock clock = new FakeClock();
    private final long now = clock.instant().getEpochSecond();
    private final KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
    private final TokenConfig ownConfig = TokenConfig.of(OWN_ISSUER, "bulwark-api");
    private JwksServer keycloak;
    private JwksServer auth0;
    private ExternalTokenVerifier keycloakVerifier;
    private ExternalTokenVerifier auth0Verifier;
    private IssuerDispatch dispatch;

    @BeforeEach
    void start() throws Exception {
        keycloak = new JwksServer(KEYCLOAK_KEY.toPublicJWK());
        auth0 = new JwksServer(AUTH0_KEY.toPublicJWK());
        keycloakVerifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ISSUER, keycloak.url(), AUDIENCE)
                .withRolesClaim("realm_access.roles"), clock);
        auth0Verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(OTHER_ISSUER, auth0.url(), AUDIENCE)
                .withAlgorithms(Set.of(TokenAlgorithm.ES256)), clock);
        keycloakVerifier.keys().refresh().get(5, TimeUnit.SECONDS);
        auth0Verifier.keys().refresh().get(5, TimeUnit.SECONDS);
        dispatch = IssuerDispatch.of(new AccessTokenVerifier(ring, ownConfig, clock),
                List.of(keycloakVerifier, auth0Verifier));
    }

    @AfterEach
    void stop() {
        keycloakVerifier.close();
        auth0Verifier.close();
        keycloak.close();
        auth0.close();
    }

    private static TokenVerification.Refused refused(TokenFailure failure) {
        return new TokenVerification.Refused(failure);
    }

    private String auth0Token(String issuer) {
        return signRaw(header(AUTH0_KEY), "{\"iss\":\"" + issuer + "\",\"sub\":\"auth0|7\",\"aud\":\"" + AUDIENCE
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 600) + ",\"roles\":[\"viewer\"]}", AUTH0_KEY);
    }

    @Test
    void eachTokenIsVerifiedByTheIssuerItNames() {
        String own = new AccessTokenIssuer(ring, ownConfig, clock).issue("u-1", "s-1", List.of("admin"), null).token();

        assertThat(dispatch.verify(own)).isInstanceOfSatisfying(TokenVerification.Verified.class,
                v -> assertThat(v.token().issuer()).isEqualTo(OWN_ISSUER));
        assertThat(dispatch.verify(ExternalTokens.token(KEYCLOAK_KEY, now)))
                .isInstanceOfSatisfying(TokenVerification.Verified.class, v -> {
                    assertThat(v.token().issuer()).isEqualTo(ISSUER);
                    assertThat(v.token().roles()).containsExactly("admin", "offline_access");
                });
        assertThat(dispatch.verify(auth0Token(OTHER_ISSUER)))
                .isInstanceOfSatisfying(TokenVerification.Verified.class, v -> {
                    assertThat(v.token().issuer()).isEqualTo(OTHER_ISSUER);
                    assertThat(v.token().roles()).containsExactly("viewer");
                });
        assertThat(dispatch.issuers()).containsExactlyInAnyOrder(OWN_ISSUER, ISSUER, OTHER_ISSUER);
    }

    @Test
    void aTokenNamingAnIssuerNobodyTrustsIsRefusedWithoutBeingLookedAtFurther() {
        assertThat(dispatch.verify(auth0Token("https://evil.example/"))).isEqualTo(refused(TokenFailure.WRONG_ISSUER));
        assertThat(dispatch.verify(auth0Token(OTHER_ISSUER.replace("https", "http"))))
                .isEqualTo(refused(TokenFailure.WRONG_ISSUER));
        assertThat(dispatch.verify(signRaw(header(AUTH0_KEY), "{\"sub\":\"x\"}", AUTH0_KEY)))
                .isEqualTo(refused(TokenFailure.WRONG_ISSUER));
        assertThat(keycloak.requests() + auth0.requests()).isEqualTo(2);
    }

    @Test
    void lyingAboutTheIssuerGainsNothing() {
        // Signed by the Auth0 key but naming Keycloak: Keycloak's verifier does not know the key.
        assertThat(dispatch.verify(auth0Token(ISSUER))).isEqualTo(refused(TokenFailure.UNKNOWN_KEY));
        // Naming Bulwark with a provider's key.
        assertThat(dispatch.verify(auth0Token(OWN_ISSUER))).isEqualTo(refused(TokenFailure.UNKNOWN_KEY));
    }

    @Test
    void aPayloadThatCannotBeReadSafelyIsMalformed() {
        String h = b64("{\"alg\":\"RS256\",\"kid\":\"kc-1\"}");
        assertThat(dispatch.verify(h + "." + b64("{\"iss\":\"" + ISSUER + "\",\"iss\":\"" + OTHER_ISSUER + "\"}")
                + ".AAAA")).isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(h + "." + b64("{\"iss\":42}") + ".AAAA")).isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(h + "." + b64("[\"" + ISSUER + "\"]") + ".AAAA"))
                .isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(h + "." + b64("{\"iss\":\"" + ISSUER + "\"} {}") + ".AAAA"))
                .isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(h + "." + b64("{\"a\":" + "[".repeat(100_000)) + ".AAAA"))
                .isIn(refused(TokenFailure.MALFORMED), refused(TokenFailure.OVERSIZED));
        assertThat(dispatch.verify(h + "." + b64("{\"a\":" + "[".repeat(20_000)) + ".AAAA"))
                .isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(h + ".A.AAAA")).isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(h + "." + b64("{\"iss\":") + ".AAAA")).isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify("Bearer " + ExternalTokens.token(KEYCLOAK_KEY, now)))
                .isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify(null)).isEqualTo(refused(TokenFailure.MALFORMED));
        assertThat(dispatch.verify("A".repeat(70_000) + "..")).isEqualTo(refused(TokenFailure.OVERSIZED));
    }

    @Test
    void nestedIssClaimsDoNotChooseTheVerifier() {
        String payload = keycloakPayload(now, "").replace("\"iss\":\"" + ISSUER + "\",", "")
                .replace("\"tenant\"", "\"nested\":{\"iss\":\"" + ISSUER + "\"},\"tenant\"");

        assertThat(dispatch.verify(signRaw(header(KEYCLOAK_KEY), payload, KEYCLOAK_KEY)))
                .isEqualTo(refused(TokenFailure.WRONG_ISSUER));
    }

    @Test
    void twoVerifiersForOneIssuerAreRefusedAtStartup() {
        assertThatThrownBy(() -> IssuerDispatch.of(new AccessTokenVerifier(ring, ownConfig, clock),
                List.of(keycloakVerifier, keycloakVerifier)))
                .hasMessage("issuer is trusted twice: " + ISSUER);
        assertThatThrownBy(() -> IssuerDispatch.ofExternal(List.of()))
                .hasMessage("issuer dispatch needs at least one issuer: {}");
    }
}
