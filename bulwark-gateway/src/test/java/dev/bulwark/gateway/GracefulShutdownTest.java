package dev.bulwark.gateway;

import dev.bulwark.core.config.RouteConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.gateway.GatewayTestSupport.CLIENT;
import static dev.bulwark.gateway.GatewayTestSupport.withSecrets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GracefulShutdownTest {

    private final TestUpstream upstream = new TestUpstream();

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void inFlightRequestFinishesWhileTheGatewayShutsDown() throws Exception {
        Gateway gateway = Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                .route(RouteConfig.builder("all").path("/**").upstream("backend")).build(),
                GatewayOptions.defaults().withEventLoops(1));
        CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
                withSecrets(gateway.baseUri().resolve("/gate")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.awaitArrivalAtGate(10, TimeUnit.SECONDS)).isTrue();
        assertThat(upstream.waitingAtGate()).isEqualTo(1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
        upstream.openGate();

        HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("released");
        closing.get(10, TimeUnit.SECONDS);
    }

    @Test
    void startingOnATakenPortFailsWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> Gateway.start(GatewayTestSupport.config(upstream, GatewayTestSupport.server())
                    .server(GatewayTestSupport.server().host("127.0.0.1").port(taken.getLocalPort()))
                    .route(RouteConfig.builder("all").path("/**").upstream("backend")).build()))
                    .isInstanceOf(GatewayStartException.class)
                    .hasMessage("port " + taken.getLocalPort() + " is already in use");
        }
    }
}
