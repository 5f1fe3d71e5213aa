package dev.bulwark.gateway.websocket;

import dev.bulwark.api.Reason;
import dev.bulwark.api.store.Device;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.PostgresSupport;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway nodes sharing PostgreSQL: a logout-all on one node closes the user's WebSockets on the other as soon
 * as that node reads the revocation feed, without any socket being polled.
 */
class MultiNodeWebSocketRevocationTest {

    @RegisterExtension
    static final PostgresSupport PG = new PostgresSupport();

    private static final String PASSWORD = "sEcReT-multi-node-websocket-58";
    private static final String MASTER_KEY = MasterKey.generate().toBase64();
    private static final RecordingEventSink eventsB = new RecordingEventSink();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway nodeA;
    private static Gateway nodeB;
    private static WebSocketClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        nodeA = startNode(new RecordingEventSink());
        nodeB = startNode(eventsB);
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stop() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static Gateway startNode(RecordingEventSink events) {
        String url = PG.url() + (PG.url().contains("?") ? "&" : "?") + "currentSchema=" + PG.schema();
        BulwarkConfig config = BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("chat", UpstreamConfig.builder().url("http://127.0.0.1:" + upstream.actualPort()))
                .storage(new StorageConfig(StorageConfig.Kind.POSTGRESQL, null, url, PG.username(), PG.password()))
                .auth(AuthConfig.builder().hashing(new PasswordHashingConfig(1024, 1, 1, 16, 32))
                        .masterKey(MASTER_KEY).revocationSync(Duration.ofMillis(100)))
                .route(RouteConfig.builder("chat").path("/chat").upstream("chat")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                .build();
        return Gateway.start(config, GatewayOptions.defaults().withEvents(events).withEventLoops(1));
    }

    @Test
    void logoutAllOnOneNodeClosesTheUsersSocketsOnTheOtherWithinASecond() throws Exception {
        Identity identity = nodeA.auth().map(AuthServices::identity).orElseThrow();
        String email = "ws-" + UUID.randomUUID() + "@example.com";
        identity.createUser(email, PASSWORD, Set.of(), Set.of()).toCompletableFuture().join();
        var outcome = identity.login(email, PASSWORD, new Device("test", "127.0.0.1", null)).toCompletableFuture()
                .join();
        String token = ((Identity.LoginOutcome.Success) outcome).tokens().accessToken().token();
        WebSocket onNodeB = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodeB.port())
                        .setURI("/chat").addHeader("Authorization", "Bearer " + token))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<String> closed = new CompletableFuture<>();
        onNodeB.closeHandler(v -> closed.complete(onNodeB.closeStatusCode() + " " + onNodeB.closeReason()));

        HttpResponse<String> logoutAll = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + nodeA.port() + "/auth/logout-all"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logoutAll.statusCode()).isEqualTo(200);

        assertThat(closed.get(1, TimeUnit.SECONDS)).isEqualTo("1008 token revoked");
        assertThat(eventsB.reasons()).contains(Reason.WEBSOCKET_CREDENTIAL_ENDED);
    }
}
