package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.token.JwsProviders;
import dev.bulwark.core.auth.token.RingKey;
import dev.bulwark.core.auth.token.SigningKeys;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.bulwark.core.auth.token.TokenFailure.ALGORITHM_MISMATCH;
import static dev.bulwark.core.auth.token.TokenFailure.BAD_SIGNATURE;
import static dev.bulwark.core.auth.token.TokenFailure.EXPIRED;
import static dev.bulwark.core.auth.token.TokenFailure.FORBIDDEN_HEADER;
import static dev.bulwark.core.auth.token.TokenFailure.ISSUED_IN_FUTURE;
import static dev.bulwark.core.auth.token.TokenFailure.MALFORMED;
import static dev.bulwark.core.auth.token.TokenFailure.MISSING_CLAIM;
import static dev.bulwark.core.auth.token.TokenFailure.NOT_YET_VALID;
import static dev.bulwark.core.auth.token.TokenFailure.OVERSIZED;
import static dev.bulwark.core.auth.token.TokenFailure.UNKNOWN_KEY;
import static dev.bulwark.core.auth.token.TokenFailure.WRONG_AUDIENCE;
import static dev.bulwark.core.auth.token.TokenFailure.WRONG_ISSUER;
import static dev.bulwark.core.auth.token.TokenFailure.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

/**
 * Every token an attacker might present, sent as {@code Authorization: Bearer ...} through a real gateway to a
 * route with {@code auth: required}: each is answered 401 with an {@code invalid_token} challenge and a problem
 * that does not say which check failed (the security event says, for operators), and none reaches the upstream.
 * The one exception is an empty {@code Bearer}, which carries no credential at all and gets the plain challenge
 * (RFC 6750 §3.1).
 *
 * <p>Tokens are forged against the gateway's own key ring (its active Ed25519 key signs whatever an attacker
 * who had it would need), so each refusal is due to the attack itself and not to a key the gateway never knew.
 * Requests go over a raw socket, so duplicate headers, tabs and 70 KiB tokens arrive exactly as written.
 */
class MaliciousTokenGatewayTest {

    static final String ISSUER = "https://auth.bulwark.test";
    static final String AUDIENCE = "bulwark-api";
    static final String PASSWORD = "sEcReT-malicious-token-suite-passphrase-9";
    static final String ROUTE = "/api/orders";
    private static final String INVALID_CHALLENGE = "Bearer realm=\"bulwark\", error=\"invalid_token\"";
    private static final String TWO_AUTHORIZATION_HEADERS = "more than one authorization header";

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final AtomicInteger upstreamHits = new AtomicInteger();
    private static final AtomicReference<String> upstreamAuthorization = new AtomicReference<>();

    private static final JWK ATTACKER_ED = SigningKeys.generate(TokenAlgorithm.EDDSA);
    private static final JWK ATTACKER_RS = SigningKeys.generate(TokenAlgorithm.RS256);
    private static final JWK ATTACKER_ES = SigningKeys.generate(TokenAlgorithm.ES256);

    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway gateway;
    /** The gateway's active signing key (private): forging with it leaves only the attack to be refused. */
    private static OctetKeyPair ringKey;
    private static JWSSigner ringSigner;
    /** An access token the gateway issued at login. */
    private static String issued;
    /** The one detail every token-invalid refusal carries. */
    private static String invalidDetail;

    /** What the client must see. */
    enum Refusal {
        INVALID(INVALID_CHALLENGE, Reason.TOKEN_INVALID),
        EXPIRED(INVALID_CHALLENGE, Reason.TOKEN_EXPIRED),
        /** No bearer credential at all: RFC 6750 §3.1 says the challenge then carries no error code. */
        NO_CREDENTIAL("Bearer realm=\"bulwark\"", Reason.AUTHENTICATION_REQUIRED);

        final String challenge;
        final Reason reason;

