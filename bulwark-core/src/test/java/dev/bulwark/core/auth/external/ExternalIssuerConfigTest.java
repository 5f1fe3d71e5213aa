package dev.bulwark.core.auth.external;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import static dev.bulwark.core.auth.external.ExternalTokens.AUDIENCE;
import static dev.bulwark.core.auth.external.ExternalTokens.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalIssuerConfigTest {

    private static final URI URL = URI.create("https://idp.test/realms/shop/protocol/openid-connect/certs");

    private static ExternalIssuerConfig byUrl() {
        return ExternalIssuerConfig.fromUrl(ISSUER, URL, AUDIENCE);
    }

    @Test
    void theDefaultsAreRs256RolesTenantAndTheDocumentedIntervals() {
        ExternalIssuerConfig config = byUrl();

        assertThat(config.algorithms()).containsExactly(TokenAlgorithm.RS256);
        assertThat(config.rolesClaim()).isEqualTo("roles");
        assertThat(config.tenantClaim()).isEqualTo("tenant");
        assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.refreshInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.minRefetchInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxTokenLength()).isEqualTo(8192);
    }

    @Test
    void badValuesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> ExternalIssuerConfig.fromUrl(" ", URL, AUDIENCE))
                .hasMessage("external issuer must not be blank:  ");
        assertThatThrownBy(() -> ExternalIssuerConfig.fromUrl(ISSUER, URI.create("ftp://idp.test/certs"), AUDIENCE))
                .hasMessage("jwks url must be an http or https url: ftp://idp.test/certs");
        assertThatThrownBy(() -> ExternalIssuerConfig.fromUrl(ISSUER, URI.create("/certs"), AUDIENCE))
                .hasMessage("jwks url must be an http or https url: /certs");
        assertThatThrownBy(() -> ExternalIssuerConfig.fromUrl(ISSUER, URL, ""))
                .hasMessage("external issuer audience must not be blank: ");
        assertThatThrownBy(() -> byUrl().withAlgorithms(Set.of()))
                .hasMessage("external issuer algorithms must not be empty: " + ISSUER);
        assertThatThrownBy(() -> byUrl().withRolesClaim("realm_access..roles"))
                .hasMessage("roles claim must be a claim name or a dotted claim path: realm_access..roles");
        assertThatThrownBy(() -> byUrl().withTenantClaim(".tenant"))
                .hasMessage("tenant claim must be a claim name or a dotted claim path: .tenant");
        assertThatThrownBy(() -> byUrl().withClockSkew(Duration.ofMinutes(10)))
                .hasMessage("external issuer clock skew must be 0 to 5m: PT10M");
        assertThatThrownBy(() -> byUrl().withRefreshInterval(Duration.ofSeconds(10)))
                .hasMessage("jwks refresh interval must be 1m to 24h: PT10S");
        assertThatThrownBy(() -> byUrl().withMinRefetchInterval(Duration.ZERO))
                .hasMessage("jwks min refetch interval must be 1s to 1h: PT0S");
        assertThatThrownBy(() -> byUrl().withMaxTokenLength(100))
                .hasMessage("max token length must be 512 to 65536: 100");
    }

    @Test
    void exactlyOneOfUrlAndStaticJwksIsGiven() {
        assertThatThrownBy(() -> new ExternalIssuerConfig(ISSUER, null, null, AUDIENCE, Set.of(TokenAlgorithm.RS256),
                "roles", null, Duration.ZERO, Duration.ofMinutes(10), Duration.ofSeconds(30), 8192))
                .hasMessage("external issuer needs exactly one of jwks url and jwks: " + ISSUER);
        assertThatThrownBy(() -> new ExternalIssuerConfig(ISSUER, URL, "{\"keys\":[]}", AUDIENCE,
                Set.of(TokenAlgorithm.RS256), "roles", null, Duration.ZERO, Duration.ofMinutes(10),
                Duration.ofSeconds(30), 8192))
                .hasMessage("external issuer needs exactly one of jwks url and jwks: " + ISSUER);
    }

    @Test
    void hmacIsNeverAcceptedWithAJwksUrl() {
        assertThatThrownBy(() -> byUrl().withAlgorithms(Set.of(TokenAlgorithm.RS256, TokenAlgorithm.HS256)))
                .hasMessage("hs256 needs a static jwks, never a jwks url: " + URL);
    }

    @Test
    void aJwksUrlWithCredentialsIsRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> ExternalIssuerConfig.fromUrl(ISSUER,
                URI.create("https://admin:hunter2@idp.test/certs"), AUDIENCE))
                .hasMessage("jwks url must not carry credentials: https://idp.test")
                .message().doesNotContain("hunter2");
    }

    @Test
    void aStaticJwksMustHoldAUsableKeyAndIsNeverEchoed() throws Exception {
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("hs-1").generate();
        String jwks = new JWKSet(secret).toString(false);

        assertThatThrownBy(() -> ExternalIssuerConfig.fromJwks(ISSUER, "{\"keys\":", AUDIENCE))
                .hasMessage("jwks of external issuer is not a valid jwk set: " + ISSUER);
        assertThatThrownBy(() -> ExternalIssuerConfig.fromJwks(ISSUER, jwks, AUDIENCE))
                .hasMessage("jwks of external issuer has no usable signing key for [RS256]: " + ISSUER)
                .message().doesNotContain(secret.getKeyValue().toString());

        ExternalIssuerConfig hmac = ExternalIssuerConfig.fromJwks(ISSUER, jwks, AUDIENCE,
                Set.of(TokenAlgorithm.HS256));
        assertThat(hmac.toString()).doesNotContain(secret.getKeyValue().toString()).contains("jwks=(static)");
    }
}
