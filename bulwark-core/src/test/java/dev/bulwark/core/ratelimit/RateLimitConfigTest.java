package dev.bulwark.core.ratelimit;

import dev.bulwark.api.SecurityFilter;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.routing.CompiledRoute;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code rateLimits} block and the {@code rateLimit} key, from YAML through the route compiler. */
class RateLimitConfigTest {

    private static final String HEAD = """
            mode: development
            upstreams:
              app: { url: "http://127.0.0.1:8081" }
            """;

    private static BulwarkConfig load(String yaml) {
        return ConfigLoader.parse(HEAD + yaml, "bulwark.yaml", name -> null);
    }

    private static List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteCompiler.compile(load(yaml)));
        assertThat(e).as("expected the configuration to be refused").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    private static List<RateLimitTier> tiersOf(CompiledRoutes routes, String routeId) {
        CompiledRoute route = routes.routes().stream().filter(r -> r.id().equals(routeId)).findFirst().orElseThrow();
        List<SecurityFilter> filters = route.chain().filters();
        return filters.stream().filter(RateLimitFilter.class::isInstance).map(RateLimitFilter.class::cast)
                .findFirst().map(RateLimitFilter::tiers).orElse(List.of());
    }

    @Test
    void tiersAreLoadedAndRoutesGetThemFromDefaultsPoliciesOrThemselves() {
        CompiledRoutes routes = RouteCompiler.compile(load("""
                rateLimits:
                  general: { limit: 500, period: 15m, key: ip }
                  auth: { limit: 30, period: 15m, burst: 10, key: [ip, route], onStoreFailure: deny }
                  chat: { limit: 20, period: 1s, key: [tenant], onStoreFailure: allow }
                defaults:
                  rateLimit: [general]
                policies:
                  login: { rateLimit: [general, auth] }
                routes:
                  - { id: products, match: { path: /api/products/** }, upstream: app }
                  - { id: login, match: { path: /auth/login }, upstream: app, policy: login }
                  - { id: chat, match: { path: /api/chat }, upstream: app, rateLimit: chat }
                  - { id: health, match: { path: /health }, upstream: app, rateLimit: none }
                """));

        assertThat(tiersOf(routes, "products")).extracting(RateLimitTier::name).containsExactly("general");
        assertThat(tiersOf(routes, "login")).extracting(RateLimitTier::name).containsExactly("general", "auth");
        assertThat(tiersOf(routes, "chat")).extracting(RateLimitTier::name).containsExactly("chat");
        assertThat(tiersOf(routes, "health")).isEmpty();

        RateLimitTier auth = tiersOf(routes, "login").get(1);
        assertThat(auth.rule().limit()).isEqualTo(30);
        assertThat(auth.rule().period()).isEqualTo(Duration.ofMinutes(15));
        assertThat(auth.rule().burst()).isEqualTo(10);
        assertThat(auth.keyParts()).containsExactly("ip", "route");
        assertThat(auth.onStoreFailure()).isEqualTo(OnStoreFailure.DENY);
        RateLimitTier general = tiersOf(routes, "products").getFirst();
        assertThat(general.rule().burst()).as("burst defaults to the limit").isEqualTo(500);
        assertThat(tiersOf(routes, "chat").getFirst().onStoreFailure()).isEqualTo(OnStoreFailure.ALLOW);
    }

    @Test
    void aTierWithoutAKeyIsPerClientAddressAndDeniesOnStoreFailure() {
        CompiledRoutes routes = RouteCompiler.compile(load("""
                rateLimits:
                  plain: { limit: 5, period: 1m }
                routes:
                  - { id: r, match: { path: /r }, upstream: app, rateLimit: [plain] }
                """));

        RateLimitTier plain = tiersOf(routes, "r").getFirst();
        assertThat(plain.keyParts()).containsExactly("ip");
        assertThat(plain.onStoreFailure()).isEqualTo(OnStoreFailure.DENY);
    }

    @Test
    void badNumbersAndUnknownKeyPartsAreNamedByKeyPath() {
        assertThat(problems("""
                rateLimits:
                  zero: { limit: 0, period: 1m }
                  noPeriod: { limit: 5 }
                  instant: { limit: 5, period: 0s, burst: -1 }
                  keys: { limit: 5, period: 1m, key: [ip, cookie, "header:bad header", ip] }
                  none: { limit: 5, period: 1m }
                routes: []
                """)).containsExactlyInAnyOrder(
                "rateLimits.instant.period: 0ms must be between 1ms and 366d",
                "rateLimits.instant.burst: -1 must be between 1 and 1000000000",
                "rateLimits.keys.key[1]: \"cookie\" is not a rate limit key part (expected one of ip, user, tenant,"
                        + " apiKey, route, header:NAME, claim:NAME)",
                "rateLimits.keys.key[2]: \"header:bad header\" is not a rate limit key part (expected one of ip, user,"
                        + " tenant, apiKey, route, header:NAME, claim:NAME)",
                "rateLimits.keys.key[3]: \"ip\" is listed twice",
                "rateLimits.none: \"none\" is reserved (a route writes rateLimit: none to turn limits off)",
                "rateLimits.noPeriod.period: is required (expected a duration such as 1s, 1m or 15m)",
                "rateLimits.zero.limit: 0 must be between 1 and 1000000000");
    }

    @Test
    void aBurstThatWouldTakeMoreThanAYearToRefillIsRefused() {
        assertThat(problems("""
                rateLimits:
                  slow: { limit: 1, period: 1d, burst: 1000 }
                routes: []
                """)).containsExactly("rateLimits.slow.burst: rate limit burst must not take more than 366d to refill:"
                + " burst 1000 at 1 per PT24H");
    }

    @Test
    void referencesToUndefinedTiersAreRefusedWherever() {
        assertThat(problems("""
                rateLimits:
                  general: { limit: 500, period: 15m }
                defaults:
                  rateLimit: [genral]
                policies:
                  p: { rateLimit: [general, general] }
                routes:
                  - { id: r, match: { path: /r }, upstream: app, rateLimit: [auth] }
                """)).containsExactlyInAnyOrder(
                "defaults.rateLimit[0]: \"genral\" is not a defined rate limit tier (defined: general; write none to"
                        + " turn rate limiting off)",
                "policies.p.rateLimit[1]: \"general\" is listed twice",
                "routes[0].rateLimit[0]: \"auth\" is not a defined rate limit tier (defined: general; write none to"
                        + " turn rate limiting off)");
    }

    @Test
    void theLoaderIsStrictAboutTheTierShape() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("""
                rateLimits:
                  general: { limit: lots, perod: 15m, onStoreFailure: maybe }
                  list: [1, 2]
                routes: []
                """));

        assertThat(e.problems()).map(ConfigProblem::toString).containsExactlyInAnyOrder(
                "rateLimits.general.perod: unknown key; did you mean \"period\"?",
                "rateLimits.general.limit: \"lots\" is not an integer",
                "rateLimits.general.onStoreFailure: \"maybe\" is not one of [deny, allow]",
                "rateLimits.list: a list is not a mapping (expected keys: limit, period, burst, key, onStoreFailure)");
    }

    @Test
    void javaCallersBuildTheSameConfiguration() {
        BulwarkConfig config = BulwarkConfig.builder()
                .upstream("app", dev.bulwark.core.config.UpstreamConfig.builder().url("http://127.0.0.1:8081"))
                .rateLimit("webhooks", RateLimitConfig.builder().limit(180, Duration.ofMinutes(1)).key("ip", "route"))
                .route(dev.bulwark.core.config.RouteConfig.builder("hooks").path("/webhooks/**").upstream("app")
                        .inline(dev.bulwark.core.config.PolicyConfig.builder().rateLimit("webhooks")))
                .build();

        assertThat(tiersOf(RouteCompiler.compile(config), "hooks")).extracting(RateLimitTier::policyItem)
                .containsExactly("\"webhooks\";q=180;w=60");
    }
}