        Refusal(String challenge, Reason reason) {
            this.challenge = challenge;
            this.reason = reason;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request -> {
            upstreamHits.incrementAndGet();
            upstreamAuthorization.set(request.getHeader("Authorization"));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        AuthConfig auth = AuthConfig.builder().issuer(ISSUER).audience(AUDIENCE)
                .hashing(AuthFlowTest.FAST_HASHING).build();
        BulwarkConfig config = BulwarkConfig.builder()
                // Well above the 64 KiB the largest forged token needs, so every token reaches the authenticator
                // rather than the header limit (which answers 431 and is tested elsewhere).
                .server(ServerConfig.builder().host("127.0.0.1").port(0).maxHeaderBytes(256 * 1024)
                        .shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + upstream.actualPort()))
                .auth(auth)
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                .build();
        gateway = Gateway.start(config, GatewayOptions.defaults().withClock(clock).withEvents(events)
                .withEventLoops(2));

        RingKey active = gateway.auth().orElseThrow().ring().active();
        assertThat(active.algorithm()).isEqualTo(TokenAlgorithm.EDDSA);
        ringKey = (OctetKeyPair) active.key();
        ringSigner = JwsProviders.signer(ringKey, TokenAlgorithm.EDDSA);

        String email = "attacked-" + UUID.randomUUID() + "@example.com";
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        assertThat(identity.createUser(email, PASSWORD, Set.of("customer"), Set.of()).toCompletableFuture().join())
                .isInstanceOf(Identity.CreateOutcome.Created.class);
        issued = new AuthClient(gateway).login(email, PASSWORD).get("accessToken").asText();

        WireRequest.Reply reference = send(List.of("Bearer sEcReT-not-a-token-at-all"));
        assertThat(reference.status()).isEqualTo(401);
        invalidDetail = AuthClient.JSON.readTree(reference.body()).get("detail").asText();
        assertThat(invalidDetail).as("the generic detail names no check")
                .doesNotContainIgnoringCase("signature").doesNotContainIgnoringCase("kid")
                .doesNotContainIgnoringCase("key").doesNotContainIgnoringCase("alg")
                .doesNotContainIgnoringCase("issuer").doesNotContainIgnoringCase("audience")
                .doesNotContainIgnoringCase("header").doesNotContainIgnoringCase("malformed")
                .doesNotContainIgnoringCase("claim").doesNotContainIgnoringCase("size");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        events.clear();
    }

    // ---- the table ------------------------------------------------------------------------------------------

