package dev.bulwark.bench;

import dev.bulwark.api.Chain;
import dev.bulwark.api.Response;
import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.bodylimit.BodyLimitFilter;
import dev.bulwark.core.chain.FilterChain;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.cors.CorsFilter;
import dev.bulwark.core.edge.HeaderLimitFilter;
import dev.bulwark.core.edge.HostAllowlistFilter;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.headers.SecurityHeadersFilter;
import dev.bulwark.core.requestid.RequestIdConfig;
import dev.bulwark.core.requestid.RequestIdFilter;
import dev.bulwark.testing.ExchangeBuilder;
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
 * The full edge chain of a public route (request id, host allowlist, header limits, security headers, CORS,
 * body limit) around an upstream that answers at once, as the gateway runs it for every request. Each
 * operation builds a fresh exchange, as the gateway does per request, so that cost is included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EdgeChainBenchmark {

    private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private FilterChain chain;
    private Chain upstream;
    private ExchangeBuilder simpleGet;
    private ExchangeBuilder crossOriginPost;
    private ExchangeBuilder preflight;

    @Setup
    public void setUp() {
        CorsConfig cors = CorsConfig.builder()
                .allowedOrigins("http://localhost:3000", "https://*.example.com")
                .allowedMethods("GET", "POST", "PUT", "DELETE")
                .allowedHeaders("Content-Type", "Authorization")
                .exposedHeaders("X-Request-Id")
                .allowCredentials(true)
                .maxAge(Duration.ofMinutes(10))
                .build();
        chain = new FilterChain("bench", List.of(
                new RequestIdFilter(RequestIdConfig.DEFAULT),
                new HostAllowlistFilter(List.of("api.example.com", "*.example.com")),
                new HeaderLimitFilter(100, 16 * 1024),
                new SecurityHeadersFilter(SecurityHeadersConfig.DEFAULT),
                new CorsFilter(cors),
                new BodyLimitFilter(BodyLimitConfig.DEFAULT)));
        // Answers like a typical backend, with the headers the gateway must strip.
        upstream = exchange -> {
            Response response = Response.of(200, "application/json", BODY);
            response.headers().set("Server", "nginx/1.22.1");
            response.headers().set("X-Powered-By", "Express");
            return CompletableFuture.completedFuture(response);
        };
        simpleGet = ExchangeBuilder.get("/api/products/42")
                .header("Accept", "application/json")
                .header("User-Agent", "curl/8.5.0");
        crossOriginPost = ExchangeBuilder.post("/api/orders")
                .header("Origin", "https://shop.example.com")
                .header("Accept", "application/json")
                .header("X-Request-Id", "0f8fad5b-d9cb-469f-a165-70867728950e")
                .body("application/json", 512);
        preflight = ExchangeBuilder.options("/api/orders")
                .header("Origin", "https://shop.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, authorization");
    }

    @Benchmark
    public Response simpleGet() {
        return run(simpleGet);
    }

    @Benchmark
    public Response crossOriginPost() {
        return run(crossOriginPost);
    }

    @Benchmark
    public Response preflightAnsweredAtTheEdge() {
        return run(preflight);
    }

    private Response run(ExchangeBuilder request) {
        return chain.run(request.build(), upstream).toCompletableFuture().join();
    }
}
