package dev.bulwark.core.ratelimit;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.store.RateLimitRule;
import dev.bulwark.api.store.RateLimitStore;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitFilterTest {

    /** {@link FakeClock#DEFAULT_START} in epoch seconds. */
    private static final long START = 1_735_689_600L;

    private final FakeClock clock = new FakeClock();
    private final InMemoryRateLimitStore store = new InMemoryRateLimitStore(10_000);

    private static RateLimitTier tier(String name, RateLimitConfig.Builder config) {
        return new RateLimitTier(name, config.build());
    }

    private RateLimitFilter filter(RateLimitTier... tiers) {
        return new RateLimitFilter(List.of(tiers), store);
    }

    private ExchangeBuilder request() {
        return ExchangeBuilder.get("/api/orders").clock(clock).requestId("req-1");
    }

    @Test
    void allowedResponsesCarryTheLimitInEveryHeaderFormat() {
        RateLimitFilter filter = filter(tier("general", RateLimitConfig.builder().limit(500, Duration.ofMinutes(15))));
        TestExchange exchange = request().build();

        Response response = Chains.run(exchange, Upstream.ok(), filter);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("RateLimit-Policy")).isEqualTo("\"general\";q=500;w=900");
        // one request spends one interval of 1.8 s, so the bucket is full again 2 s (rounded up) from now
        assertThat(response.headers().get("RateLimit")).isEqualTo("\"general\";r=499;t=2");
        assertThat(response.headers().get("X-RateLimit-Limit")).isEqualTo("500");
        assertThat(response.headers().get("X-RateLimit-Remaining")).isEqualTo("499");
        assertThat(response.headers().get("X-RateLimit-Reset")).isEqualTo(Long.toString(START + 2));
        assertThat(response.headers().get("Retry-After")).isNull();
        assertThat(exchange.recordedEvents().events()).isEmpty();
    }

    @Test
    void theRequestOverTheLimitIsRefusedWith429AndNeverReachesTheUpstream() {
        RateLimitFilter filter = filter(tier("tight", RateLimitConfig.builder().limit(2, Duration.ofMinutes(1))));
        Upstream upstream = Upstream.ok();
        Chains.run(request().build(), upstream, filter);
        Chains.run(request().build(), upstream, filter);
        TestExchange third = request().build();

        Response refused = Chains.run(third, upstream, filter);

        var problem = Problems.assertRefused(refused, third, Reason.RATE_LIMITED);
        assertThat(problem.path("type").asText()).isEqualTo("urn:bulwark:problem:rate-limited");
        assertThat(problem.path("detail").asText()).isEqualTo("rate limit \"tight\" exceeded; retry after 30s");
        assertThat(refused.headers().get("Retry-After")).isEqualTo("30");
        assertThat(refused.headers().get("RateLimit-Policy")).isEqualTo("\"tight\";q=2;w=60");
        assertThat(refused.headers().get("RateLimit")).isEqualTo("\"tight\";r=0;t=60");
        assertThat(refused.headers().get("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.headers().get("X-RateLimit-Reset")).isEqualTo(Long.toString(START + 60));
        assertThat(upstream.calls()).isEqualTo(2);
    }

    @Test
    void aRefusedClientIsLetBackInAfterRetryAfter() {
        RateLimitFilter filter = filter(tier("tight", RateLimitConfig.builder().limit(1, Duration.ofSeconds(10))));
        Chains.run(request().build(), Upstream.ok(), filter);
        Response refused = Chains.run(request().build(), Upstream.ok(), filter);

        clock.advance(Duration.ofSeconds(Long.parseLong(refused.headers().get("Retry-After"))));

        assertThat(Chains.run(request().build(), Upstream.ok(), filter).status()).isEqualTo(200);
    }

    @Test
    void everyTierMustAllowAndTheClosestOneFillsTheLegacyHeaders() {
        RateLimitFilter filter = filter(
                tier("per-ip", RateLimitConfig.builder().limit(100, Duration.ofMinutes(1)).key("ip")),
                tier("per-route", RateLimitConfig.builder().limit(3, Duration.ofMinutes(1)).key("route")));
        Upstream upstream = Upstream.ok();
        Response last = null;
        for (int i = 1; i <= 3; i++) {
            last = Chains.run(request().clientIp("203.0.113." + i).build(), upstream, filter);
            assertThat(last.status()).isEqualTo(200);
        }
        assertThat(last.headers().get("RateLimit-Policy")).isEqualTo("\"per-ip\";q=100;w=60, \"per-route\";q=3;w=60");
        assertThat(last.headers().get("RateLimit")).isEqualTo("\"per-ip\";r=99;t=1, \"per-route\";r=0;t=60");
        assertThat(last.headers().get("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(last.headers().get("X-RateLimit-Remaining")).isEqualTo("0");

        TestExchange fourth = request().clientIp("203.0.113.4").build();
        Response refused = Chains.run(fourth, upstream, filter);

        Problems.assertRefused(refused, fourth, Reason.RATE_LIMITED);
        assertThat(Problems.body(refused).path("detail").asText()).contains("\"per-route\"");
        assertThat(refused.headers().get("Retry-After")).isEqualTo("20");
        assertThat(upstream.calls()).isEqualTo(3);
    }

    @Test
    void theFirstRefusingTierAnswersAndLaterTiersAreNotCharged() {
        RateLimitFilter filter = filter(
                tier("per-client", RateLimitConfig.builder().limit(1, Duration.ofHours(1)).key("ip")),
                tier("shared", RateLimitConfig.builder().limit(100, Duration.ofMinutes(1)).key("route")));
        Chains.run(request().clientIp("198.51.100.66").build(), Upstream.ok(), filter);
        for (int i = 0; i < 50; i++) {
            TestExchange flood = request().clientIp("198.51.100.66").build();
            Response refused = Chains.run(flood, Upstream.ok(), filter);
            Problems.assertRefused(refused, flood, Reason.RATE_LIMITED);
            assertThat(refused.headers().get("Retry-After")).isEqualTo("3600");
            assertThat(refused.headers().get("RateLimit")).isEqualTo("\"per-client\";r=0;t=3600");
        }

        Response other = Chains.run(request().clientIp("203.0.113.5").build(), Upstream.ok(), filter);

        assertThat(other.status()).isEqualTo(200);
        assertThat(other.headers().get("RateLimit")).as("the flood did not use up the shared tier")
                .isEqualTo("\"per-client\";r=0;t=3600, \"shared\";r=98;t=2");
    }

    @Test
    void responsesRefusedFurtherDownAlsoCarryTheHeadersAndUpstreamOnesAreReplaced() {
        RateLimitFilter filter = filter(tier("general", RateLimitConfig.builder().limit(10, Duration.ofMinutes(1))));

        Response unauthorized = Chains.run(request().build(), Upstream.refusing(Reason.TOKEN_INVALID), filter);
        Response fromBackend = Chains.run(request().build(),
                Upstream.respond(200, "X-RateLimit-Limit", "99999", "RateLimit", "\"backend\";r=5;t=1"), filter);

        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.headers().get("RateLimit")).isEqualTo("\"general\";r=9;t=6");
        assertThat(fromBackend.headers().getAll("X-RateLimit-Limit")).containsExactly("10");
        assertThat(fromBackend.headers().getAll("RateLimit")).containsExactly("\"general\";r=8;t=12");
    }

    // ---- keys ----

    @Test
    void eachClientAddressHasItsOwnBucket() {
        RateLimitFilter filter = filter(tier("general", RateLimitConfig.builder().limit(1, Duration.ofMinutes(1))));

        assertThat(Chains.run(request().clientIp("203.0.113.1").build(), Upstream.ok(), filter).status()).isEqualTo(200);
        assertThat(Chains.run(request().clientIp("203.0.113.2").build(), Upstream.ok(), filter).status()).isEqualTo(200);
        assertThat(Chains.run(request().clientIp("203.0.113.1").build(), Upstream.ok(), filter).status()).isEqualTo(429);
    }

    @Test
    void anIpv6ClientIsKeyedByItsSlash64SoRotatingAddressesDoesNotEscape() {
        RateLimitTier tier = tier("general", RateLimitConfig.builder().limit(1, Duration.ofMinutes(1)));

        assertThat(tier.key(request().clientIp("2001:db8:1:2::1").build())).isEqualTo("general|2001:db8:1:2::/64");
        assertThat(tier.key(request().clientIp("2001:DB8:1:2:ffff:eeee:dddd:9").build()))
                .isEqualTo("general|2001:db8:1:2::/64");
        assertThat(tier.key(request().clientIp("2001:db8:1:3::1").build())).isEqualTo("general|2001:db8:1:3::/64");
        assertThat(tier.key(request().clientIp("::ffff:192.0.2.7").build())).isEqualTo("general|192.0.2.7");
        assertThat(tier.key(request().clientIp("192.0.2.7").build())).isEqualTo("general|192.0.2.7");
    }

    @Test
    void keyPartsCombineInTheConfiguredOrder() {
        RateLimitTier tier = tier("api", RateLimitConfig.builder().limit(5, Duration.ofSeconds(1))
                .key("tenant", "route", "ip", "header:X-Channel"));

        TestExchange exchange = request().routeId("chat").clientIp("198.51.100.4").header("X-Channel", "whatsapp").build();
        exchange.attribute(ExchangeAttributes.TENANT, "clinic-7");

        assertThat(tier.key(exchange)).isEqualTo("api|clinic-7|chat|198.51.100.4|whatsapp");
    }

    @Test
    void identityPartsReadTheAttributesLaterStagesSetAndAreDashWhenAbsent() {
        RateLimitTier tier = tier("id", RateLimitConfig.builder().limit(5, Duration.ofSeconds(1))
                .key("user", "tenant", "apiKey", "claim:org", "header:X-Channel"));
        TestExchange anonymous = request().build();
        TestExchange known = request().build();
        known.attribute(ExchangeAttributes.USER, "u-42");
        known.attribute(ExchangeAttributes.TENANT, "t-1");
        known.attribute(ExchangeAttributes.API_KEY, "key-9");
        known.attribute(ExchangeAttributes.CLAIMS, Map.of("org", "acme", "plan", 3));

        assertThat(tier.key(anonymous)).isEqualTo("id|-|-|-|-|-");
        assertThat(tier.key(known)).isEqualTo("id|u-42|t-1|key-9|acme|-");
    }

    @Test
    void aForgedHeaderCannotShiftIntoAnotherPartOrJoinTheAbsentBucket() {
        RateLimitTier tier = tier("pair", RateLimitConfig.builder().limit(5, Duration.ofSeconds(1))
                .key("header:A", "header:B"));

        String split1 = tier.key(request().header("A", "x|y").header("B", "z").build());
        String split2 = tier.key(request().header("A", "x").header("B", "y|z").build());
        String dash = tier.key(request().header("A", "-").build());
        String absent = tier.key(request().build());
        String escaped = tier.key(request().header("A", "x%7Cy").header("B", "z").build());

        assertThat(split1).isEqualTo("pair|x%7Cy|z").isNotEqualTo(split2).isNotEqualTo(escaped);
        assertThat(dash).isEqualTo("pair|%2D|-").isNotEqualTo(absent);
    }

    @Test
    void anOversizedHeaderValueIsHashedSoKeysStayShort() {
        RateLimitTier tier = tier("h", RateLimitConfig.builder().limit(5, Duration.ofSeconds(1)).key("header:X-Device"));
        String huge = "d".repeat(16_000);

        String key = tier.key(request().header("X-Device", huge).build());
        String other = tier.key(request().header("X-Device", huge + "e").build());

        assertThat(key).startsWith("h|#").hasSizeLessThan(64);
        assertThat(key).isNotEqualTo(other);
    }

    @Test
    void unknownKeyPartsAreRefusedWhenTheTierIsBuilt() {
        assertThatThrownBy(() -> tier("bad", RateLimitConfig.builder().limit(5, Duration.ofSeconds(1)).key("cookie")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rateLimits.bad.key[0]: \"cookie\" is not a rate limit key part");
    }

    // ---- store failures ----

    private static RateLimitStore failingFor(String prefix, RateLimitStore healthy, boolean throwAtOnce) {
        return (key, rule, nowMillis, permits) -> {
            if (!key.startsWith(prefix)) {
                return healthy.acquire(key, rule, nowMillis, permits);
            }
            if (throwAtOnce) {
                throw new StoreUnavailableException("connection refused");
            }
            return CompletableFuture.failedFuture(new StoreUnavailableException("connection refused"));
        };
    }

    @Test
    void anUnavailableStoreDeniesByDefault() {
        RateLimitTier auth = tier("auth", RateLimitConfig.builder().limit(30, Duration.ofMinutes(15)));
        RateLimitFilter filter = new RateLimitFilter(List.of(auth), failingFor("auth", store, false));
        Upstream upstream = Upstream.ok();
        TestExchange exchange = request().build();

        Response refused = Chains.run(exchange, upstream, filter);

        Problems.assertRefused(refused, exchange, Reason.RATE_LIMIT_STORE_UNAVAILABLE);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(Problems.body(refused).path("detail").asText())
                .isEqualTo("rate limit \"auth\" cannot be checked right now").doesNotContain("connection");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void aStoreThatThrowsIsTreatedAsUnavailable() {
        RateLimitTier auth = tier("auth", RateLimitConfig.builder().limit(30, Duration.ofMinutes(15)));
        RateLimitFilter filter = new RateLimitFilter(List.of(auth), failingFor("auth", store, true));
        TestExchange exchange = request().build();

        Problems.assertRefused(Chains.run(exchange, Upstream.ok(), filter), exchange,
                Reason.RATE_LIMIT_STORE_UNAVAILABLE);
    }

    @Test
    void aTierThatAllowsOnStoreFailureLetsTheRequestThroughAndSaysSo() {
        RateLimitTier general = tier("general", RateLimitConfig.builder().limit(500, Duration.ofMinutes(15))
                .onStoreFailure(OnStoreFailure.ALLOW));
        RateLimitFilter filter = new RateLimitFilter(List.of(general), failingFor("general", store, false));
        Upstream upstream = Upstream.ok();
        TestExchange exchange = request().build();

        Response response = Chains.run(exchange, upstream, filter);

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
        assertThat(exchange.recordedEvents().reasons()).containsExactly(Reason.RATE_LIMIT_STORE_UNAVAILABLE);
        assertThat(exchange.recordedEvents().single().detail()).contains("\"general\"", "onStoreFailure: allow");
        assertThat(response.headers().get("RateLimit-Policy")).isEqualTo("\"general\";q=500;w=900");
        assertThat(response.headers().get("RateLimit")).isNull();
    }

    @Test
    void aTooManyFromAHealthyTierWinsOverAnUnavailableOne() {
        RateLimitTier general = tier("general", RateLimitConfig.builder().limit(1, Duration.ofMinutes(1)));
        RateLimitTier broken = tier("broken", RateLimitConfig.builder().limit(100, Duration.ofMinutes(1)));
        RateLimitFilter filter = new RateLimitFilter(List.of(general, broken), failingFor("broken", store, false));
        store.decide("general|203.0.113.10", RateLimitRule.of(1, Duration.ofMinutes(1)), clock.millis(), 1);
        TestExchange exchange = request().build();

        Response refused = Chains.run(exchange, Upstream.ok(), filter);

        Problems.assertRefused(refused, exchange, Reason.RATE_LIMITED);
        assertThat(refused.headers().get("RateLimit")).isEqualTo("\"general\";r=0;t=60");
    }

    @Test
    void aTierListedTwiceIsABug() {
        RateLimitTier general = tier("general", RateLimitConfig.builder().limit(1, Duration.ofMinutes(1)));
        assertThatThrownBy(() -> new RateLimitFilter(List.of(general, general), store))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
        assertThatThrownBy(() -> new RateLimitFilter(List.of(), store)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subSecondPeriodsAreAdvertisedPerWholeSecond() {
        RateLimitTier fast = tier("fast", RateLimitConfig.builder().limit(10, Duration.ofMillis(500)));
        RateLimitTier chat = tier("chat", RateLimitConfig.builder().limit(20, Duration.ofSeconds(1)));

        assertThat(fast.policyItem()).isEqualTo("\"fast\";q=20;w=1");
        assertThat(chat.policyItem()).isEqualTo("\"chat\";q=20;w=1");
    }
}
