package dev.bulwark.core.auth.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Remembers tokens that verified, so a token's signature is checked once rather than on every request.
 *
 * <p>Entries are keyed by the SHA-256 of the token (the token itself is not kept), bounded in number, and expire
 * when the verifier would start refusing the token ({@code exp} plus the clock skew), measured with the same
 * {@link Clock}. Refused tokens are never cached, so garbage cannot push good entries out. A hit is re-checked
 * against the clock, so an entry is never served past its expiry even before eviction runs. Revocation is not
 * checked here: callers check the session after every lookup. Thread-safe.
 */
public final class VerifiedTokenCache implements TokenVerifier {

    /** One digest per thread: looking the algorithm up on every request cost as much as hashing the token. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every jdk has sha-256", impossible);
        }
    });

    private final TokenVerifier verifier;
    private final Clock clock;
    private final Duration skew;
    private final int maxTokenLength;
    private final Cache<ByteBuffer, AccessToken> verified;

    /**
     * @param verifier   checks tokens not in the cache
     * @param maxEntries how many verified tokens to remember
     * @param clock      the verifier's clock
     * @throws IllegalArgumentException when {@code maxEntries} is not positive
     */
    public VerifiedTokenCache(AccessTokenVerifier verifier, long maxEntries, Clock clock) {
        this(verifier, verifier.config().clockSkew(), verifier.config().maxTokenLength(), maxEntries, clock);
    }

    /**
     * @param verifier       checks tokens not in the cache (Bulwark's own, external issuers, or both)
     * @param skew           the verifier's tolerance past {@code exp}
     * @param maxTokenLength tokens longer than this go straight to the verifier (which refuses them)
     * @param maxEntries     how many verified tokens to remember
     * @param clock          the verifier's clock
     * @throws IllegalArgumentException when {@code maxEntries} is not positive
     */
    public VerifiedTokenCache(TokenVerifier verifier, Duration skew, int maxTokenLength, long maxEntries,
                              Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("token cache size must be positive: " + maxEntries);
        }
        this.skew = Objects.requireNonNull(skew, "skew");
        this.maxTokenLength = maxTokenLength;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfter(Expiry.<ByteBuffer, AccessToken>creating((key, token) -> remaining(token)))
                .executor(Runnable::run)
                .build();
    }

    /** @return the verified claims (from the cache or a fresh check), or why the token was refused; never throws */
    @Override
    public TokenVerification verify(String token) {
        if (token == null || token.length() > maxTokenLength) {
            return verifier.verify(token);
        }
        ByteBuffer key = ByteBuffer.wrap(sha256(token));
        AccessToken cached = verified.getIfPresent(key);
        if (cached != null) {
            if (clock.instant().isBefore(cached.expiresAt().plus(skew))) {
                return new TokenVerification.Verified(cached);
            }
            verified.invalidate(key);
        }
        TokenVerification result = verifier.verify(token);
        if (result instanceof TokenVerification.Verified(AccessToken claims)) {
            verified.put(key, claims);
        }
        return result;
    }

    /** Forgets every entry, for example after a key was removed from the ring because it leaked. */
    public void invalidateAll() {
        verified.invalidateAll();
    }

    /** @return about how many tokens are cached (for metrics) */
    public long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    private Duration remaining(AccessToken token) {
        Duration left = Duration.between(clock.instant(), token.expiresAt().plus(skew));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static byte[] sha256(String token) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(token.getBytes(StandardCharsets.US_ASCII));
    }
}
