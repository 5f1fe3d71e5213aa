package dev.bulwark.core.auth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.bulwark.core.auth.token.TokenFixtures.b64;
import static dev.bulwark.core.auth.token.TokenFixtures.payload;
import static dev.bulwark.core.auth.token.TokenFixtures.signRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

/** Every token an attacker might present, refused for the right reason and without an exception. */
class MaliciousTokenTest {

    private static final FakeClock CLOCK = new FakeClock();
    private static final Instant NOW = CLOCK.instant();
    private static final long T = NOW.getEpochSecond();
    private static final TokenConfig CONFIG = TokenConfig.of(TokenFixtures.ISSUER, TokenFixtures.AUDIENCE);

    private static final JWK ED = SigningKeys.generate(TokenAlgorithm.EDDSA);
    private static final JWK RS = SigningKeys.generate(TokenAlgorithm.RS256);
    private static final JWK ATTACKER = SigningKeys.generate(TokenAlgorithm.EDDSA);
    private static final KeyRing RING = new KeyRing(List.of(
            new RingKey(ED, NOW, null),
            new RingKey(RS, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)))), JwsProviders.FASTEST);
    private static final AccessTokenVerifier VERIFIER = new AccessTokenVerifier(RING, CONFIG, CLOCK);
    private static final JWSSigner ED_SIGNER = JwsProviders.signer(ED, TokenAlgorithm.EDDSA);
    private static final JWSSigner RS_SIGNER = JwsProviders.signer(RS, TokenAlgorithm.RS256);
    private static final JWSSigner ATTACKER_SIGNER = JwsProviders.signer(ATTACKER, TokenAlgorithm.EDDSA);
    private static final String VALID = valid();

    private static String header(String alg, String kid) {
        return "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}";
    }

    private static String edHeader(String extra) {
        return "{\"alg\":\"EdDSA\",\"kid\":\"" + ED.getKeyID() + "\"" + extra + "}";
    }

    private static String ed(String headerJson, String payloadJson) {
        return signRaw(headerJson, payloadJson, ED_SIGNER, JWSAlgorithm.EdDSA);
    }

    private static String good() {
        return payload(T, T + 900, "");
    }

    private static String valid() {
        return ed(header("EdDSA", ED.getKeyID()), good());
    }

    private static String unsigned(String alg) {
        return b64("{\"alg\":\"" + alg + "\",\"kid\":\"" + ED.getKeyID() + "\"}") + "." + b64(good()) + ".";
    }

    private static String hmacWith(byte[] secret, String kid) {
        try {
            return signRaw(header("HS256", kid), good(), new MACSigner(secret), JWSAlgorithm.HS256);
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
        byte[] rsaPublicDer = ((RSAKey) RS).toRSAPublicKey().getEncoded();
        String attackerJwk = ATTACKER.toPublicJWK().toJSONString();
        return Stream.of(
                row("alg none", () -> unsigned("none"), TokenFailure.MALFORMED),
                row("alg None", () -> unsigned("None"), TokenFailure.MALFORMED),
                row("alg NONE", () -> unsigned("NONE"), TokenFailure.MALFORMED),
                row("alg nOnE", () -> unsigned("nOnE"), TokenFailure.MALFORMED),
                row("alg NONE with a copied valid signature",
                        () -> unsigned("NONE") + parts(VALID)[2], TokenFailure.ALGORITHM_MISMATCH),
                row("alg none with a copied valid signature",
                        () -> unsigned("none") + parts(VALID)[2], TokenFailure.MALFORMED),
                row("hs256 signed with the rsa public key (key confusion)",
                        () -> hmacWith(rsaPublicDer, RS.getKeyID()), TokenFailure.ALGORITHM_MISMATCH),
                row("hs256 signed with the ed25519 public key bytes padded to 32+ bytes",
                        () -> hmacWith((ED.toPublicJWK().toJSONString()).getBytes(), ED.getKeyID()),
                        TokenFailure.ALGORITHM_MISMATCH),
                row("rs256 declared on the ed25519 key",
                        () -> signRaw(header("RS256", ED.getKeyID()), good(), RS_SIGNER, JWSAlgorithm.RS256),
                        TokenFailure.ALGORITHM_MISMATCH),
                row("eddsa declared on the rsa key",
                        () -> signRaw(header("EdDSA", RS.getKeyID()), good(), ED_SIGNER, JWSAlgorithm.EdDSA),
                        TokenFailure.ALGORITHM_MISMATCH),
                row("embedded jwk of the attacker's key",
                        () -> signRaw("{\"alg\":\"EdDSA\",\"kid\":\"" + ATTACKER.getKeyID() + "\",\"jwk\":"
                                + attackerJwk + "}", good(), ATTACKER_SIGNER, JWSAlgorithm.EdDSA),
                        TokenFailure.FORBIDDEN_HEADER),
                row("embedded jwk with our kid, signed by the attacker",
                        () -> signRaw(edHeader(",\"jwk\":" + attackerJwk), good(), ATTACKER_SIGNER,
                                JWSAlgorithm.EdDSA), TokenFailure.FORBIDDEN_HEADER),
                row("jku pointing elsewhere",
                        () -> ed(edHeader(",\"jku\":\"https://evil.example/jwks.json\""), good()),
                        TokenFailure.FORBIDDEN_HEADER),
                row("x5u pointing elsewhere",
                        () -> ed(edHeader(",\"x5u\":\"https://evil.example/cert.pem\""), good()),
                        TokenFailure.FORBIDDEN_HEADER),
                row("x5c certificate chain",
                        () -> ed(edHeader(",\"x5c\":[\"MIIBszCCAVmgAwIBAgIUQ0FGRQ==\"]"), good()),
                        TokenFailure.FORBIDDEN_HEADER),
                row("crit header", () -> ed(edHeader(",\"crit\":[\"exp\"],\"exp\":1"), good()),
                        TokenFailure.FORBIDDEN_HEADER),
                row("b64 false (unencoded payload)", () -> ed(edHeader(",\"b64\":false,\"crit\":[\"b64\"]"), good()),
                        TokenFailure.FORBIDDEN_HEADER),
                row("nested jwt content type", () -> ed(edHeader(",\"cty\":\"JWT\""), good()),
                        TokenFailure.FORBIDDEN_HEADER),
                row("kid path traversal", () -> ed(header("EdDSA", "../../etc/passwd"), good()),
                        TokenFailure.UNKNOWN_KEY),
                row("kid sql injection", () -> ed(header("EdDSA", "x' OR '1'='1' --"), good()),
                        TokenFailure.UNKNOWN_KEY),
                row("kid url", () -> ed(header("EdDSA", "https://evil.example/key"), good()),
                        TokenFailure.UNKNOWN_KEY),
                row("unknown kid signed by the attacker",
                        () -> signRaw(header("EdDSA", ATTACKER.getKeyID()), good(), ATTACKER_SIGNER,
                                JWSAlgorithm.EdDSA), TokenFailure.UNKNOWN_KEY),
                row("no kid", () -> ed("{\"alg\":\"EdDSA\"}", good()), TokenFailure.UNKNOWN_KEY),
                row("our kid, signed by the attacker",
                        () -> signRaw(header("EdDSA", ED.getKeyID()), good(), ATTACKER_SIGNER, JWSAlgorithm.EdDSA),
                        TokenFailure.BAD_SIGNATURE),
                row("tampered payload (role escalation)", () -> {
                    String[] p = parts(VALID);
                    return p[0] + "." + b64(payload(T, T + 900, "").replace("[\"customer\"]", "[\"admin\"]"))
                            + "." + p[2];
                }, TokenFailure.BAD_SIGNATURE),
                row("tampered payload (other subject)", () -> {
                    String[] p = parts(VALID);
                    return p[0] + "." + b64(good().replace("user-1", "user-2")) + "." + p[2];
                }, TokenFailure.BAD_SIGNATURE),
                row("signature stripped", () -> VALID.substring(0, VALID.lastIndexOf('.') + 1),
                        TokenFailure.MALFORMED),
                row("signature truncated", () -> VALID.substring(0, VALID.length() - 10), TokenFailure.BAD_SIGNATURE),
                row("signature from another token", () -> {
                    String other = ed(header("EdDSA", ED.getKeyID()), payload(T, T + 600, ""));
                    String[] p = parts(VALID);
                    return p[0] + "." + p[1] + "." + parts(other)[2];
                }, TokenFailure.BAD_SIGNATURE),
                row("expired", () -> ed(header("EdDSA", ED.getKeyID()), payload(T - 1000, T - 100, "")),
                        TokenFailure.EXPIRED),
                row("not yet valid (nbf ahead)", () -> ed(header("EdDSA", ED.getKeyID()),
                        payload(T, T + 900, "").replace("\"nbf\":" + T, "\"nbf\":" + (T + 300))),
                        TokenFailure.NOT_YET_VALID),
                row("issued in the future beyond the skew",
                        () -> ed(header("EdDSA", ED.getKeyID()), payload(T + 120, T + 900, "")
                                .replace("\"nbf\":" + (T + 120), "\"nbf\":" + T)), TokenFailure.ISSUED_IN_FUTURE),
                row("wrong issuer", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace(TokenFixtures.ISSUER, "https://evil.example")), TokenFailure.WRONG_ISSUER),
                row("wrong audience", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace(TokenFixtures.AUDIENCE, "other-api")), TokenFailure.WRONG_AUDIENCE),
                row("missing exp", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace(",\"exp\":" + (T + 900), "")), TokenFailure.MISSING_CLAIM),
                row("missing sid", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace("\"sid\":\"s-1\",", "")), TokenFailure.MISSING_CLAIM),
                row("exp as a string", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace("\"exp\":" + (T + 900), "\"exp\":\"never\"")), TokenFailure.MALFORMED),
                row("roles as a string", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace("[\"customer\"]", "\"admin\"")), TokenFailure.MALFORMED),
                row("duplicate claims (roles twice)", () -> ed(header("EdDSA", ED.getKeyID()),
                        good().replace("}", ",\"roles\":[\"admin\"]}")), TokenFailure.MALFORMED),
                row("duplicate header alg", () -> ed("{\"alg\":\"none\",\"alg\":\"EdDSA\",\"kid\":\""
                        + ED.getKeyID() + "\"}", good()), TokenFailure.MALFORMED),
                row("wrong typ", () -> ed(edHeader(",\"typ\":\"secevent+jwt\""), good()), TokenFailure.WRONG_TYPE),
                row("oversized (100 KB)", () -> ed(header("EdDSA", ED.getKeyID()),
                        payload(T, T + 900, ",\"pad\":\"" + "A".repeat(100_000) + "\"")), TokenFailure.OVERSIZED),
                row("malformed base64", () -> VALID.replaceFirst("\\.", "*."), TokenFailure.MALFORMED),
                row("base64 padding", () -> parts(VALID)[0] + "=." + parts(VALID)[1] + "." + parts(VALID)[2],
                        TokenFailure.MALFORMED),
                row("malformed json header",
                        () -> b64("{\"alg\":\"EdDSA\",") + "." + parts(VALID)[1] + "." + parts(VALID)[2],
                        TokenFailure.MALFORMED),
                row("malformed json payload", () -> ed(header("EdDSA", ED.getKeyID()), "{\"sub\":"),
                        TokenFailure.MALFORMED),
                row("payload not json", () -> ed(header("EdDSA", ED.getKeyID()), "hello"), TokenFailure.MALFORMED),
                row("two parts", () -> parts(VALID)[0] + "." + parts(VALID)[1], TokenFailure.MALFORMED),
                row("five parts (jwe-looking)", () -> b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + "..AAAA.BBBB.CCCC",
                        TokenFailure.MALFORMED),
                row("whitespace padded", () -> " " + VALID + " ", TokenFailure.MALFORMED),
                row("bearer prefix left on", () -> "Bearer " + VALID, TokenFailure.MALFORMED),
                row("line break inside", () -> VALID.substring(0, 20) + "\n" + VALID.substring(20),
                        TokenFailure.MALFORMED),
                row("unicode homoglyph alg (cyrillic e)", () -> ed(header("\u0415dDSA", ED.getKeyID()), good()),
                        TokenFailure.ALGORITHM_MISMATCH),
                row("unicode escape alg", () -> ed("{\"alg\":\"Ed\\u0044SA \",\"kid\":\"" + ED.getKeyID() + "\"}",
                        good()), TokenFailure.ALGORITHM_MISMATCH),
                row("empty string", () -> "", TokenFailure.MALFORMED),
                row("null", () -> null, TokenFailure.MALFORMED),
                row("three dots only", () -> "..", TokenFailure.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousTokens")
    void maliciousTokenIsRefused(Supplier<String> token, TokenFailure expected) {
        assertThat(VERIFIER.verify(token.get())).isEqualTo(new TokenVerification.Refused(expected));
    }

    @Test
    void theHonestTokenTheTableIsBuiltFromVerifies() {
        assertThat(VERIFIER.verify(VALID).isVerified()).isTrue();
    }

    @Test
    void aTokenSignedByTheRetiringKeyStillVerifies() {
        String token = signRaw(header("RS256", RS.getKeyID()), good(), RS_SIGNER, JWSAlgorithm.RS256);

        assertThat(VERIFIER.verify(token).isVerified()).isTrue();
    }

    @Test
    void theTableHasAtLeastThirtyAttacks() throws Exception {
        assertThat(maliciousTokens().count()).isGreaterThanOrEqualTo(30);
    }
}
