package dev.bulwark.core.auth.external;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import dev.bulwark.core.auth.token.TokenFailure;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.bulwark.core.auth.external.ExternalTokens.AUDIENCE;
import static dev.bulwark.core.auth.external.ExternalTokens.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

/** Keys fetched from a real JWKS endpoint on a loopback port: rotation, refresh, rate limits and outages. */
class JwksSourceTest {

    private static final TokenVerification UNKNOWN_KEY = new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY);
    private static final RSAKey K1 = ExternalTokens.rsa("k1");
    private static final RSAKey K2 = ExternalTokens.rsa("k2");
    private static final RSAKey K3 = ExternalTokens.rsa("k3");

    private final FakeClock clock = new FakeClock();
    private JwksServer server;
    private ExternalTokenVerifier verifier;
    private JwksSource keys;

    @AfterEach
    void stop() {
        if (verifier != null) {
            verifier.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A verifier for an issuer serving {@code published}, with the default intervals (10m refresh, 30s refetch). */
    private void serving(JWK... published) throws Exception {
        server = new JwksServer(publicOf(published));
        verifier = new ExternalTokenVerifier(ExternalIssuerConfig.fromUrl(ISSUER, server.url(), AUDIENCE), clock);
        keys = verifier.keys();
    }

    private void servingAndFetched(JWK... published) throws Exception {
        serving(published);
        assertThat(keys.refresh().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(server.requests()).isEqualTo(1);
    }

    private static JWK[] publicOf(JWK... keys) {
        return Stream.of(keys).map(JWK::toPublicJWK).toArray(JWK[]::new);
    }

    private void publish(JWK... published) {
        server.publish(publicOf(published));
    }

    private String tokenBy(JWK key) {
        return ExternalTokens.token(key, clock.instant().getEpochSecond());
    }

    private boolean awaitFetch() throws Exception {
        return keys.pending().get(10, TimeUnit.SECONDS);
    }

    @Test
    void beforeTheFirstFetchATokenIsRefusedAndStartsTheFetchSoItsRetryVerifies() throws Exception {
        serving(K1);
        String token = tokenBy(K1);

        assertThat(verifier.verify(token)).isEqualTo(UNKNOWN_KEY);
        assertThat(awaitFetch()).isTrue();

        assertThat(verifier.verify(token).isVerified()).isTrue();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aTokenWithTheProvidersNewKidTriggersOneRefetchAndThenVerifies() throws Exception {
        servingAndFetched(K1);
        publish(K1, K2);
        String rotated = tokenBy(K2);

        assertThat(verifier.verify(rotated)).isEqualTo(UNKNOWN_KEY);
        assertThat(awaitFetch()).isTrue();

        assertThat(server.requests()).isEqualTo(2);
        assertThat(verifier.verify(rotated).isVerified()).isTrue();
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void aSecondUnknownKidWithinTheMinimumRefetchIntervalDoesNotRefetch() throws Exception {
        servingAndFetched(K1);
        publish(K1, K2);
        verifier.verify(tokenBy(K2));
        awaitFetch();
        assertThat(server.requests()).isEqualTo(2);
        publish(K1, K2, K3);

        clock.advance(Duration.ofSeconds(29));
        assertThat(verifier.verify(tokenBy(K3))).isEqualTo(UNKNOWN_KEY);
        awaitFetch();
        assertThat(server.requests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        assertThat(verifier.verify(tokenBy(K3))).isEqualTo(UNKNOWN_KEY);
        awaitFetch();
        assertThat(server.requests()).isEqualTo(3);
        assertThat(verifier.verify(tokenBy(K3)).isVerified()).isTrue();
    }

    @Test
    void aFloodOfTokensWithInventedKidsCostsTheProviderOneFetch() throws Exception {
        servingAndFetched(K1);

        for (int i = 0; i < 200; i++) {
            RSAKey invented = new RSAKey.Builder(K1).keyID("invented-" + i).build();
            assertThat(verifier.verify(tokenBy(invented))).isEqualTo(UNKNOWN_KEY);
        }
        awaitFetch();

        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void aTokenWithAnUnknownKidClaimingAnotherIssuerCostsNoFetch() throws Exception {
        servingAndFetched(K1);
        String payload = ExternalTokens.keycloakPayload(clock.instant().getEpochSecond(), "")
                .replace(ISSUER, "https://elsewhere.test");

        assertThat(verifier.verify(ExternalTokens.signRaw(ExternalTokens.header(K2), payload, K2)))
                .isEqualTo(UNKNOWN_KEY);
        awaitFetch();

        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void concurrentMissesShareTheOneFetchInFlight() throws Exception {
        servingAndFetched(K1);
        publish(K1, K2);
        server.holdRequests();
        clock.advance(Duration.ofMinutes(1));
        String rotated = tokenBy(K2);

        assertThat(verifier.verify(rotated)).isEqualTo(UNKNOWN_KEY);
        CompletableFuture<Boolean> inFlight = keys.pending();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<TokenVerification>> misses = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                misses.add(threads.submit(() -> verifier.verify(rotated)));
            }
            for (Future<TokenVerification> miss : misses) {
                assertThat(miss.get(10, TimeUnit.SECONDS)).isEqualTo(UNKNOWN_KEY);
            }
        } finally {
            threads.shutdownNow();
        }
        CompletableFuture<Boolean> joined = keys.refresh();
        assertThat(keys.fetchCount()).isEqualTo(2);
        server.release();

        assertThat(joined.get(10, TimeUnit.SECONDS)).isTrue();

        assertThat(inFlight.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.requests()).isEqualTo(2);
        assertThat(keys.fetchCount()).isEqualTo(2);
        assertThat(verifier.verify(rotated).isVerified()).isTrue();
    }

    @Test
    void refreshAheadOfExpiryPicksUpNewKeysWhenTheClockAdvances() throws Exception {
        servingAndFetched(K1);
        publish(K1, K2);

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        awaitFetch();
        assertThat(server.requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        assertThat(awaitFetch()).isTrue();
        assertThat(server.requests()).isEqualTo(2);

        assertThat(verifier.verify(tokenBy(K2)).isVerified()).isTrue();
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void aKeyTheProviderWithdrawsStopsVerifyingAfterTheNextRefresh() throws Exception {
        servingAndFetched(K1, K2);
        publish(K2);

        clock.advance(Duration.ofMinutes(10));
        keys.refreshIfDue();
        assertThat(awaitFetch()).isTrue();

        assertThat(verifier.verify(tokenBy(K1))).isEqualTo(UNKNOWN_KEY);
        assertThat(verifier.verify(tokenBy(K2)).isVerified()).isTrue();
    }

    static Stream<Arguments> cacheControls() {
        return Stream.of(
                Arguments.of("public, max-age=120", Duration.ofSeconds(120)),
                Arguments.of("max-age=5", Duration.ofMinutes(1)),
                Arguments.of("max-age=9999999", Duration.ofHours(24)),
                Arguments.of("max-age=86400, must-revalidate", Duration.ofHours(24)),
                Arguments.of("no-cache", Duration.ofMinutes(10)),
                Arguments.of("max-age=3600, no-store", Duration.ofMinutes(10)),
                Arguments.of("max-age=banana", Duration.ofMinutes(10)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cacheControls")
    void theResponsesMaxAgeDecidesWhenKeysAreFetchedAgainWithinOneMinuteAndOneDay(String cacheControl,
                                                                                   Duration expected)
            throws Exception {
        serving(K1);
        server.answer(JwksServer.Answer.json(new JWKSet(K1.toPublicJWK()).toString()).withCacheControl(cacheControl));
        assertThat(keys.refresh().get(5, TimeUnit.SECONDS)).isTrue();

        clock.advance(expected.minusSeconds(1));
        keys.refreshIfDue();
        awaitFetch();
        assertThat(server.requests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        keys.refreshIfDue();
        awaitFetch();
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void cachedKeysKeepVerifyingWhileTheProviderIsDown() throws Exception {
        servingAndFetched(K1);
        server.close();

        clock.advance(Duration.ofMinutes(10));
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        assertThat(awaitFetch()).isFalse();
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();

        clock.advance(Duration.ofHours(6));
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        assertThat(awaitFetch()).isFalse();
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        assertThat(keys.keyCount()).isEqualTo(1);
    }

    @Test
    void afterAFailedFetchTheRetryBacksOffFromTheMinimumIntervalAndRecovers() throws Exception {
        servingAndFetched(K1);
        server.answer(new JwksServer.Answer(500, "application/json", null, "{}".getBytes(StandardCharsets.UTF_8),
                false));

        clock.advance(Duration.ofMinutes(10));
        keys.refreshIfDue();
        assertThat(awaitFetch()).isFalse();
        assertThat(server.requests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(30));
        keys.refreshIfDue();
        assertThat(awaitFetch()).isFalse();
        assertThat(server.requests()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(30));
        keys.refreshIfDue();
        awaitFetch();
        assertThat(server.requests()).isEqualTo(3);

        publish(K1, K2);
        clock.advance(Duration.ofSeconds(30));
        keys.refreshIfDue();
        assertThat(awaitFetch()).isTrue();
        assertThat(server.requests()).isEqualTo(4);
        assertThat(verifier.verify(tokenBy(K2)).isVerified()).isTrue();
    }

    @Test
    void aFailureStreakIsWarnedAboutOnceWithoutTheResponseBody() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(JwksSource.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            servingAndFetched(K1);
            server.answer(new JwksServer.Answer(503, "text/plain", null,
                    "secret-upstream-detail".getBytes(StandardCharsets.UTF_8), false));
            for (int i = 0; i < 4; i++) {
                clock.advance(Duration.ofMinutes(10));
                keys.refreshIfDue();
                assertThat(awaitFetch()).isFalse();
            }
            publish(K1);
            clock.advance(Duration.ofMinutes(10));
            keys.refreshIfDue();
            assertThat(awaitFetch()).isTrue();

            List<ILoggingEvent> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage()).contains(ISSUER, "status 503")
                    .doesNotContain("secret-upstream-detail");
            assertThat(log.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage))
                    .anySatisfy(line -> assertThat(line).contains("recovered after 4 failed attempts"));
        } finally {
            logger.detachAppender(log);
        }
    }

    static Stream<Arguments> badResponses() throws Exception {
        String valid = new JWKSet(K2.toPublicJWK()).toString();
        String padded = valid.substring(0, valid.length() - 1) + ",\"pad\":\"" + "A".repeat(600 * 1024) + "\"}";
        JWK encryptionOnly = new RSAKey.Builder(K2.toPublicJWK()).keyUse(KeyUse.ENCRYPTION).algorithm(null).build();
        JWK hmac = new OctetSequenceKeyGenerator(256).keyID("hs").generate();
        JWK weakRsa = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).keyID("weak").generate();
        return Stream.of(
                bad("a 600 KiB body with a content length", JwksServer.Answer.json(padded)),
                bad("a 600 KiB body sent chunked", JwksServer.Answer.json(padded).sentChunked()),
                bad("an html error page", new JwksServer.Answer(200, "text/html", null,
                        "<html>maintenance</html>".getBytes(StandardCharsets.UTF_8), false)),
                bad("no content type", new JwksServer.Answer(200, null, null,
                        valid.getBytes(StandardCharsets.UTF_8), false)),
                bad("json that does not parse", JwksServer.Answer.json("{\"keys\":[{\"kty\":")),
                bad("json that is not a jwk set", JwksServer.Answer.json("{\"issuer\":\"x\"}")),
                bad("keys that is not an array", JwksServer.Answer.json("{\"keys\":{\"kty\":\"RSA\"}}")),
                bad("an empty jwk set", JwksServer.Answer.json("{\"keys\":[]}")),
                bad("only an encryption key", JwksServer.Answer.json(new JWKSet(encryptionOnly).toString())),
                bad("only an hmac secret", JwksServer.Answer.json(new JWKSet(hmac).toString(false))),
                bad("only a 1024-bit rsa key", JwksServer.Answer.json(new JWKSet(weakRsa.toPublicJWK()).toString())),
                bad("deeply nested json", JwksServer.Answer.json("[".repeat(200_000))),
                bad("a 404", new JwksServer.Answer(404, "application/json", null,
                        "{}".getBytes(StandardCharsets.UTF_8), false)),
                bad("a redirect (never followed)", new JwksServer.Answer(302, "application/json", null,
                        valid.getBytes(StandardCharsets.UTF_8), false)));
    }

    private static Arguments bad(String name, JwksServer.Answer answer) {
        return Arguments.of(named(name, answer));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResponses")
    void aBadResponseIsRejectedWithoutDroppingTheCachedKeys(JwksServer.Answer answer) throws Exception {
        servingAndFetched(K1);
        server.answer(answer);

        clock.advance(Duration.ofMinutes(10));
        keys.refreshIfDue();
        assertThat(awaitFetch()).isFalse();

        assertThat(server.requests()).isEqualTo(2);
        assertThat(keys.keyCount()).isEqualTo(1);
        assertThat(verifier.verify(tokenBy(K1)).isVerified()).isTrue();
        assertThat(verifier.verify(tokenBy(K2))).isEqualTo(UNKNOWN_KEY);
    }
}
