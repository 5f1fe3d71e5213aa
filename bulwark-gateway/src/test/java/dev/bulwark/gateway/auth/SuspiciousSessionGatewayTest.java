package dev.bulwark.gateway.auth;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig.Action;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig.AddressRule;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.RecordingEventSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Suspicious-session detection through a real gateway: a user seen at more addresses than allowed is logged and
 * served, a session hopping between addresses beyond the threshold is ended (its token refused from then on, the
 * user's other sessions untouched), an attack tool's user agent on a signed-in session ends it, and API keys are
 * not watched. Requests name their client address in {@code X-Forwarded-For} (the loopback peer is a trusted
 * proxy).
 */
class SuspiciousSessionGatewayTest {

    private static final String PASSWORD = "sEcReT-suspicious-session-passphrase-7";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private static Vertx vertx;
    private static Gateway gateway;
    private static AuthClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        HttpServer upstream = vertx.createHttpServer().requestHandler(request -> {
            received.add(request.path());
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        SuspiciousSessionConfig rules = new SuspiciousSessionConfig(
                new AddressRule(2, Duration.ofMinutes(10), Action.LOG),
                new AddressRule(2, Duration.ofMinutes(10), Action.REVOKE),
                Action.REVOKE);
        BulwarkConfig config = BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2))
                        .trustedProxies(List.of("127.0.0.1/32")))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + upstream.actualPort()))
                .auth(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING).suspiciousSessions(rules))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                .build();
        gateway = Gateway.start(config, GatewayOptions.defaults().withClock(clock).withEvents(events)
                .withEventLoops(1));
        client = new AuthClient(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @BeforeEach
    void reset() {
        received.clear();
        events.clear();
    }

    /** @return a fresh user's email */
    private static String newUser() throws Exception {
        String email = "watched" + USERS.incrementAndGet() + "@example.com";
        gateway.auth().orElseThrow().identity().createUser(email, PASSWORD, Set.of("MEMBER"), Set.of())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return email;
    }

    private static String login(String email) throws Exception {
        return client.login(email, PASSWORD).get("accessToken").asText();
    }

    private static HttpResponse<String> call(String token, String address, String... headers) throws Exception {
        String[] all = new String[4 + headers.length];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        all[2] = "X-Forwarded-For";
        all[3] = address;
        System.arraycopy(headers, 0, all, 4, headers.length);
        return client.send("GET", "/api/orders", all);
    }

    private static List<SecurityEvent> suspicious() {
        return events.events().stream().filter(event -> event.reason() == Reason.SUSPICIOUS_SESSION).toList();
    }

    @Test
    void aUserAtMoreAddressesThanAllowedIsLoggedOnceAndStillServed() throws Exception {
        String email = newUser();
        String first = login(email);
        String second = login(email);
        String third = login(email);

        assertThat(call(first, "203.0.113.1").statusCode()).isEqualTo(200);
        assertThat(call(second, "203.0.113.2").statusCode()).isEqualTo(200);
        assertThat(suspicious()).isEmpty();
        assertThat(call(third, "203.0.113.3").statusCode()).isEqualTo(200);
        assertThat(call(third, "203.0.113.3").statusCode()).isEqualTo(200);

        assertThat(suspicious()).singleElement().satisfies(event -> {
            assertThat(event.detail()).startsWith("concurrentIps (log): user seen from 3 addresses")
                    .contains("203.0.113.3");
            assertThat(event.clientIp()).isEqualTo("203.0.113.3");
        });
        assertThat(received).hasSize(4);
    }

    @Test
    void aSessionHoppingBetweenAddressesIsEndedAndOnlyThatSession() throws Exception {
        String email = newUser();
        String hopping = login(email);
        String other = login(email);
        assertThat(call(other, "198.51.100.1").statusCode()).isEqualTo(200);

        assertThat(call(hopping, "198.51.100.1").statusCode()).isEqualTo(200);
        assertThat(call(hopping, "192.0.2.1").statusCode()).isEqualTo(200);
        assertThat(call(hopping, "198.51.100.1").statusCode()).isEqualTo(200);
        received.clear();
        HttpResponse<String> third = call(hopping, "192.0.2.1");

        assertThat(third.statusCode()).isEqualTo(401);
        assertThat(AuthClient.json(third).get("type").asText()).isEqualTo("urn:bulwark:problem:suspicious-session");
        assertThat(third.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("invalid_token"));
        assertThat(received).as("the refused request never reaches the backend").isEmpty();
        assertThat(suspicious()).singleElement().extracting(SecurityEvent::detail).asString()
                .startsWith("ipChanges (revoke): session").contains("3 times");
        assertThat(call(hopping, "198.51.100.1").statusCode()).as("the ended session's token").isEqualTo(401);
        assertThat(call(other, "198.51.100.1").statusCode()).as("the user's other session").isEqualTo(200);
    }

    @Test
    void anAttackToolsUserAgentOnASignedInSessionEndsItEvenBehindABrowsersOne() throws Exception {
        String token = login(newUser());
        assertThat(call(token, "203.0.113.50", "User-Agent", "Mozilla/5.0 Firefox/130.0").statusCode())
                .isEqualTo(200);
        received.clear();

        HttpResponse<String> scanned = call(token, "203.0.113.50", "User-Agent", "Mozilla/5.0 Firefox/130.0",
                "User-Agent", "sqlmap/1.8.4#stable (https://sqlmap.org)");

        assertThat(scanned.statusCode()).isEqualTo(401);
        assertThat(received).isEmpty();
        assertThat(suspicious()).singleElement().extracting(SecurityEvent::detail).asString()
                .startsWith("scannerAgents (revoke)");
        assertThat(call(token, "203.0.113.50", "User-Agent", "Mozilla/5.0 Firefox/130.0").statusCode())
                .isEqualTo(401);
    }
}