    static Stream<Arguments> attacks() {
        return Stream.of(
                // alg none, every spelling, with and without a signature
                bearer(MALFORMED, "alg none without signature", () -> unsigned("none") + "."),
                bearer(MALFORMED, "alg None without signature", () -> unsigned("None") + "."),
                bearer(MALFORMED, "alg NONE without signature", () -> unsigned("NONE") + "."),
                bearer(MALFORMED, "alg nOnE without signature", () -> unsigned("nOnE") + "."),
                bearer(MALFORMED, "alg none with a valid token's signature copied on",
                        () -> unsigned("none") + "." + parts(honest())[2]),
                bearer(ALGORITHM_MISMATCH, "alg NONE with a valid token's signature copied on",
                        () -> unsigned("NONE") + "." + parts(honest())[2]),

                // HMAC confusion: the verifier must never treat public material as a MAC secret
                bearer(ALGORITHM_MISMATCH, "hs256 with our kid, keyed with the ed25519 public key (key confusion)",
                        () -> hmac(header("HS256", kid()), json(claims()), ringKey.getX().decode())),
                bearer(ALGORITHM_MISMATCH, "hs256 with our kid, keyed with the published jwk text (key confusion)",
                        () -> hmac(header("HS256", kid()), json(claims()),
                                ringKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))),
                bearer(ALGORITHM_MISMATCH, "hs256 with our kid and an empty secret",
                        () -> hmac(header("HS256", kid()), json(claims()), EMPTY_HMAC_KEY)),
                bearer(UNKNOWN_KEY, "hs256 without kid and an empty secret",
                        () -> hmac(json(map("alg", "HS256", "typ", "at+jwt")), json(claims()), EMPTY_HMAC_KEY)),

                // header injection: nothing is fetched or trusted from a token
                bearer(FORBIDDEN_HEADER, "embedded jwk of the attacker's key under the attacker's kid",
                        () -> signed(json(map("alg", "EdDSA", "kid", ATTACKER_ED.getKeyID(),
                                "jwk", ATTACKER_ED.toPublicJWK().toJSONObject())), json(claims()), attacker())),
                bearer(FORBIDDEN_HEADER, "embedded jwk of the attacker's key under our kid",
                        () -> signed(json(map("alg", "EdDSA", "kid", kid(),
                                "jwk", ATTACKER_ED.toPublicJWK().toJSONObject())), json(claims()), attacker())),
                bearer(FORBIDDEN_HEADER, "jku pointing at the attacker's jwks, signed by the attacker",
                        () -> signed(json(map("alg", "EdDSA", "kid", ATTACKER_ED.getKeyID(),
                                "jku", "http://127.0.0.1:9/jwks.json")), json(claims()), attacker())),
                bearer(FORBIDDEN_HEADER, "jku on an otherwise perfect token signed with our key",
                        () -> ours(json(map("alg", "EdDSA", "kid", kid(), "typ", "at+jwt",
                                "jku", "https://evil.example/jwks.json")), json(claims()))),
                bearer(FORBIDDEN_HEADER, "x5u pointing elsewhere", () -> ours(json(map("alg", "EdDSA",
                        "kid", kid(), "x5u", "https://evil.example/cert.pem")), json(claims()))),
                bearer(FORBIDDEN_HEADER, "x5c certificate chain", () -> ours(json(map("alg", "EdDSA",
                        "kid", kid(), "x5c", List.of("MIIBszCCAVmgAwIBAgIUQ0FGRQ=="))), json(claims()))),
                bearer(FORBIDDEN_HEADER, "crit header naming a claim", () -> ours(json(map("alg", "EdDSA",
                        "kid", kid(), "crit", List.of("exp"), "exp", 1)), json(claims()))),

                // kid games
                bearer(UNKNOWN_KEY, "kid path traversal to /dev/null with an empty hs256 secret",
                        () -> hmac(header("HS256", "../../../../../../dev/null"), json(claims()), EMPTY_HMAC_KEY)),
                bearer(UNKNOWN_KEY, "kid path traversal, signed with our key",
                        () -> ours(header("EdDSA", "../../dev/null"), json(claims()))),
                bearer(UNKNOWN_KEY, "kid sql injection choosing the hs256 secret",
                        () -> hmac(header("HS256", "x' UNION SELECT 'sEcReT-injected-key' --"), json(claims()),
                                "sEcReT-injected-key".getBytes(StandardCharsets.UTF_8))),
                bearer(UNKNOWN_KEY, "unknown kid signed by that unknown key",
                        () -> signed(header("EdDSA", ATTACKER_ED.getKeyID()), json(claims()), attacker())),
                bearer(UNKNOWN_KEY, "no kid, signed with our key",
                        () -> ours(json(map("alg", "EdDSA", "typ", "at+jwt")), json(claims()))),
                bearer(ALGORITHM_MISMATCH, "our kid with alg RS256, signed by an rsa key",
                        () -> signed(header("RS256", kid()), json(claims()),
                                JwsProviders.signer(ATTACKER_RS, TokenAlgorithm.RS256), JWSAlgorithm.RS256)),
                bearer(ALGORITHM_MISMATCH, "our kid with alg ES256, signed by an ec key",
                        () -> signed(header("ES256", kid()), json(claims()),
                                JwsProviders.signer(ATTACKER_ES, TokenAlgorithm.ES256), JWSAlgorithm.ES256)),
                bearer(ALGORITHM_MISMATCH, "our kid with alg Ed25519 (another name), signed with our key",
                        () -> ours(header("Ed25519", kid()), json(claims()))),

                // tampering with what the gateway issued
                bearer(BAD_SIGNATURE, "tampered payload: role escalation to admin",
                        () -> tamperPayload(issued, "\"roles\":[\"customer\"]", "\"roles\":[\"admin\"]")),
                bearer(BAD_SIGNATURE, "tampered payload: another subject",
                        () -> tamperPayload(issued, "\"sub\":\"", "\"sub\":\"x")),
                bearer(BAD_SIGNATURE, "tampered header: typ at+jwt changed to the allowed JWT",
                        () -> tamperHeader(issued, "\"typ\":\"at+jwt\"", "\"typ\":\"JWT\"")),
                bearer(MALFORMED, "signature stripped", () -> issued.substring(0, issued.lastIndexOf('.') + 1)),
                bearer(BAD_SIGNATURE, "signature truncated", () -> issued.substring(0, issued.length() - 10)),
                bearer(BAD_SIGNATURE, "signature from another ed25519 key under our kid",
                        () -> signed(header("EdDSA", kid()), json(claims()), attacker())),
                bearer(BAD_SIGNATURE, "signature of another honest token spliced on",
                        () -> parts(issued)[0] + "." + parts(issued)[1] + "." + parts(honest())[2]),

                // time
                bearer(EXPIRED, "expired beyond the clock skew", () -> ours(ourHeader(),
                        json(claims("iat", now() - 1000, "nbf", now() - 1000, "exp", now() - 100)))),
                bearer(NOT_YET_VALID, "not yet valid: nbf five minutes ahead",
                        () -> ours(ourHeader(), json(claims("nbf", now() + 300)))),
                bearer(ISSUED_IN_FUTURE, "issued in the future: iat two minutes ahead",
                        () -> ours(ourHeader(), json(claims("iat", now() + 120)))),

                // claims
                bearer(WRONG_ISSUER, "wrong issuer",
                        () -> ours(ourHeader(), json(claims("iss", "https://evil.example")))),
                bearer(WRONG_ISSUER, "issuer differing only in a trailing slash",
                        () -> ours(ourHeader(), json(claims("iss", ISSUER + "/")))),
                bearer(WRONG_AUDIENCE, "wrong audience", () -> ours(ourHeader(), json(claims("aud", "other-api")))),
                bearer(WRONG_AUDIENCE, "audience list without ours",
                        () -> ours(ourHeader(), json(claims("aud", List.of("other-api", "billing"))))),
                bearer(MISSING_CLAIM, "missing sub", () -> ours(ourHeader(), json(claims("sub", null)))),
                bearer(MISSING_CLAIM, "missing sid", () -> ours(ourHeader(), json(claims("sid", null)))),
                bearer(MISSING_CLAIM, "missing jti", () -> ours(ourHeader(), json(claims("jti", null)))),
                bearer(MISSING_CLAIM, "missing exp", () -> ours(ourHeader(), json(claims("exp", null)))),
                bearer(MISSING_CLAIM, "missing iat", () -> ours(ourHeader(), json(claims("iat", null)))),
                bearer(MALFORMED, "exp as a string", () -> ours(ourHeader(), json(claims("exp", "never")))),
                bearer(MALFORMED, "roles as a string instead of a list",
                        () -> ours(ourHeader(), json(claims("roles", "admin")))),
                bearer(WRONG_TYPE, "typ id+jwt (an id token)",
                        () -> ours(json(map("alg", "EdDSA", "kid", kid(), "typ", "id+jwt")), json(claims()))),
                bearer(WRONG_TYPE, "typ JWT-ID",
                        () -> ours(json(map("alg", "EdDSA", "kid", kid(), "typ", "JWT-ID")), json(claims()))),
                bearer(MALFORMED, "duplicate claims: roles twice, admin last",
                        () -> ours(ourHeader(), json(claims()).replaceFirst("}$", ",\"roles\":[\"admin\"]}"))),
                bearer(MALFORMED, "duplicate claims: a foreign iss first, ours second", () -> ours(ourHeader(),
                        "{\"iss\":\"https://evil.example\"," + json(claims()).substring(1))),
                bearer(MALFORMED, "duplicate header alg: none first, EdDSA second",
                        () -> ours("{\"alg\":\"none\"," + ourHeader().substring(1), json(claims()))),

                // size
                bearer(OVERSIZED, "oversized: 9 KiB, validly signed",
                        () -> ours(ourHeader(), json(claims("pad", "A".repeat(9 * 1024))))),
                bearer(OVERSIZED, "oversized: 70 KiB, validly signed",
                        () -> ours(ourHeader(), json(claims("pad", "A".repeat(70 * 1024))))),

                // shape
                bearer(MALFORMED, "malformed base64: a character outside the alphabet",
                        () -> "*" + issued.substring(1)),
                bearer(MALFORMED, "malformed base64: a payload of impossible length",
                        () -> parts(issued)[0] + "." + parts(issued)[1] + "A." + parts(issued)[2]),
                bearer(MALFORMED, "base64 padding",
                        () -> parts(issued)[0] + "=." + parts(issued)[1] + "." + parts(issued)[2]),
                bearer(MALFORMED, "payload a json array, validly signed",
                        () -> ours(ourHeader(), "[" + json(claims()) + "]")),
                bearer(MALFORMED, "payload a json string, validly signed", () -> ours(ourHeader(), "\"admin\"")),
                bearer(MALFORMED, "payload not json, validly signed", () -> ours(ourHeader(), "sEcReT-hello")),
                bearer(MALFORMED, "header a json array, validly signed",
                        () -> ours("[" + ourHeader() + "]", json(claims()))),
                bearer(MALFORMED, "five parts (jwe-looking)", () -> b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")
                        + "..AAAAAAAAAAAAAAAA.sEcReT-ciphertext.BBBBBBBBBBBBBBBBBBBBBB"),
                bearer(MALFORMED, "two parts", () -> parts(issued)[0] + "." + parts(issued)[1]),
                bearer(MALFORMED, "four parts", () -> issued + "." + parts(issued)[2]),
                bearer(MALFORMED, "whitespace inside", () -> issued.substring(0, 30) + " " + issued.substring(30)),
                bearer(MALFORMED, "a tab inside", () -> issued.substring(0, 30) + "\t" + issued.substring(30)),
                bearer(MALFORMED, "token in quotes", () -> "\"" + issued + "\""),

                // the header itself
                // Netty trims the trailing space, so this is "Authorization: Bearer": no credential at all.
                row("empty bearer", () -> List.of("Bearer "), Refusal.NO_CREDENTIAL, "no credential"),
                bearer(MALFORMED, "bearer with two valid tokens", () -> issued + " " + issued),
                bearer(MALFORMED, "bearer with a second credential after a comma",
                        () -> "sEcReT-garbage, Bearer " + issued),
                bearer(MALFORMED, "bearer twice", () -> "Bearer " + issued),
                row("lower-case bearer with garbage", () -> List.of("bearer sEcReT-garbage-token"),
                        Refusal.INVALID, MALFORMED.description()),
                row("upper-case BEARER with garbage", () -> List.of("BEARER sEcReT-garbage-token"),
                        Refusal.INVALID, MALFORMED.description()),
                row("two authorization headers, both the same valid token",
                        () -> List.of("Bearer " + issued, "Bearer " + issued),
                        Refusal.INVALID, TWO_AUTHORIZATION_HEADERS),
                row("two authorization headers, garbage and a valid token",
                        () -> List.of("Bearer sEcReT-garbage-token", "Bearer " + issued),
                        Refusal.INVALID, TWO_AUTHORIZATION_HEADERS),
                row("two authorization headers, basic credentials and a valid token",
                        () -> List.of("Basic sEcReT-basic-credential", "Bearer " + issued),
                        Refusal.INVALID, TWO_AUTHORIZATION_HEADERS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void aMaliciousTokenIsRefusedWith401WithoutSayingWhyAndNeverReachesTheUpstream(
            Supplier<List<String>> authorization, Refusal expected, String cause) throws Exception {
        List<String> headers = authorization.get();
        int before = upstreamHits.get();

        WireRequest.Reply reply = send(headers);

        assertThat(reply.status()).as(reply.body()).isEqualTo(401);
        assertThat(reply.headers("WWW-Authenticate")).containsExactly(expected.challenge);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = AuthClient.JSON.readTree(reply.body());
        assertThat(problem.get("type").asText()).isEqualTo(expected.reason.type());
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        if (expected == Refusal.INVALID) {
            assertThat(problem.get("detail").asText()).isEqualTo(invalidDetail);
        }
        for (String fragment : fragments(headers)) {
            assertThat(reply.body()).as("the problem echoes the token").doesNotContain(fragment);
        }
        assertThat(upstreamHits.get()).as("a refused token reached the upstream").isEqualTo(before);
        List<SecurityEvent> emitted = events.events();
        assertThat(emitted).as("one event with the precise cause, for operators")
                .anyMatch(event -> event.reason() == expected.reason && cause.equals(event.detail()));
        for (SecurityEvent event : emitted) {
            for (String fragment : fragments(headers)) {
                assertThat(String.valueOf(event.detail())).as("the event echoes the token").doesNotContain(fragment);
            }
        }
    }

    @Test
    void theTableHasAtLeastThirtyFiveAttacks() {
        assertThat(attacks().count()).isGreaterThanOrEqualTo(35);
    }

    @Test
    void aTokenIssuedByLoggingInReachesTheUpstreamUntouched() throws Exception {
        int before = upstreamHits.get();

        WireRequest.Reply reply = send(List.of("Bearer " + issued));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(upstreamHits.get()).isEqualTo(before + 1);
        assertThat(upstreamAuthorization.get()).isEqualTo("Bearer " + issued);
    }

    @Test
    void theHonestTokenTheTableIsForgedFromPassesSoEveryRefusalIsDueToItsAttack() throws Exception {
        int before = upstreamHits.get();

        WireRequest.Reply reply = send(List.of("Bearer " + honest()));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(upstreamHits.get()).isEqualTo(before + 1);
    }

    // ---- forging --------------------------------------------------------------------------------------------

    /**
     * HMAC pads a key shorter than its 64-byte block with zeros (RFC 2104), so this is byte for byte the MAC an
     * empty secret gives; the JDK refuses an empty {@link SecretKeySpec}.
     */
    private static final byte[] EMPTY_HMAC_KEY = new byte[64];

    /** A row sending {@code Authorization: Bearer <token>}, refused by the verifier for {@code cause}. */
    private static Arguments bearer(TokenFailure cause, String name, Supplier<String> token) {
        return row(name, () -> List.of("Bearer " + token.get()),
                cause == EXPIRED ? Refusal.EXPIRED : Refusal.INVALID, cause.description());
    }

    /**
     * @param authorization the {@code Authorization} header lines to send
     * @param cause         the detail of the security event: the precise cause, which only operators see
     */
    private static Arguments row(String name, Supplier<List<String>> authorization, Refusal expected, String cause) {
        return Arguments.of(named(name, authorization), expected, cause);
    }

    private static WireRequest.Reply send(List<String> authorization) throws Exception {
        return WireRequest.get(gateway.port(), ROUTE, authorization);
    }

    private static long now() {
        return clock.instant().getEpochSecond();
    }

    private static String kid() {
        return ringKey.getKeyID();
    }

    /** @return claims exactly like the gateway's own, for a session that never existed */
    private static Map<String, Object> claims(Object... overrides) {
        long now = now();
        Map<String, Object> claims = map("iss", ISSUER, "aud", AUDIENCE, "sub", "user-forged",
                "sid", "session-forged", "jti", "jti-" + UUID.randomUUID(), "iat", now, "nbf", now,
                "exp", now + 600, "roles", List.of("customer"));
        for (int i = 0; i < overrides.length; i += 2) {
            String name = (String) overrides[i];
            if (overrides[i + 1] == null) {
                claims.remove(name);
            } else {
                claims.put(name, overrides[i + 1]);
            }
        }
        return claims;
    }

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String json(Object value) {
        try {
            return AuthClient.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(String alg, String kid) {
        return json(map("alg", alg, "kid", kid, "typ", "at+jwt"));
    }

    private static String ourHeader() {
        return header("EdDSA", kid());
    }

    /** @return a token signed with the gateway's active key and exactly its claims: it must pass */
    private static String honest() {
        return ours(ourHeader(), json(claims()));
    }

    private static String ours(String headerJson, String payloadJson) {
        return signed(headerJson, payloadJson, ringSigner, JWSAlgorithm.EdDSA);
    }

    private static JWSSigner attacker() {
        return JwsProviders.signer(ATTACKER_ED, TokenAlgorithm.EDDSA);
    }

    private static String signed(String headerJson, String payloadJson, JWSSigner signer) {
        return signed(headerJson, payloadJson, signer, JWSAlgorithm.EdDSA);
    }

    /** Signs the exact header and payload text given, so duplicate keys and odd values survive. */
    private static String signed(String headerJson, String payloadJson, JWSSigner signer, JWSAlgorithm alg) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            return input + "." + signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String headerJson, String payloadJson, byte[] key) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(String alg) {
        return b64(json(map("alg", alg, "kid", kid(), "typ", "at+jwt"))) + "." + b64(json(claims()));
    }

    private static String tamperPayload(String token, String from, String to) {
        String[] p = parts(token);
        String payload = new Base64URL(p[1]).decodeToString();
        assertThat(payload).as("the issued token to tamper with").contains(from);
        return p[0] + "." + b64(payload.replace(from, to)) + "." + p[2];
    }

    private static String tamperHeader(String token, String from, String to) {
        String[] p = parts(token);
        String header = new Base64URL(p[0]).decodeToString();
        assertThat(header).as("the issued token to tamper with").contains(from);
        return b64(header.replace(from, to)) + "." + p[1] + "." + p[2];
    }

    private static String[] parts(String token) {
        return token.split("\\.", -1);
    }

    private static String b64(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** @return the long pieces of the header values, none of which may be echoed back or into an event */
    private static List<String> fragments(List<String> headers) {
        List<String> fragments = new ArrayList<>();
        for (String value : headers) {
            for (String piece : value.split("[.\\s,\"]+")) {
                if (piece.length() >= 16) {
                    fragments.add(piece);
                }
            }
        }
        return fragments;
    }
}
