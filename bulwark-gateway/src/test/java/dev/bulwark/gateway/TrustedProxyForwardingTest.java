package dev.bulwark.gateway;

import dev.bulwark.core.config.RouteConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrustedProxyForwardingTest {

    private static TestUpstream upstream;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = Gateway.start(GatewayTestSupport.config(upstream,
                        GatewayTestSupport.server().trustedProxies("127.0.0.0/8"))
                .route(RouteConfig.builder("all").path("/**").upstream("backend")).build(),
                GatewayOptions.defaults().withEventLoops(1));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void trustedProxyChainIsKeptAndItsTlsTermination() throws Exception {
        RawHttp.Reply reply = RawHttp.send(gateway.port(), "GET /api/me HTTP/1.1\r\nHost: shop.example\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n"
                + "Authorization: " + GatewayTestSupport.BEARER + "\r\n\r\n");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Strict-Transport-Security")).contains("max-age=");
        TestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(received.header("X-Forwarded-Proto")).isEqualTo("https");
    }
}
