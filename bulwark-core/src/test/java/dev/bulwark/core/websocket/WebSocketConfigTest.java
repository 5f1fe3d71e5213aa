package dev.bulwark.core.websocket;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.routing.CompiledRoute;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The route-level {@code websocket} key: read by the loader, checked by the compiler, applied to every route. */
class WebSocketConfigTest {

    private static final String ROUTES = """
            upstreams:
              chat: { url: "http://127.0.0.1:9000" }
            routes:
              - id: chat
                match: { path: /chat }
                upstream: chat
            """;

    private static BulwarkConfig yaml(String text) {
        return ConfigLoader.parse(text, "bulwark.yaml", Map.<String, String>of()::get);
    }

    private static WebSocketConfig chatRoute(String websocket) {
        return yaml(ROUTES + "    websocket: " + websocket + "\n").routes().getFirst().inline().websocket();
    }

    /** @return the problems the loader or the compiler reports, as their documented one-line form */
    private static List<String> problems(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteCompiler.check(yaml(text)));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void everyKeyIsRead() {
        WebSocketConfig config = chatRoute("""
                {allowedOrigins: ["https://app.example.com", "https://*.example.com"], maxConnectionsPerUser: 3,
                 maxConnectionsPerIp: 30, messagesPerConnection: {limit: 10, period: 10s},
                 messagesPerUser: {limit: 20, period: 10s, burst: 5}, maxFrameSize: 64KB, maxMessageSize: 4MB,
                 idleTimeout: 2m, retryAfter: 30s}""");

        assertThat(config).isEqualTo(WebSocketConfig.builder()
                .allowedOrigins("https://app.example.com", "https://*.example.com")
                .maxConnectionsPerUser(3).maxConnectionsPerIp(30)
                .messagesPerConnection(WebSocketConfig.Rate.of(10, Duration.ofSeconds(10)))
                .messagesPerUser(new WebSocketConfig.Rate(20L, Duration.ofSeconds(10), 5L))
                .maxFrameSize(64 * 1024).maxMessageSize(4 * 1024 * 1024).idleTimeout(Duration.ofMinutes(2))
                .retryAfter(Duration.ofSeconds(30))
                .build());
    }

    @Test
    void absentKeysKeepTheirDefaultsAndFalseSwitchesARateOff() {
        WebSocketConfig config = chatRoute("{maxMessageSize: 2MB, messagesPerUser: false}");

        assertThat(config.maxMessageSize()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.messagesPerUser()).isNull();
        assertThat(config.messagesPerConnection()).isEqualTo(WebSocketConfig.DEFAULT.messagesPerConnection());
        assertThat(config.allowedOrigins()).isNull();
        assertThat(config.maxFrameSize()).isEqualTo(1024 * 1024);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theDefaultsAreDocumentedOnes() {
        WebSocketConfig d = WebSocketConfig.DEFAULT;

        assertThat(d.maxConnectionsPerUser()).isEqualTo(10);
        assertThat(d.maxConnectionsPerIp()).isEqualTo(100);
        assertThat(d.messagesPerConnection().rule().limit()).isEqualTo(100);
        assertThat(d.messagesPerConnection().rule().burst()).isEqualTo(100);
        assertThat(d.messagesPerUser().rule().limit()).isEqualTo(300);
        assertThat(d.maxFrameSize()).isEqualTo(1024 * 1024);
        assertThat(d.maxMessageSize()).isEqualTo(1024 * 1024);
        assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(WebSocketConfig.problems(d, "websocket")).isEmpty();
    }

    @Test
    void unknownKeysAreErrorsNamingTheirPath() {
        assertThat(problems(ROUTES + """
                    websocket:
                      maxConectionsPerUser: 3
                      messagesPerUser: {limit: 10, period: 10s, every: 2}
                      maxFrameSize: big
                """)).containsExactlyInAnyOrder(
                "routes[0].websocket.maxConectionsPerUser: unknown key; did you mean \"maxConnectionsPerUser\"?",
                "routes[0].websocket.messagesPerUser.every: unknown key (expected one of: limit, period, burst)",
                "routes[0].websocket.maxFrameSize: \"big\" is not a size (expected bytes or e.g. 512KB, 5MB, 1GB;"
                        + " 1KB = 1024 bytes)");
    }

    @Test
    void valuesOutOfRangeNameTheirPath() {
        assertThat(problems(ROUTES + """
                    websocket:
                      maxConnectionsPerIp: 0
                      messagesPerConnection: {limit: 10}
                      messagesPerUser: {limit: 10, period: 10s, burst: 0}
                      maxFrameSize: 100
                      maxMessageSize: 2GB
                      idleTimeout: 0s
                      retryAfter: 1500ms
                      allowedOrigins: ["https://app.example.com/chat", "*.example.com"]
                """)).containsExactlyInAnyOrder(
                "routes[0].websocket.allowedOrigins[0]: \"https://app.example.com/chat\" is not an origin (expected"
                        + " scheme://host[:port] with no path, e.g. https://app.example.com or https://*.example.com)",
                "routes[0].websocket.allowedOrigins[1]: \"*.example.com\" is not an origin (expected"
                        + " scheme://host[:port] with no path, e.g. https://app.example.com or https://*.example.com)",
                "routes[0].websocket.maxConnectionsPerIp: 0 must be between 1 and 1000000",
                "routes[0].websocket.messagesPerConnection.period: is required (expected a duration such as 10s)",
                "routes[0].websocket.messagesPerUser: rate limit burst must be between 1 and 1000000000: 0",
                "routes[0].websocket.maxFrameSize: 100 bytes must be between 1KB and 64MB",
                "routes[0].websocket.maxMessageSize: 2147483648 bytes must be between 1KB and 1024MB",
                "routes[0].websocket.idleTimeout: 0ms must be between 1s and 1d",
                "routes[0].websocket.retryAfter: 1500ms is not whole seconds (Retry-After is sent in seconds)");
        assertThat(problems(ROUTES + "    websocket: {retryAfter: 0s}\n"))
                .containsExactly("routes[0].websocket.retryAfter: 0ms must be positive");
    }

    @Test
    void anyOriginIsRefusedInProductionMode() {
        String config = "mode: production\n" + ROUTES + "    websocket: {allowedOrigins: [\"*\"]}\n";

        assertThat(problems(config)).contains("routes[0].websocket.allowedOrigins[0]: \"*\" is not allowed in"
                + " production mode: it lets any site's pages open sockets with the visitor's cookies (list the"
                + " origins)");
    }

    @Test
    void everyProxiedRouteGetsTheOriginCheckAndTheLimitsEvenWithoutTheKey() {
        CompiledRoute route = RouteCompiler.compile(yaml(ROUTES)).routes().getFirst();

        assertThat(route.chain().filters()).hasAtLeastOneElementOfType(WebSocketOriginFilter.class);
        assertThat(route.chain().filters()).filteredOn(WebSocketLimitFilter.class::isInstance).singleElement()
                .extracting(filter -> ((WebSocketLimitFilter) filter).config()).isEqualTo(WebSocketConfig.DEFAULT);
    }
}
