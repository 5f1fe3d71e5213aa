package dev.bulwark.core.routing;

import dev.bulwark.api.SecurityFilter;
import dev.bulwark.api.Stage;
import dev.bulwark.core.bodylimit.BodyLimitFilter;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.cors.CorsConfig;
import dev.bulwark.core.cors.CorsFilter;
import dev.bulwark.core.edge.HeaderLimitFilter;
import dev.bulwark.core.edge.HostAllowlistFilter;
import dev.bulwark.core.headers.SecurityHeadersFilter;
import dev.bulwark.core.identityheaders.IdentityHeaderStripFilter;
import dev.bulwark.core.requestid.RequestIdFilter;
import dev.bulwark.core.websocket.WebSocketLimitFilter;
import dev.bulwark.core.websocket.WebSocketOriginFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CompiledRoutesTest {

    private static BulwarkConfig.Builder base() {
        return BulwarkConfig.builder()
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:8081"))
                .upstream("admin", UpstreamConfig.builder().url("http://127.0.0.1:8082"));
    }

    private static String routeId(CompiledRoutes routes, String host, String method, String rawPath) {
        RouteMatch match = routes.match(host, method, PathNormalizer.normalize(rawPath));
        return match == null ? null : match.route().id();
    }

    private final CompiledRoutes routes = RouteCompiler.compile(base()
            .route(RouteConfig.builder("admin").path("/admin/**").upstream("admin"))
            .route(RouteConfig.builder("order").path("/api/orders/{id}").methods("GET", "DELETE").upstream("backend"))
            .route(RouteConfig.builder("order-items").path("/api/orders/{orderId}/items/{itemId}").upstream("backend"))
            .route(RouteConfig.builder("products").path("/api/products/**").upstream("backend"))
            .route(RouteConfig.builder("one-level").path("/files/*/meta").upstream("backend"))
            .route(RouteConfig.builder("tenant").path("/t/**").hosts("*.clinic.example").upstream("backend"))
            .route(RouteConfig.builder("apex").path("/t/**").hosts("clinic.example").upstream("admin"))
            .route(RouteConfig.builder("api-catch-all").path("/api/**").upstream("backend"))
            .build());

    @Test
    void firstMatchingRouteWins() {
        assertThat(routeId(routes, "h", "GET", "/api/orders/42")).isEqualTo("order");
        assertThat(routeId(routes, "h", "POST", "/api/orders/42")).isEqualTo("api-catch-all");
        assertThat(routeId(routes, "h", "GET", "/api/anything/else")).isEqualTo("api-catch-all");
    }

    @Test
    void parametersAreBoundFromTheCaseKeptDecodedPath() {
        RouteMatch match = routes.match("h", "GET", PathNormalizer.normalize("/API/Orders/AbC%20d/Items/7"));

        assertThat(match.route().id()).isEqualTo("order-items");
        assertThat(match.pathParams()).isEqualTo(Map.of("orderId", "AbC d", "itemId", "7"));
    }

    @Test
    void aRouteWithoutParametersBindsNone() {
        assertThat(routes.match("h", "GET", PathNormalizer.normalize("/admin/x")).pathParams()).isEmpty();
    }

    @Test
    void doubleStarMatchesThePrefixItselfAndAnyDepthBelow() {
        assertThat(routeId(routes, "h", "GET", "/api/products")).isEqualTo("products");
        assertThat(routeId(routes, "h", "GET", "/api/products/")).isEqualTo("products");
        assertThat(routeId(routes, "h", "GET", "/api/products/1/reviews/2")).isEqualTo("products");
        assertThat(routeId(routes, "h", "GET", "/api/productsX")).isEqualTo("api-catch-all");
    }

    @Test
    void singleStarMatchesExactlyOneSegment() {
        assertThat(routeId(routes, "h", "GET", "/files/a/meta")).isEqualTo("one-level");
        assertThat(routeId(routes, "h", "GET", "/files/a/b/meta")).isNull();
        assertThat(routeId(routes, "h", "GET", "/files/meta")).isNull();
    }

    @Test
    void nothingMatchesOutsideEveryPattern() {
        assertThat(routeId(routes, "h", "GET", "/")).isNull();
        assertThat(routeId(routes, "h", "GET", "/other")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "/ADMIN", "/Admin/users", "/api/../admin", "//admin", "/api/%2e%2e/admin",
            "/admin;jsessionid=1", "\\admin", "/admin/.", "/admin/./x", "/./admin", "/api/..;/admin", "/%61dmin"})
    void bypassAttemptsStillReachTheAdminRoute(String raw) {
        assertThat(routeId(routes, "h", "GET", raw)).isEqualTo("admin");
    }

    @Test
    void methodsAreCaseInsensitiveAndHeadMatchesGet() {
        assertThat(routeId(routes, "h", "delete", "/api/orders/1")).isEqualTo("order");
        assertThat(routeId(routes, "h", "HEAD", "/api/orders/1")).isEqualTo("order");
        assertThat(routeId(routes, "h", "PUT", "/api/orders/1")).isEqualTo("api-catch-all");
    }

    @Test
    void subdomainPatternsMatchSubdomainsButNotTheApex() {
        assertThat(routeId(routes, "a.clinic.example", "GET", "/t/x")).isEqualTo("tenant");
        assertThat(routeId(routes, "deep.a.clinic.example", "GET", "/t/x")).isEqualTo("tenant");
        assertThat(routeId(routes, "clinic.example", "GET", "/t/x")).isEqualTo("apex");
        assertThat(routeId(routes, "evilclinic.example", "GET", "/t/x")).isNull();
        assertThat(routeId(routes, null, "GET", "/t/x")).isNull();
    }

    @Test
    void hostsIgnoreCasePortAndTrailingDot() {
        assertThat(routeId(routes, "A.Clinic.EXAMPLE:8443", "GET", "/t/x")).isEqualTo("tenant");
        assertThat(routeId(routes, "clinic.example.", "GET", "/t/x")).isEqualTo("apex");
    }

    @Test
    void eachRouteGetsTheEdgeFiltersInStageOrder() {
        CompiledRoutes compiled = RouteCompiler.compile(base()
                .server(ServerConfig.builder().allowedHosts("api.example.com"))
                .route(RouteConfig.builder("web").path("/**").upstream("backend")
                        .inline(PolicyConfig.builder().cors(CorsConfig.builder().allowedOrigins("https://app.example.com"))))
                .build());

        assertThat(compiled.routes().get(0).chain().filters()).extracting(SecurityFilter::getClass).containsExactly(
                RequestIdFilter.class, SecurityHeadersFilter.class, HostAllowlistFilter.class, HeaderLimitFilter.class,
                IdentityHeaderStripFilter.class, CorsFilter.class, WebSocketOriginFilter.class, BodyLimitFilter.class,
                WebSocketLimitFilter.class);
    }

    @Test
    void corsFalseOnARouteSwitchesOffTheCorsTheDefaultsTurnedOn() {
        CompiledRoutes compiled = RouteCompiler.compile(ConfigLoader.parse("""
                upstreams: {backend: {url: "http://127.0.0.1:9"}}
                defaults:
                  cors: {allowedOrigins: [https://app.example.com]}
                routes:
                  - {id: webhooks, match: {path: /hooks/**}, upstream: backend, cors: false}
                  - {id: api, match: {path: /api/**}, upstream: backend}
                """, "cors-off.yaml", name -> null));

        assertThat(compiled.routes().get(0).chain().filters()).extracting(SecurityFilter::getClass)
                .doesNotContain(CorsFilter.class);
        assertThat(compiled.routes().get(1).chain().filters()).extracting(SecurityFilter::getClass)
                .contains(CorsFilter.class);
    }

    @Test
    void withoutAllowedHostsOrCorsThoseFiltersAreLeftOut() {
        assertThat(routes.routes().get(0).chain().filters()).extracting(SecurityFilter::getClass).containsExactly(
                RequestIdFilter.class, SecurityHeadersFilter.class, HeaderLimitFilter.class,
                IdentityHeaderStripFilter.class, WebSocketOriginFilter.class, BodyLimitFilter.class,
                WebSocketLimitFilter.class);
    }

    @Test
    void policiesMergeDefaultsThenNamedPoliciesInOrderThenInlineSettings() {
        CorsConfig publicCors = CorsConfig.builder().allowedOrigins("https://app.example.com").build();
        CompiledRoutes compiled = RouteCompiler.compile(base()
                .defaults(PolicyConfig.builder().bodyLimit(100))
                .policy("cors", PolicyConfig.builder().cors(publicCors).bodyLimit(200))
                .policy("big", PolicyConfig.builder().bodyLimit(300))
                .route(RouteConfig.builder("a").path("/a").upstream("backend").policies("cors", "big"))
                .route(RouteConfig.builder("b").path("/b").upstream("backend").policies("big", "cors")
                        .inline(PolicyConfig.builder().bodyLimit(400)))
                .route(RouteConfig.builder("c").path("/c").upstream("backend"))
                .build());

        PolicyConfig a = compiled.routes().get(0).policy();
        PolicyConfig b = compiled.routes().get(1).policy();
        PolicyConfig c = compiled.routes().get(2).policy();
        assertThat(a.cors()).isEqualTo(publicCors);
        assertThat(a.bodyLimit().json()).isEqualTo(300);
        assertThat(b.bodyLimit().json()).isEqualTo(400);
        assertThat(c.bodyLimit().json()).isEqualTo(100);
        assertThat(c.cors()).isNull();
        assertThat(c.headers()).isNotNull();
    }

    @Test
    void routesResolveTheirUpstream() {
        assertThat(routes.routes().get(0).upstream().url()).hasToString("http://127.0.0.1:8082");
    }

    @Test
    void theFallbackChainHoldsOnlyRequestIdAndEdgeFiltersWhenUnmatchedRequestsGet404() {
        assertThat(routes.fallbackUpstream()).isNull();
        assertThat(routes.fallbackChain().filters()).extracting(SecurityFilter::stage)
                .containsExactly(Stage.REQUEST_ID, Stage.EDGE, Stage.EDGE);
    }

    @Test
    void aFallbackUpstreamAlsoGetsTheDefaultBodyLimit() {
        CompiledRoutes compiled = RouteCompiler.compile(base()
                .server(ServerConfig.builder().fallbackUpstream("backend"))
                .defaults(PolicyConfig.builder().cors(CorsConfig.builder().allowedOrigins("https://app.example.com")))
                .build());

        assertThat(compiled.fallbackUpstream().name()).isEqualTo("backend");
        assertThat(compiled.fallbackChain().filters()).extracting(SecurityFilter::getClass).containsExactly(
                RequestIdFilter.class, SecurityHeadersFilter.class, HeaderLimitFilter.class,
                IdentityHeaderStripFilter.class, WebSocketOriginFilter.class, BodyLimitFilter.class,
                WebSocketLimitFilter.class);
    }
}
