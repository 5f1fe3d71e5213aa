package dev.bulwark.gateway.auth;

import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.Authenticator;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * WebSocket upgrades on authenticated routes, through a real gateway to a real WebSocket upstream: the token may
 * come as a header or, as browsers must send it, as a subprotocol entry that never reaches the backend.
 */
class WebSocketAuthTest {

    private static final String PASSWORD = "sEcReT-websocket-passphrase-81";
    private static final FakeClock clock = new FakeClock();
    /** The {@code Sec-WebSocket-Protocol} each upgrade carried to the upstream ("-" for none). */
    private static final BlockingQueue<String> offeredUpstream = new LinkedBlockingQueue<>();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway gateway;
    private static WebSocketClient client;
    private static AuthClient auth;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer(new HttpServerOptions().setWebSocketSubProtocols(List.of("chat")))
                .webSocketHandler(ws -> {
                    String offered = ws.headers().get("Sec-WebSocket-Protocol");
                    offeredUpstream.add(offered == null ? "-" : offered);
                    ws.textMessageHandler(text -> ws.writeTextMessage("echo: " + text));
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(BulwarkConfig.builder()
                        .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                        .upstream("chat", UpstreamConfig.builder().url("http://127.0.0.1:" + upstream.actualPort()))
                        .auth(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING))
                        .route(RouteConfig.builder("chat").path("/chat").upstream("chat")
                                .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                        .route(RouteConfig.builder("legacy").path("/legacy").upstream("chat")
                                .inline(PolicyConfig.builder().auth(new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED,
                                        List.of(), "access_token"))))
                        .build(),
                GatewayOptions.defaults().withClock(clock).withEventLoops(1));
        client = vertx.createWebSocketClient();
        auth = new AuthClient(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        offeredUpstream.clear();
    }

    private static String token() throws Exception {
        String email = "ws-" + UUID.randomUUID() + "@example.com";
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        identity.createUser(email, PASSWORD, Set.of(), Set.of()).toCompletableFuture().join();
        return auth.login(email, PASSWORD).get("accessToken").asText();
    }

    private static WebSocketConnectOptions to(String uri) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI(uri);
    }

    private static WebSocket connect(WebSocketConnectOptions options) throws Exception {
        return client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String roundTrip(WebSocket socket, String text) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        socket.textMessageHandler(reply::complete);
        socket.writeTextMessage(text);
        return reply.get(10, TimeUnit.SECONDS);
    }

    private static int rejectedStatus(WebSocketConnectOptions options) {
        Throwable failure = catchThrowable(() -> connect(options));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(UpgradeRejectedException.class);
        return ((UpgradeRejectedException) failure.getCause()).getStatus();
    }

    @Test
    void anUpgradeWithoutATokenIsRefusedAndNeverReachesTheUpstream() {
        assertThat(rejectedStatus(to("/chat"))).isEqualTo(401);
        assertThat(offeredUpstream).isEmpty();
    }

    @Test
    void anUpgradeWithABearerHeaderIsRelayed() throws Exception {
        WebSocket socket = connect(to("/chat").addHeader("Authorization", "Bearer " + token()));

        assertThat(roundTrip(socket, "hello")).isEqualTo("echo: hello");
        socket.close();
    }

    @Test
    void aBrowserTokenInTheSubprotocolsIsCheckedAndRemovedBeforeTheUpstream() throws Exception {
        String token = token();

        WebSocket socket = connect(to("/chat").setSubProtocols(List.of(Authenticator.WEBSOCKET_PROTOCOL, token)));

        assertThat(roundTrip(socket, "hi")).isEqualTo("echo: hi");
        assertThat(offeredUpstream.poll(5, TimeUnit.SECONDS)).as("no token, no marker upstream").isEqualTo("-");
        assertThat(socket.subProtocol()).as("browsers need one of their offers echoed")
                .isEqualTo(Authenticator.WEBSOCKET_PROTOCOL);
        socket.close();
    }

    @Test
    void theUpstreamsOwnSubprotocolChoiceSurvivesTheTokenEntry() throws Exception {
        String token = token();

        WebSocket socket = connect(to("/chat")
                .setSubProtocols(List.of(Authenticator.WEBSOCKET_PROTOCOL, token, "chat")));

        assertThat(socket.subProtocol()).isEqualTo("chat");
        assertThat(offeredUpstream.poll(5, TimeUnit.SECONDS)).isEqualTo("chat");
        socket.close();
    }

    @Test
    void aRevokedTokenCannotOpenASocket() throws Exception {
        String token = token();
        assertThat(auth.send("POST", "/auth/logout", "Authorization", "Bearer " + token).statusCode()).isEqualTo(204);

        assertThat(rejectedStatus(to("/chat").addHeader("Authorization", "Bearer " + token))).isEqualTo(401);
        assertThat(rejectedStatus(to("/chat").setSubProtocols(List.of(Authenticator.WEBSOCKET_PROTOCOL, token))))
                .isEqualTo(401);
    }

    @Test
    void aQueryTokenCountsOnlyWhereTheRouteAllowsIt() throws Exception {
        String token = token();

        assertThat(rejectedStatus(to("/chat?access_token=" + token))).isEqualTo(401);
        WebSocket socket = connect(to("/legacy?access_token=" + token));
        assertThat(roundTrip(socket, "old client")).isEqualTo("echo: old client");
        socket.close();
        assertThatThrownBy(() -> connect(to("/legacy?access_token=" + token + "x"))).isInstanceOf(ExecutionException.class);
    }
}
