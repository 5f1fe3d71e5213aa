package dev.bulwark.bench;

import dev.bulwark.api.Chain;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Response;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.ratelimit.InMemoryRateLimitStore;
import dev.bulwark.core.ratelimit.RateLimitConfig;
import dev.bulwark.core.ratelimit.RateLimitFilter;
import dev.bulwark.core.ratelimit.RateLimitTier;
import dev.bulwark.gateway.server.MultiMapHeaders;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.TestExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.impl.headers.Http1xHeaders;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the rate-limit filter adds to a request, as the load script's {@code /limited/**} route uses it: a tier
 * per client address and a tier per user (1,000 users from one address), both too generous to refuse, so every
 * request pays both decisions and the five response fields. {@code withoutLimits} runs the same exchange
 * through an empty chain; the difference between the two is the filter's cost.
 *
 * <p>{@code headers=simple} answers with the exchange's own header map. {@code headers=vertx} answers the way
 * the gateway does: the response head is Vert.x's own map behind the gateway's {@link MultiMapHeaders}, filled
 * with the 13 fields a proxied response of that route carries, and is encoded into a pooled buffer afterwards,
 * so validating and encoding the five fields is included.
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
    /** The fields of the load script's proxied response before any filter adds its own. */
    private static final String[][] RESPONSE_FIELDS = {
            {"Server", "nginx"}, {"Date", "Sun, 23 Nov 2026 08:00:00 GMT"}, {"Content-Type", "text/plain"},
            {"Content-Length", "3"}, {"X-Request-Id", "3f2a9c1e-8b7d-4c21-9e0f-1a2b3c4d5e6f"},
            {"Content-Security-Policy", "default-src 'self'"}, {"X-Frame-Options", "DENY"},
            {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"},
            {"Cross-Origin-Resource-Policy", "same-origin"}, {"Permissions-Policy", "geolocation=()"},
            {"Vary", "Origin"}, {"Connection", "keep-alive"}};

    @Param({"simple", "vertx"})
    public String headers;

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
        upstream = headers.equals("vertx") ? exchange -> CompletableFuture.completedFuture(vertxResponse())
                : exchange -> CompletableFuture.completedFuture(Response.of(200, "application/json", BODY));
        request = ExchangeBuilder.get("/limited/bench").clientIp("127.0.0.1");
    }

    @Benchmark
    public int withLimits() {
        return encode(withLimits.run(exchange(), upstream).toCompletableFuture().join());
    }

    @Benchmark
    public int withoutLimits() {
        return encode(withoutLimits.run(exchange(), upstream).toCompletableFuture().join());
    }

    private static Response vertxResponse() {
        Http1xHeaders head = (Http1xHeaders) HttpHeaders.headers();
        for (String[] field : RESPONSE_FIELDS) {
            head.add(field[0], field[1]);
        }
        return Response.streamed(200, new MultiMapHeaders(head), BODY);
    }

    /** @return the response head's size, encoded as the gateway's server encodes it (Vert.x's map only) */
    private static int encode(Response response) {
        if (!(response.headers() instanceof MultiMapHeaders vertx)) {
            return response.headers().size();
        }
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        try {
            ((Http1xHeaders) vertx.unwrap()).encode(buffer, false);
            return buffer.writerIndex();
        } finally {
            buffer.release();
        }
    }

    private TestExchange exchange() {
        TestExchange exchange = request.build();
        exchange.attribute(ExchangeAttributes.USER, users[next]);
        next = (next + 1) % USERS;
        return exchange;
    }
}
