package dev.bulwark.core.chain;

import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.core.bodylimit.BodyLimitConfig;
import dev.bulwark.core.bodylimit.BodyLimitFilter;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.cors.CorsFilter;
import dev.bulwark.core.edge.HeaderLimitFilter;
import dev.bulwark.core.edge.HostAllowlistFilter;
import dev.bulwark.core.headers.SecurityHeadersConfig;
import dev.bulwark.core.headers.SecurityHeadersFilter;
import dev.bulwark.core.requestid.RequestIdConfig;
import dev.bulwark.core.requestid.RequestIdFilter;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge filters of a public route, in the order a compiled route runs them. */
class EdgeFiltersTogetherTest {

    private final FilterChain chain = new FilterChain("public-api", List.of(
            new BodyLimitFilter(BodyLimitConfig.DEFAULT),
            new CorsFilter(new CorsConfig(List.of("https://app.example.com"), List.of(), true,
                    List.of("GET", "POST"), List.of("Content-Type"), List.of(), Duration.ofMinutes(5))),
            new SecurityHeadersFilter(SecurityHeadersConfig.DEFAULT),
            new HostAllowlistFilter(List.of("api.example.com")),
            new HeaderLimitFilter(100, 16 * 1024),
            new RequestIdFilter(RequestIdConfig.DEFAULT)));
    private final Upstream upstream = Upstream.respond(200, "Server", "gunicorn/20.1", "X-Powered-By", "Django");

    @Test
    void allowedRequestReachesTheBackendAndComesBackHardened() {
        TestExchange exchange = ExchangeBuilder.get("/api/products").header("Origin", "https://app.example.com")
                .header("X-Request-Id", "abc-1").build();

        Response response = Chains.await(chain.run(exchange, upstream));

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.lastRequestHeaders().get("X-Request-Id")).isEqualTo("abc-1");
        assertThat(response.headers().get("X-Request-Id")).isEqualTo("abc-1");
        assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(response.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.headers().contains("Server")).isFalse();
        assertThat(response.headers().contains("X-Powered-By")).isFalse();
        assertThat(exchange.bodyLimit()).isEqualTo(1024 * 1024);
    }

    @Test
    void unknownHostIsRefusedWithRequestIdAndHardeningHeaders() {
        TestExchange exchange = ExchangeBuilder.get("/api/products").host("attacker.example").build();

        Response response = Chains.await(chain.run(exchange, upstream));

        Problems.assertRefused(response, exchange, Reason.HOST_NOT_ALLOWED);
        assertThat(response.headers().get("X-Request-Id")).isEqualTo(exchange.requestId()).isNotNull();
        assertThat(response.headers().get("Strict-Transport-Security")).isNotNull();
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void oversizedJsonUploadIsRefusedWithCorsHeadersSoTheBrowserCanReadTheProblem() {
        TestExchange exchange = ExchangeBuilder.post("/api/orders").header("Origin", "https://app.example.com")
                .body("application/json", 6L * 1024 * 1024).build();

        Response response = Chains.await(chain.run(exchange, upstream));

        Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE);
        assertThat(response.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(response.headers().get("Content-Security-Policy")).isNotNull();
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void deniedPreflightIsRefusedWithoutReachingTheBackend() {
        TestExchange exchange = ExchangeBuilder.options("/api/orders").header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST").build();

        Response response = Chains.await(chain.run(exchange, upstream));

        Problems.assertRefused(response, exchange, Reason.CORS_ORIGIN_DENIED);
        assertThat(response.headers().get("X-Request-Id")).isEqualTo(exchange.requestId());
        assertThat(upstream.reached()).isFalse();
    }
}
