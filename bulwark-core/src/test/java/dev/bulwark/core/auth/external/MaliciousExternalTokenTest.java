package dev.bulwark.core.auth.external;

import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.bulwark.core.auth.external.ExternalTokens.b64;
import static dev.bulwark.core.auth.external.ExternalTokens.header;
import static dev.bulwark.core.auth.external.ExternalTokens.keycloakPayload;
import static dev.bulwark.core.auth.external.ExternalTokens.signRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

/** Every token an attacker might present to an external issuer's verifier, refused for the right reason. */
class MaliciousExternalTokenTest {

    private static final FakeClock CLOCK = new FakeClock();
    private static final long T = CLOCK.instant().getEpochSecond();
    private static final RSAKey RS = ExternalTokens.rsa("rs-1");
    private static final JWK ES = ExternalTokens.ec("es-1");
    private static final JWK ATTACKER = ExternalTokens.rsa("attacker-1");
    private static final String GOOD = keycloakPayload(T, "");
    private static final String VALID = signRaw(header(RS), GOOD, RS);

    private static JwksServer server;
    private static ExternalTokenVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        server = new JwksServer(RS.toPublicJWK(), ES.toPublicJWK());
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ExternalTokens.ISSUER, server.url(),
                ExternalTokens.AUDIENCE).withAlgorithms(Set.of(TokenAlgorithm.RS256, TokenAlgorithm.ES256))
                .withRolesClaim("realm_access.roles"), CLOCK);
        assertThat(verifier.keys().refresh().get(5, TimeUnit.SECONDS)).isTrue();
    }

    @AfterAll
    static void stop() {
        verifier.close();
        server.close();
    }

    private static String rsHeader(String extra) {
        return "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rs-1\"" + extra + "}";
    }

    private static String rs(String headerJson, String payloadJson) {
        return signRaw(headerJson, payloadJson, RS);
    }

    private static String withKid(String kid) {
        return rs("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}", GOOD);
    }

    private static String unsigned(String alg) {
        return b64("{\"alg\":\"" + alg + "\",\"kid\":\"rs-1\"}") + "." + b64(GOOD) + ".";
    }

    private static String hmacWith(byte[] secret, String kid) {
        try {
            return signRaw("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}", GOOD, new MACSigner(secret), "HS256");
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
    }

    private static String[] parts(String token) {
        return token.split("\\.");
    }

    private static Arguments row(String name, Supplier<String> token, TokenFailure expected) {
        return Arguments.of(named(name, token), expected);
    }

    static Stream<Arguments> maliciousTokens() throws Exception {
        byte[] rsaPublicDer = RS.toRSAPublicKey().getEncoded();
        byte[] rsaPublicJwk = RS.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String attackerJwk = ATTACKER.toPublicJWK().toJSONString();
        return Stream.of(
                row("alg none", () -> unsigned("none"), TokenFailure.MALFORMED),
                row("alg None", () -> unsigned("None"), TokenFailure.MALFORMED),
                row("alg NONE with a copied valid signature", () -> unsigned("NONE") + parts(VALID)[2],
                        TokenFailure.ALGORITHM_MISMATCH),
                row("hs256 signed with the rsa public key der (key confusion)",
                        () -> hmacWith(rsaPublicDer, "rs-1"), TokenFailure.ALGORITHM_MISMATCH),
                row("hs256 signed with the published jwk json (key confusion)",
                        () -> hmacWith(rsaPublicJwk, "rs-1"), TokenFailure.ALGORITHM_MISMATCH),
                row("es256 declared on the rsa key",
                        () -> signRaw("{\"alg\":\"ES256\",\"kid\":\"rs-1\"}", GOOD, ES), TokenFailure.ALGORITHM_MISMATCH),
                row("rs256 declared on the ec key",
                        () -> rs("{\"alg\":\"RS256\",\"kid\":\"es-1\"}", GOOD), TokenFailure.ALGORITHM_MISMATCH),
                row("jku pointing at the attacker's jwks",
                        () -> signRaw("{\"alg\":\"RS256\",\"kid\":\"attacker-1\",\"jku\":\"http://127.0.0.1:1/jwks\"}",
                                GOOD, ATTACKER), TokenFailure.FORBIDDEN_HEADER),
                row("jku with our kid", () -> rs(rsHeader(",\"jku\":\"https://evil.example/jwks.json\""), GOOD),
                        TokenFailure.FORBIDDEN_HEADER),
                row("x5u pointing elsewhere", () -> rs(rsHeader(",\"x5u\":\"https://evil.example/cert.pem\""), GOOD),
                        TokenFailure.FORBIDDEN_HEADER),
                row("embedded jwk of the attacker's key",
                        () -> signRaw("{\"alg\":\"RS256\",\"kid\":\"attacker-1\",\"jwk\":" + attackerJwk + "}", GOOD,
                                ATTACKER), TokenFailure.FORBIDDEN_HEADER),
                row("embedded jwk with our kid, signed by the attacker",
                        () -> signRaw(rsHeader(",\"jwk\":" + attackerJwk), GOOD, ATTACKER),
                        TokenFailure.FORBIDDEN_HEADER),
                row("x5c certificate chain", () -> rs(rsHeader(",\"x5c\":[\"MIIBszCCAVmgAwIBAgIUQ0FGRQ==\"]"), GOOD),
                        TokenFailure.FORBIDDEN_HEADER),
                row("x5t thumbprint", () -> rs(rsHeader(",\"x5t\":\"AAAA\""), GOOD), TokenFailure.FORBIDDEN_HEADER),
                row("crit header", () -> rs(rsHeader(",\"crit\":[\"exp\"],\"exp\":1"), GOOD),
                        TokenFailure.FORBIDDEN_HEADER),
                row("nested jwt content type", () -> rs(rsHeader(",\"cty\":\"JWT\""), GOOD),
                        TokenFailure.FORBIDDEN_HEADER),
                row("kid path traversal", () -> withKid("../../x"), TokenFailure.UNKNOWN_KEY),
                row("kid path traversal to a file", () -> withKid("../../../../etc/passwd"), TokenFailure.UNKNOWN_KEY),
                row("kid url", () -> withKid("http://127.0.0.1:1/key"), TokenFailure.UNKNOWN_KEY),
                row("kid sql injection", () -> withKid("x' OR '1'='1' --"), TokenFailure.UNKNOWN_KEY),
                row("unknown kid signed by the attacker",
                        () -> signRaw(header(ATTACKER), GOOD, ATTACKER), TokenFailure.UNKNOWN_KEY),
                row("no kid with several keys", () -> rs("{\"alg\":\"RS256\"}", GOOD), TokenFailure.UNKNOWN_KEY),
                row("our kid, signed by the attacker", () -> signRaw(header(RS), GOOD, ATTACKER),
                        TokenFailure.BAD_SIGNATURE),
                row("tampered payload (role escalation)", () -> parts(VALID)[0] + "."
                        + b64(GOOD.replace("\"offline_access\"", "\"superadmin\"")) + "." + parts(VALID)[2],
                        TokenFailure.BAD_SIGNATURE),
                row("tampered payload (other subject)", () -> parts(VALID)[0] + "."
                        + b64(GOOD.replace("f3b1c2d4", "someone-else")) + "." + parts(VALID)[2],
                        TokenFailure.BAD_SIGNATURE),
                row("signature stripped", () -> VALID.substring(0, VALID.lastIndexOf('.') + 1),
                        TokenFailure.MALFORMED),
                row("signature truncated", () -> VALID.substring(0, VALID.length() - 10), TokenFailure.BAD_SIGNATURE),
                row("duplicate iss claim", () -> rs(header(RS), GOOD.replace("\"tenant\"",
                        "\"iss\":\"https://evil.example\",\"tenant\"")), TokenFailure.MALFORMED),
                row("wrong typ", () -> rs(rsHeader("").replace("\"JWT\"", "\"logout+jwt\""), GOOD),
                        TokenFailure.WRONG_TYPE),
                row("oversized (100 KB)", () -> rs(header(RS), keycloakPayload(T, ",\"pad\":\""
                        + "A".repeat(100_000) + "\"")), TokenFailure.OVERSIZED),
                row("bearer prefix left on", () -> "Bearer " + VALID, TokenFailure.MALFORMED),
                row("base64 padding", () -> parts(VALID)[0] + "=." + parts(VALID)[1] + "." + parts(VALID)[2],
                        TokenFailure.MALFORMED),
                row("payload not json", () -> rs(header(RS), "hello"), TokenFailure.MALFORMED),
                row("five parts (jwe-looking)", () -> b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}")
                        + ".AAAA.BBBB.CCCC.DDDD", TokenFailure.MALFORMED),
                row("empty string", () -> "", TokenFailure.MALFORMED),
                row("null", () -> null, TokenFailure.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousTokens")
    void maliciousTokenIsRefused(Supplier<String> token, TokenFailure expected) {
        assertThat(verifier.verify(token.get())).isEqualTo(new TokenVerification.Refused(expected));
    }

    @Test
    void theHonestTokenTheTableIsBuiltFromVerifies() {
        assertThat(verifier.verify(VALID).isVerified()).isTrue();
    }

    @Test
    void noHeaderEverMakesTheVerifierFetchFromWhereTheTokenPoints() {
        int before = server.requests();

        verifier.verify(signRaw("{\"alg\":\"RS256\",\"kid\":\"rs-1\",\"jku\":\"" + server.url() + "\"}", GOOD,
                ATTACKER));
        verifier.verify(signRaw("{\"alg\":\"RS256\",\"kid\":\"rs-1\",\"x5u\":\"" + server.url() + "\"}", GOOD,
                ATTACKER));

        assertThat(server.requests()).isEqualTo(before);
    }
}
