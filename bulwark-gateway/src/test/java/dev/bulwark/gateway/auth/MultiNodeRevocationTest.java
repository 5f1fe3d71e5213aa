package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.Reason;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.PostgresSupport;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateway nodes sharing one PostgreSQL schema and one master key: a token issued by one node is accepted by the
 * others, and a logout, logout-all or refresh-token reuse on one node is refused at once there and, through the
 * revocation feed, on every other node within a bounded time. A node started later loads the live revocations
 * before its first request.
 */
class MultiNodeRevocationTest {

    @RegisterExtension
    static final PostgresSupport PG = new PostgresSupport();

    static final String PASSWORD = "sEcReT-multi-node-passphrase-58";
    /** How long another node may take to learn of a revocation, at a 100 ms sync interval. */
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(3);
    private static final String MASTER_KEY = MasterKey.generate().toBase64();

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink eventsA = new RecordingEventSink();
    private static final RecordingEventSink eventsB = new RecordingEventSink();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway nodeA;
    private static Gateway nodeB;
    private static AuthClient a;
    private static AuthClient b;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request ->
                request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        nodeA = startNode(eventsA);
        nodeB = startNode(eventsB);
        a = new AuthClient(nodeA);
        b = new AuthClient(nodeB);
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

    static Gateway startNode(RecordingEventSink events) {
        String url = PG.url() + (PG.url().contains("?") ? "&" : "?") + "currentSchema=" + PG.schema();
        BulwarkConfig config = BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + upstream.actualPort()))
                .storage(new StorageConfig(StorageConfig.Kind.POSTGRESQL, null, url, PG.username(), PG.password()))
                .auth(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING).masterKey(MASTER_KEY)
                        .revocationSync(Duration.ofMillis(100)))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                .build();
        return Gateway.start(config, GatewayOptions.defaults().withClock(clock).withEvents(events)
                .withEventLoops(1));
    }

    @Test
    void aTokenIssuedByOneNodeIsAcceptedByAnother() throws Exception {
        JsonNode login = a.login(newUser(), PASSWORD);

        assertThat(b.get("/api/orders", login.get("accessToken").asText()).statusCode()).isEqualTo(200);
        HttpResponse<String> refreshed = b.post("/auth/refresh",
                Map.of("refreshToken", login.get("refreshToken").asText()));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(a.get("/api/orders", AuthClient.json(refreshed).get("accessToken").asText()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aLogoutOnOneNodeIsRefusedThereAtOnceAndOnTheOtherWithinTheBound() throws Exception {
        String access = a.login(newUser(), PASSWORD).get("accessToken").asText();
        // Node B has verified (and cached) the token before the logout.
        assertThat(b.get("/api/orders", access).statusCode()).isEqualTo(200);

        HttpResponse<String> logout = a.send("POST", "/auth/logout", "Authorization", "Bearer " + access);
        long loggedOut = System.nanoTime();
        assertThat(logout.statusCode()).isEqualTo(204);

        assertRevoked(a.get("/api/orders", access));
        awaitRevoked(b, access, loggedOut, "logout on A, seen by B");
    }

    @Test
    void logoutAllOnOneNodeEndsEverySessionOnTheOther() throws Exception {
        String email = newUser();
        String first = a.login(email, PASSWORD).get("accessToken").asText();
        String second = b.login(email, PASSWORD).get("accessToken").asText();
        assertThat(a.get("/api/orders", first).statusCode()).isEqualTo(200);
        assertThat(a.get("/api/orders", second).statusCode()).isEqualTo(200);

        HttpResponse<String> all = b.send("POST", "/auth/logout-all", "Authorization", "Bearer " + second);
        long loggedOut = System.nanoTime();
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(AuthClient.json(all).get("endedSessions").asInt()).isEqualTo(2);

        assertRevoked(b.get("/api/orders", first));
        assertRevoked(b.get("/api/orders", second));
        // The two sessions' revocations are separate writes; A may read them in consecutive polls.
        awaitRevoked(a, first, loggedOut, "logout-all on B, seen by A");
        awaitRevoked(a, second, loggedOut, "logout-all on B, second session seen by A");
    }

    @Test
    void refreshTokenReuseDetectedOnOneNodeRevokesTheSessionOnTheOther() throws Exception {
        JsonNode login = a.login(newUser(), PASSWORD);
        String first = login.get("refreshToken").asText();
        HttpResponse<String> rotated = a.post("/auth/refresh", Map.of("refreshToken", first));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String successorAccess = AuthClient.json(rotated).get("accessToken").asText();
        assertThat(a.get("/api/orders", successorAccess).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(11));
        eventsB.clear();

        HttpResponse<String> replay = b.post("/auth/refresh", Map.of("refreshToken", first));
        long detected = System.nanoTime();

        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("urn:bulwark:problem:refresh-token-invalid");
        assertThat(eventsB.reasons()).contains(Reason.REFRESH_TOKEN_REUSE);
        assertRevoked(b.get("/api/orders", successorAccess));
        awaitRevoked(a, successorAccess, detected, "refresh reuse on B, seen by A");
        assertRevoked(a.get("/api/orders", login.get("accessToken").asText()));
    }

    @Test
    void aNodeStartedLaterRefusesATokenRevokedBeforeItStartedOnItsFirstRequest() throws Exception {
        String email = newUser();
        String revoked = a.login(email, PASSWORD).get("accessToken").asText();
        String live = a.login(email, PASSWORD).get("accessToken").asText();
        assertThat(a.send("POST", "/auth/logout", "Authorization", "Bearer " + revoked).statusCode())
                .isEqualTo(204);

        try (Gateway nodeC = startNode(new RecordingEventSink())) {
            AuthClient c = new AuthClient(nodeC);

            assertRevoked(c.get("/api/orders", revoked));
            assertThat(c.get("/api/orders", live).statusCode()).isEqualTo(200);
        }
    }

    // ---- helpers ----

    private static String newUser() {
        String email = "node-" + UUID.randomUUID() + "@example.com";
        Identity.CreateOutcome created = nodeA.auth().map(AuthServices::identity).orElseThrow()
                .createUser(email, PASSWORD, Set.of("MERCHANT"), Set.of()).toCompletableFuture().join();
        assertThat(created).isInstanceOf(Identity.CreateOutcome.Created.class);
        return email;
    }

    private static void assertRevoked(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.body()).contains("urn:bulwark:problem:token-revoked");
    }

    /**
     * Polls {@code node} with {@code token} until it is refused as revoked, failing after
     * {@link #PROPAGATION_BOUND}; prints how long the revocation took to arrive.
     */
    private static void awaitRevoked(AuthClient node, String token, long revokedAtNanos, String what)
            throws Exception {
        long deadline = revokedAtNanos + PROPAGATION_BOUND.toNanos();
        HttpResponse<String> last;
        do {
            last = node.get("/api/orders", token);
            if (last.statusCode() != 200) {
                break;
            }
            // The revocation arrives with the node's next sync poll; asking every few ms measures it closely.
            Thread.sleep(5);
        } while (System.nanoTime() < deadline);
        long delayMillis = Duration.ofNanos(System.nanoTime() - revokedAtNanos).toMillis();
        System.out.println("[bulwark] revocation propagation (" + what + "): " + delayMillis + " ms"
                + " at a 100 ms sync interval");
        assertThat(last.statusCode()).as("%s: still accepted after %s", what, PROPAGATION_BOUND).isEqualTo(401);
        assertRevoked(last);
    }
}
