package dev.bulwark.core.auth.apikey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.bulwark.api.Exchange;
import dev.bulwark.api.store.RateLimitDecision;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.RateLimitStore;
import dev.bulwark.core.ratelimit.KeySource;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Limits API key guessing per client address: every refused key counts against a GCRA rule
 * ({@link ApiKeyConfig#rule()}) in the host's {@link RateLimitStore}, and once a failure is over the limit the
 * address is blocked for the rule's retry time, during which every key it presents is refused without being
 * checked, a correct one included (so a blocked guesser cannot learn that a guess was right).
 *
 * <p>Successful keys are never counted, so a busy client with a valid key is not limited here. The block is
 * remembered in this node's memory (bounded, least recently used addresses dropped first), so checking it costs
 * no store round trip; with a shared rate-limit store, another node blocks the address at its first refused key
 * there. An IPv6 client counts by its /64 network. Thread-safe.
 */
public final class ApiKeyGuard {

    /** Blocked addresses remembered per node. */
    public static final int MAX_BLOCKED = 100_000;
    private static final String KEY_PREFIX = "apikey-failures|";

    private final RateLimitRule rule;
    private final RateLimitStore store;
    private final Clock clock;
    private final KeySource ip = KeySource.parse(KeySource.IP);
    private final Cache<String, Long> blockedUntil;

    /**
     * @param config how many failures per period an address may have
     * @param store  where failures are counted (the gateway's rate-limit store)
     * @param clock  the time failures are counted at
     * @throws IllegalArgumentException when {@code config} is out of range
     */
    public ApiKeyGuard(ApiKeyConfig config, RateLimitStore store, Clock clock) {
        this.rule = config.rule();
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.blockedUntil = Caffeine.newBuilder().maximumSize(MAX_BLOCKED)
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfter(Expiry.<String, Long>writing((address, until) ->
                        Duration.ofMillis(Math.max(0, until - clock.millis()))))
                .executor(Runnable::run)
                .build();
    }

    /** @return how long the client's address is still blocked, or {@link Duration#ZERO} when it is not */
    public Duration blockedFor(Exchange exchange) {
        Long until = blockedUntil.getIfPresent(ip.value(exchange));
        long left = until == null ? 0 : until - clock.millis();
        return left > 0 ? Duration.ofMillis(left) : Duration.ZERO;
    }

    /**
     * Counts one refused key from the client's address.
     *
     * @return how long the address is now blocked, or {@link Duration#ZERO} while it is within the limit; a store
     *     that cannot answer counts as within it (the request is refused anyway), so this stage never fails
     */
    public CompletionStage<Duration> recordFailure(Exchange exchange) {
        String address = ip.value(exchange);
        long now = clock.millis();
        CompletionStage<RateLimitDecision> decision;
        try {
            decision = store.acquire(KEY_PREFIX + address, rule, now, 1);
        } catch (RuntimeException storeFailure) {
            return CompletableFuture.completedFuture(Duration.ZERO);
        }
        return decision.handle((result, failure) -> {
            if (failure != null || result.allowed()) {
                return Duration.ZERO;
            }
            blockedUntil.put(address, now + result.retryAfterMillis());
            return Duration.ofMillis(result.retryAfterMillis());
        });
    }
}
