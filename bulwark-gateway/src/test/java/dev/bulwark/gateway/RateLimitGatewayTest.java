package dev.bulwark.gateway;

import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.ratelimit.RateLimitConfig;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.bulwark.gateway.GatewayTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

/** Rate limits on the wire: real client, real gateway, real upstream; time from a fake clock. */
class RateLimitGatewayTest {

    /** {@link FakeClock#DEFAULT_START} in epoch seconds. */
    private static final long START = 1_735_689_600L;

    private static final FakeClock clock = new FakeClock();
    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .rateLimit("tight", RateLimitConfig.builder().limit(3, Duration.ofMinutes(1)).key("ip"))
                .rateLimit("per-route", RateLimitConfig.builder().limit(100, Duration.ofMinutes(1)).key("route"))
                .defaults(PolicyConfig.builder().rateLimit("tight", "per-route"))
                .route(RouteConfig.builder("open").path("/open/**").upstream("backend")
                        .inline(PolicyConfig.builder().rateLimit()))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend"))
                .build(), GatewayOptions.defaults().withClock(clock).withEventLoops(2));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() throws InterruptedException {
        while (!upstream.nothingReceived()) {
            upstream.next();
        }
    }

    @Test
    void theLimitIsAnnouncedOnEveryResponseAndTheRequestOverItNeverReachesTheBackend() throws Exception {
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> allowed = get(gateway, "/api/orders");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("RateLimit-Policy"))
                    .hasValue("\"tight\";q=3;w=60, \"per-route\";q=100;w=60");
            assertThat(allowed.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
            assertThat(allowed.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(remaining));
            assertThat(allowed.headers().firstValue("X-RateLimit-Reset")).hasValue(Long.toString(START + 60 - 20L * remaining));
            upstream.next();
        }

        HttpResponse<String> refused = get(gateway, "/api/orders");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("20");
        assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"tight\";r=0;t=60");
        assertThat(refused.body()).contains("\"type\":\"urn:bulwark:problem:rate-limited\"",
                "\"detail\":\"rate limit \\\"tight\\\" exceeded; retry after 20s\"", "\"requestId\":");
        // security headers from the edge stage still wrap the refusal
        assertThat(refused.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(upstream.nothingReceived()).as("the refused request reached the backend").isTrue();
        assertThat(gateway.meterRegistry().scrape()).containsPattern(
                "security_events_total\\{[^}]*event_type=\"RATE_LIMITED\"[^}]*source=\"rate-limit\"[^}]*} 1\\.0");

        clock.advance(Duration.ofSeconds(20));
        assertThat(get(gateway, "/api/orders").statusCode()).as("after Retry-After").isEqualTo(200);
        upstream.next();
    }

    @Test
    void aRouteWithRateLimitNoneIsNeitherLimitedNorAnnounced() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = get(gateway, "/open/docs");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("RateLimit-Policy")).isEmpty();
            assertThat(response.headers().firstValue("X-RateLimit-Limit")).isEmpty();
            upstream.next();
        }
    }
}
