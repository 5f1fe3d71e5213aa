package dev.bulwark.bench;

import dev.bulwark.core.auth.token.AccessTokenIssuer;
import dev.bulwark.core.auth.token.AccessTokenVerifier;
import dev.bulwark.core.auth.token.CryptoProvider;
import dev.bulwark.core.auth.token.JwsProviders;
import dev.bulwark.core.auth.token.KeyRing;
import dev.bulwark.core.auth.token.TokenAlgorithm;
import dev.bulwark.core.auth.token.TokenConfig;
import dev.bulwark.core.auth.token.TokenVerification;
import dev.bulwark.core.auth.token.VerifiedTokenCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost of verifying one access token, per algorithm and signature provider (the numbers behind
 * {@link JwsProviders#FASTEST}), and of a verified-token cache hit, which is what an authenticated request
 * pays after its token's first use.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenVerificationBenchmark {

    private static final TokenConfig CONFIG = TokenConfig.of("https://auth.bench", "bench-api");

    /** One algorithm verified by one provider, without the cache. */
    @State(Scope.Benchmark)
    public static class Signed {

        @Param({"EDDSA:TINK", "EDDSA:JDK", "EDDSA:BOUNCY_CASTLE", "ES256:JDK", "ES256:BOUNCY_CASTLE",
                "RS256:JDK", "RS256:BOUNCY_CASTLE", "HS256:JDK"})
        public String algorithmAndProvider;

        AccessTokenVerifier verifier;
        String token;

        @Setup
        public void setUp() {
            String[] parts = algorithmAndProvider.split(":");
            TokenAlgorithm algorithm = TokenAlgorithm.valueOf(parts[0]);
            Clock clock = Clock.systemUTC();
            KeyRing generated = KeyRing.generate(algorithm, clock.instant());
            KeyRing ring = new KeyRing(generated.keys(),
                    JwsProviders.FASTEST.with(algorithm, CryptoProvider.valueOf(parts[1])));
            token = new AccessTokenIssuer(ring, CONFIG, clock)
                    .issue("user-42", "session-7", List.of("customer"), "tenant-1").token();
            verifier = new AccessTokenVerifier(ring, CONFIG, clock);
            if (!verifier.verify(token).isVerified()) {
                throw new IllegalStateException("benchmark token does not verify: " + algorithmAndProvider);
            }
        }
    }

    /** The default ring behind the verified-token cache, warmed with 1,000 distinct tokens. */
    @State(Scope.Benchmark)
    public static class Cached {

        VerifiedTokenCache cache;
        String[] tokens;
        int next;

        @Setup
        public void setUp() {
            Clock clock = Clock.systemUTC();
            KeyRing ring = KeyRing.generate(TokenAlgorithm.EDDSA, clock.instant());
            AccessTokenIssuer issuer = new AccessTokenIssuer(ring, CONFIG, clock);
            cache = new VerifiedTokenCache(new AccessTokenVerifier(ring, CONFIG, clock), 10_000, clock);
            tokens = new String[1_000];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = issuer.issue("user-" + i, "session-" + i, List.of("customer"), null).token();
                cache.verify(tokens[i]);
            }
        }
    }

    @Benchmark
    public TokenVerification verify(Signed state) {
        return state.verifier.verify(state.token);
    }

    @Benchmark
    public TokenVerification cachedLookup(Cached state) {
        int i = state.next;
        state.next = i == state.tokens.length - 1 ? 0 : i + 1;
        return state.cache.verify(state.tokens[i]);
    }
}
