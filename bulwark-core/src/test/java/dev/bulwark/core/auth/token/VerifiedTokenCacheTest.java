package dev.bulwark.core.auth.token;

import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.bulwark.core.auth.token.TokenFixtures.AUDIENCE;
import static dev.bulwark.core.auth.token.TokenFixtures.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTest {

    private final FakeClock clock = new FakeClock();
    private final TokenConfig config = TokenConfig.of(ISSUER, AUDIENCE);
    private final KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
    private final AccessTokenVerifier verifier = new AccessTokenVerifier(ring, config, clock);
    private final VerifiedTokenCache cache = new VerifiedTokenCache(verifier, 1_000, clock);
    private final String token = new AccessTokenIssuer(ring, config, clock).issue("u", "s", List.of("a"), null).token();

    @Test
    void aCachedTokenIsNotVerifiedAgain() {
        TokenVerification first = cache.verify(token);
        // Swap every key out: a fresh check would now fail, so a success proves the cache answered.
        ring.replace(List.of(new RingKey(SigningKeys.generate(TokenAlgorithm.EDDSA), clock.instant(), null)));

        assertThat(first.isVerified()).isTrue();
        assertThat(verifier.verify(token)).isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
        assertThat(cache.verify(token)).isEqualTo(first);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void anEntryExpiresWhenItsTokenDoes() {
        assertThat(cache.verify(token).isVerified()).isTrue();

        clock.advance(config.lifetime().plus(config.clockSkew()).minusSeconds(1));
        assertThat(cache.verify(token).isVerified()).isTrue();
        clock.advance(Duration.ofSeconds(1));

        assertThat(cache.verify(token)).isEqualTo(new TokenVerification.Refused(TokenFailure.EXPIRED));
        assertThat(cache.size()).isZero();
    }

    @Test
    void refusedTokensAreNotCached() {
        String forged = token.substring(0, token.length() - 4) + "AAAA";

        assertThat(cache.verify(forged).isVerified()).isFalse();
        assertThat(cache.verify("garbage")).isEqualTo(new TokenVerification.Refused(TokenFailure.MALFORMED));
        assertThat(cache.size()).isZero();
    }

    @Test
    void invalidateAllForgetsEverything() {
        cache.verify(token);
        ring.replace(List.of(new RingKey(SigningKeys.generate(TokenAlgorithm.EDDSA), clock.instant(), null)));

        cache.invalidateAll();

        assertThat(cache.verify(token)).isEqualTo(new TokenVerification.Refused(TokenFailure.UNKNOWN_KEY));
    }

    @Test
    void oversizedAndNullTokensAreRefusedWithoutHashing() {
        assertThat(cache.verify(null)).isEqualTo(new TokenVerification.Refused(TokenFailure.MALFORMED));
        assertThat(cache.verify("a".repeat(100_000))).isEqualTo(new TokenVerification.Refused(TokenFailure.OVERSIZED));
    }
}
