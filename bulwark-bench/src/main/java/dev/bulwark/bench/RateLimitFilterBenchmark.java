package dev.bulwark.bench;

import dev.bulwark.api.Chain;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Response;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.ratelimit.InMemoryRateLimitStore;
import dev.bulwark.core.ratelimit.RateLimitConfig;
import dev.bulwark.core.ratelimit.RateLimitFilter;
import dev.bulwark.core.ratelimit.RateLimitTier;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.TestExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the rate-limit filter adds to a request, as the load script's {@code /limited/**} route uses it: a tier
 * per client address and a tier per user (1,000 users from one address), both too generous to refuse, so every
 * request pays both decisions and the five response fields. {@code withoutLimits} runs the same exchange
 * through an empty chain; the difference between the two is the filter's cost. Header fields go into the
 * exchange's own map here, not Vert.x's, so validating and encoding them on the wire is not included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitFilterBenchmark {

    private static final int USERS = 1_000;
    private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private final String[] users = new String[USERS];
    private FilterChain withLimits;
    private FilterChain withoutLimits;
    private Chain upstream;
    private ExchangeBuilder request;
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < USERS; i++) {
            users[i] = "0b7c6c1e-4d1a-4f7e-9c1b-" + String.format("%012d", i);
        }
        RateLimitFilter limits = new RateLimitFilter(List.of(
                new RateLimitTier("per-ip", RateLimitConfig.builder()
                        .limit(100_000_000, Duration.ofSeconds(1)).key("ip").build()),
                new RateLimitTier("per-user", RateLimitConfig.builder()
                        .limit(100_000_000, Duration.ofSeconds(1)).key("user").build())),
                new InMemoryRateLimitStore(200_000));
        withLimits = new FilterChain("limited", List.of(limits));
        withoutLimits = new FilterChain("auth", List.of());
        upstream = exchange -> CompletableFuture.completedFuture(Response.of(200, "application/json", BODY));
        request = ExchangeBuilder.get("/limited/bench").clientIp("127.0.0.1");
    }

    @Benchmark
    public Response withLimits() {
        return withLimits.run(exchange(), upstream).toCompletableFuture().join();
    }

    @Benchmark
    public Response withoutLimits() {
        return withoutLimits.run(exchange(), upstream).toCompletableFuture().join();
    }

    private TestExchange exchange() {
        TestExchange exchange = request.build();
        exchange.attribute(ExchangeAttributes.USER, users[next]);
        next = (next + 1) % USERS;
        return exchange;
    }
}
