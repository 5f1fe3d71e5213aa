package dev.bulwark.core.shedding;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.resilience.BreakerConfig;
import dev.bulwark.core.resilience.RetryConfig;
import dev.bulwark.core.routing.CompiledRoute;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code loadShedding} section, the route {@code priority} key and the upstream resilience keys, from YAML
 * through the route compiler.
 */
class LoadSheddingConfigTest {

    private static final String HEAD = """
            mode: development
            upstreams:
              app: { url: "http://127.0.0.1:8081" }
            """;

    private static BulwarkConfig load(String yaml) {
        return ConfigLoader.parse(yaml, "bulwark.yaml", name -> null);
    }

    /** @return the message listing what loading or checking {@code yaml} found wrong */
    private static String problems(String yaml) {
        try {
            RouteCompiler.check(load(yaml));
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void withoutTheSectionTheGatewayShedsAboveAGenerousDefault() {
        LoadSheddingConfig shedding = load(HEAD).effectiveLoadShedding();

        assertThat(shedding).isEqualTo(LoadSheddingConfig.DEFAULT);
        assertThat(shedding.enabled()).isTrue();
        assertThat(shedding.maxConcurrent()).isEqualTo(10_000);
        assertThat(shedding.limit(Priority.CRITICAL)).isEqualTo(10_000);
        assertThat(shedding.limit(Priority.HIGH)).isEqualTo(9_500);
        assertThat(shedding.limit(Priority.NORMAL)).isEqualTo(8_000);
        assertThat(shedding.limit(Priority.BULK)).isEqualTo(5_000);
        assertThat(load(HEAD + "loadShedding: false\n").effectiveLoadShedding().enabled()).isFalse();
    }

    @Test
    void everyLoadSheddingKeyIsRead() {
        LoadSheddingConfig shedding = load(HEAD + """
                loadShedding:
                  maxConcurrent: 200
                  queue: 20
                  queueTimeout: 250ms
                  retryAfter: 5s
                  shares: { high: 90, normal: "70%", bulk: 25 }
                """).effectiveLoadShedding();

        assertThat(shedding).isEqualTo(LoadSheddingConfig.builder().maxConcurrent(200).queue(20)
                .queueTimeout(Duration.ofMillis(250)).retryAfter(Duration.ofSeconds(5))
                .share(Priority.HIGH, 90).share(Priority.NORMAL, 70).share(Priority.BULK, 25).build());
        assertThat(load(HEAD + "loadShedding: { enabled: false }\n").effectiveLoadShedding().enabled()).isFalse();
    }

    @Test
    void everyUpstreamResilienceKeyIsReadAndTheRestKeepTheirDefaults() {
        UpstreamConfig upstream = load("""
                mode: development
                upstreams:
                  billing:
                    url: http://127.0.0.1:8082
                    maxConcurrent: 50
                    queue: 5
                    circuitBreaker: { failureRate: 40, slowCallDuration: 2s, slowCallRate: 80, minimumCalls: 10,
                                      window: 30s, openFor: 1m, halfOpenCalls: 3 }
                    retry: { maxAttempts: 3, backoff: 10ms, maxBackoff: 1s, budget: 10%, minPerSecond: 2 }
                  plain: { url: http://127.0.0.1:8083 }
                  fragile: { url: http://127.0.0.1:8084, circuitBreaker: false, retry: false }
                """).upstreams().get("billing");

        assertThat(upstream.maxConcurrent()).isEqualTo(50);
        assertThat(upstream.queue()).isEqualTo(5);
        assertThat(upstream.circuitBreaker()).isEqualTo(new BreakerConfig(true, 40, Duration.ofSeconds(2), 80, 10,
                Duration.ofSeconds(30), Duration.ofMinutes(1), 3));
        assertThat(upstream.retry()).isEqualTo(new RetryConfig(3, Duration.ofMillis(10), Duration.ofSeconds(1), 10, 2));

        BulwarkConfig config = load(HEAD + """
                  fragile: { url: http://127.0.0.1:8084, circuitBreaker: false, retry: false }
                """);
        UpstreamConfig plain = config.upstreams().get("app");
        assertThat(plain.maxConcurrent()).as("no per-upstream limit by default").isZero();
        assertThat(plain.circuitBreaker()).isEqualTo(BreakerConfig.DEFAULT);
        assertThat(plain.retry()).isEqualTo(RetryConfig.DEFAULT);
        assertThat(config.upstreams().get("fragile").circuitBreaker().enabled()).isFalse();
        assertThat(config.upstreams().get("fragile").retry().enabled()).isFalse();
    }

    @Test
    void routesTakeThePriorityTheyNameAndNormalOtherwise() {
        CompiledRoutes routes = RouteCompiler.compile(load(HEAD + """
                policies:
                  exports: { priority: bulk }
                routes:
                  - { id: health, match: { path: /health }, upstream: app, priority: critical }
                  - { id: export, match: { path: /api/export/** }, upstream: app, policy: exports }
                  - { id: api, match: { path: /api/** }, upstream: app }
                """));

        assertThat(priority(routes, "health")).isEqualTo(Priority.CRITICAL);
        assertThat(priority(routes, "export")).isEqualTo(Priority.BULK);
        assertThat(priority(routes, "api")).as("no priority: normal").isNull();
        assertThat(problems(HEAD + """
                routes:
                  - { id: api, match: { path: /api/** }, upstream: app, priority: urgent }
                """)).contains("routes[0].priority: \"urgent\" is not one of [critical, high, normal, bulk]");
    }

    @Test
    void theAuthEndpointsAndTheAdminApiAreHighPriority() {
        CompiledRoutes routes = RouteCompiler.compile(load(HEAD + """
                auth: { issuer: https://auth.example.com, audience: api }
                admin: {}
                defaults: { priority: bulk }
                routes:
                  - { id: api, match: { path: /api/** }, upstream: app }
                """));

        assertThat(priority(routes, RouteCompiler.AUTH_ROUTE_ID)).isEqualTo(Priority.HIGH);
        assertThat(routes.adminRoute().policy().priority()).isEqualTo(Priority.HIGH);
        assertThat(priority(routes, "api")).isEqualTo(Priority.BULK);
    }

    @Test
    void everyBadValueIsReportedWithItsKeyPath() {
        String message = problems(HEAD + """
                  billing:
                    url: http://127.0.0.1:8082
                    maxConcurrent: -1
                    queue: -2
                    circuitBreaker: { failureRate: 0, slowCallRate: 101, minimumCalls: 0, window: 1500ms,
                                      openFor: 0s, halfOpenCalls: 0, slowCallDuration: 0s }
                    retry: { maxAttempts: 11, backoff: 0s, minPerSecond: -1 }
                  other:
                    url: http://127.0.0.1:8083
                    retry: { backoff: 1s, maxBackoff: 100ms, budget: 120 }
                loadShedding:
                  maxConcurrent: 0
                  queue: -1
                  queueTimeout: 0s
                  retryAfter: 1500ms
                  shares: { high: 50, normal: 60, bulk: 0 }
                """);

        assertThat(message)
                .contains("upstreams.billing.maxConcurrent: -1 must not be negative (0: no limit)")
                .contains("upstreams.billing.queue: -2 must not be negative (0 sheds at once)")
                .contains("upstreams.billing.circuitBreaker.failureRate: 0 must be a percentage between 1 and 100")
                .contains("upstreams.billing.circuitBreaker.slowCallRate: 101 must be a percentage between 1 and 100")
                .contains("upstreams.billing.circuitBreaker.slowCallDuration: 0ms must be positive")
                .contains("upstreams.billing.circuitBreaker.minimumCalls: 0 must be positive")
                .contains("upstreams.billing.circuitBreaker.window: 1500ms must be whole seconds, at most 10m")
                .contains("upstreams.billing.circuitBreaker.openFor: 0ms must be positive")
                .contains("upstreams.billing.circuitBreaker.halfOpenCalls: 0 must be positive")
                .contains("upstreams.billing.retry.maxAttempts: 11 must be between 1 and 10 (1: no retries)")
                .contains("upstreams.other.retry.maxBackoff: 100ms is shorter than backoff (1000ms)")
                .contains("upstreams.other.retry.budget: 120 must be a percentage between 0 and 100")
                .contains("loadShedding.maxConcurrent: 0 must be positive")
                .contains("loadShedding.queue: -1 must not be negative (0 sheds at once)")
                .contains("loadShedding.queueTimeout: 0ms must be positive")
                .contains("loadShedding.retryAfter: 1500ms is not whole seconds (Retry-After is sent in seconds)")
                .contains("loadShedding.shares.normal: 60 is more than the share of high (50): a lower class must"
                        + " not use more of the capacity than a higher one")
                .contains("loadShedding.shares.bulk: 0 must be a percentage between 1 and 100");
    }

    @Test
    void unknownKeysAndBadShapesAreErrors() {
        assertThat(problems(HEAD + "loadShedding: { maxConcurent: 10 }\n"))
                .contains("loadShedding.maxConcurent: unknown key");
        assertThat(problems(HEAD + "loadShedding: { shares: { critical: 100 } }\n"))
                .contains("loadShedding.shares.critical: unknown key");
        assertThat(problems(HEAD + """
                  billing: { url: http://127.0.0.1:8082, circuitBreaker: { failurerate: 10 }, retry: { budget: lots } }
                """))
                .contains("upstreams.billing.circuitBreaker.failurerate: unknown key")
                .contains("upstreams.billing.retry.budget: \"lots\" is not a percentage (expected e.g. 50 or 50%)");
    }

    private static Priority priority(CompiledRoutes routes, String id) {
        return routes.routes().stream().filter(route -> route.id().equals(id)).findFirst()
                .map(CompiledRoute::policy).orElseThrow().priority();
    }
}
