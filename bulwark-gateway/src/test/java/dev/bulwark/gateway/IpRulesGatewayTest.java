package dev.bulwark.gateway;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client-address rules through a real gateway: per route, global, and behind a trusted proxy. */
class IpRulesGatewayTest {

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server()
                        .trustedProxies("127.0.0.2/32")
                        .ipRules(IpRulesConfig.denyOnly("10.66.0.0/16")))
                .route(RouteConfig.builder("office").path("/admin/**").upstream("backend")
                        .inline(PolicyConfig.builder().ipRules(IpRulesConfig.allowOnly("10.0.0.0/8", "fd00::/8"))))
                .route(RouteConfig.builder("local").path("/local/**").upstream("backend")
                        .inline(PolicyConfig.builder().ipRules(IpRulesConfig.allowOnly("127.0.0.0/8"))))
                .route(RouteConfig.builder("open").path("/**").upstream("backend"))
                .build(), GatewayOptions.defaults().withEventLoops(1));
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

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRouteAllowingOnlyTheOfficeNetworkRefusesEveryoneElseBeforeTheBackend() throws Exception {
        HttpResponse<String> refused = get("/admin/users");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("urn:bulwark:problem:ip-denied", "client address not allowed")
                .doesNotContain("10.0.0.0");
        assertThat(upstream.nothingReceived()).isTrue();
        assertThat(get("/local/status").statusCode()).isEqualTo(200);
    }

    @Test
    void theTrustedClientAddressIsWhatCounts() throws Exception {
        // The socket peer 127.0.0.1 is not a trusted proxy, so its X-Forwarded-For claim is ignored.
        HttpResponse<String> spoofed = CLIENT.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/admin/users"))
                .header("X-Forwarded-For", "10.1.2.3").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(spoofed.statusCode()).isEqualTo(403);
    }

    @Test
    void malformedEntriesStopTheConfigurationWithTheirKeyPath() {
        String yaml = """
                mode: development
                server: { ipRules: { deny: [10.0.0.0/33] } }
                upstreams: { b: { url: "http://127.0.0.1:9" } }
                routes:
                  - { id: r, match: { path: /** }, upstream: b, ipRules: { allow: [not-an-ip] } }
                """;
        BulwarkConfig config = ConfigLoader.parse(yaml, "x.yaml", name -> null);

        assertThatThrownBy(() -> RouteCompiler.compile(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.ipRules.deny[0]").hasMessageContaining("routes[0].ipRules.allow[0]");
    }
}
