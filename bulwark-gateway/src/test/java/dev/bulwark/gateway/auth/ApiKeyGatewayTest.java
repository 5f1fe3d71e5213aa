package dev.bulwark.gateway.auth;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.apikey.ApiKeys;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.core.authz.AccessConfig;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.identityheaders.IdentityHeadersConfig;
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
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys of machine clients through real gateway nodes: a valid key reaches the backend as its own identity
 * (the key itself never does), its scopes meet or miss a route's {@code access}, every kind of bad key gets the
 * same 401 and reaches nothing, a revocation is refused on the next request on the revoking node and, after a
 * revocation poll, on a second node that had cached the key, guessing from one address is cut off with 429 while
 * other addresses carry on, and no key appears in any event or log line.
 *
 * <p>The two nodes share one H2 database and master key. Requests name their client address in
 * {@code X-Forwarded-For} (the loopback peer is a trusted proxy), so each test guesses from addresses of its own.
 */
class ApiKeyGatewayTest {

    private static final String MASTER_KEY = MasterKey.generate().toBase64();
    private static final String PASSWORD = "sEcReT-api-key-test-passphrase-41";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink eventsA = new RecordingEventSink();
    private static final RecordingEventSink eventsB = new RecordingEventSink();
    private static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static final List<String> presentedKeys = new ArrayList<>();

    @TempDir
    static Path data;

    private static Vertx vertx;
    private static Gateway nodeA;
    private static Gateway nodeB;
    private static AuthClient a;
    private static AuthClient b;

    @BeforeAll
    static void start() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        vertx = Vertx.vertx();
        HttpServer upstream = vertx.createHttpServer().requestHandler(request -> {
            received.add(Map.of("path", request.path(),
                    "apiKey", String.valueOf(request.headers().getAll("X-Api-Key")),
                    "user", String.valueOf(request.getHeader("X-User-Id")),
                    "tenant", String.valueOf(request.getHeader("X-Tenant-Id")),
                    "identity", String.valueOf(request.getHeader("X-Bulwark-Identity"))));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        nodeA = startNode(upstream.actualPort(), eventsA);
        nodeB = startNode(upstream.actualPort(), eventsB);
        a = new AuthClient(nodeA);
        b = new AuthClient(nodeB);
    }

    static Gateway startNode(int upstreamPort, RecordingEventSink events) {
        AuthRouteConfig keysAlso = AuthRouteConfig.REQUIRED.withApiKeys(AuthRouteConfig.ApiKeyMode.ALSO,
                AuthRouteConfig.DEFAULT_API_KEY_HEADER);
        BulwarkConfig config = BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2))
                        .trustedProxies(List.of("127.0.0.1/32")))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + upstreamPort))
                .storage(StorageConfig.h2(data))
                // Revocations are learned when a test polls, never by a timer racing it.
                .auth(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING).masterKey(MASTER_KEY)
                        .revocationSync(Duration.ofMinutes(1)))
                .route(RouteConfig.builder("reports").path("/api/reports/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(keysAlso)
                                .access(AccessConfig.anyPermission("reports:{action}"))))
                .route(RouteConfig.builder("machines").path("/machines/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED.withApiKeys(
                                AuthRouteConfig.ApiKeyMode.ONLY, "X-Machine-Key"))))
                .route(RouteConfig.builder("tokens-only").path("/tokens/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.OPTIONAL)))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(keysAlso).identityHeaders(IdentityHeadersConfig.DEFAULT)))
                .build();
        return Gateway.start(config, GatewayOptions.defaults().withClock(clock).withEvents(events)
                .withEventLoops(1));
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
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

    @BeforeEach
    void reset() {
        received.clear();
        eventsA.clear();
        eventsB.clear();
    }

    // ---- helpers ----

    private static ApiKeys apiKeys() {
        return nodeA.auth().map(AuthServices::apiKeys).orElseThrow();
    }

    private static ApiKeys.Created create(String tenant, String... scopes) throws Exception {
        ApiKeys.Created created = apiKeys().create("integration " + presentedKeys.size(), Set.of(scopes), tenant,
                clock.instant().plus(Duration.ofDays(90)), "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
        presentedKeys.add(created.presented());
        return created;
    }

    /** @return a client address no other test uses */
    private static String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "198.51." + (100 + n / 250) + "." + (1 + n % 250);
    }

    private static HttpResponse<String> call(AuthClient node, String path, String address, String... headers)
            throws Exception {
        List<String> all = new ArrayList<>(List.of("X-Forwarded-For", address));
        all.addAll(List.of(headers));
        return node.send("GET", path, all.toArray(String[]::new));
    }

    private static HttpResponse<String> withKey(AuthClient node, String path, String key, String address)
            throws Exception {
        return call(node, path, address, "X-Api-Key", key);
    }

    private static void assertInvalidKey(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValue("ApiKey realm=\"bulwark\", error=\"invalid_key\"");
        assertThat(AuthClient.json(response).get("type").asText()).isEqualTo("urn:bulwark:problem:api-key-invalid");
    }

    /** @return the problem body without its request id, which differs per request */
    private static JsonNode withoutRequestId(HttpResponse<String> response) throws Exception {
        ObjectNode body = (ObjectNode) AuthClient.json(response);
        body.remove("requestId");
        body.remove("instance");
        return body;
    }

    // ---- tests ----

    @Test
    void aValidKeyReachesTheBackendAsItsOwnIdentityAndTheKeyItselfIsNotForwarded() throws Exception {
        ApiKeys.Created created = create("shop-1", "orders:read");

        HttpResponse<String> response = withKey(a, "/api/orders", created.presented(), newAddress());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> seen = received.poll(5, TimeUnit.SECONDS);
        assertThat(seen).containsEntry("path", "/api/orders")
                .containsEntry("user", "apikey:" + created.key().id())
                .containsEntry("tenant", "shop-1")
                .containsEntry("apiKey", "[]");
        assertThat(seen.get("identity")).isNotEqualTo("null");
        assertThat(seen.values()).noneMatch(value -> value.contains(created.presented().substring(21)));
    }

    @Test
    void aRouteWithKeysOffLeavesTheHeaderToTheBackendAndOnlyRoutesIgnoreTokens() throws Exception {
        ApiKeys.Created created = create(null, "*");

        HttpResponse<String> tokensOnly = call(a, "/tokens/x", newAddress(), "X-Api-Key", "sEcReT-backend-own-key");
        assertThat(tokensOnly.statusCode()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).containsEntry("apiKey", "[sEcReT-backend-own-key]");

        HttpResponse<String> machine = call(a, "/machines/x", newAddress(), "X-Machine-Key", created.presented());
        assertThat(machine.statusCode()).as(machine.body()).isEqualTo(200);
        received.clear();

        String token = a.login(newUser(), PASSWORD).get("accessToken").asText();
        HttpResponse<String> tokenOnMachines = call(a, "/machines/x", newAddress(), "Authorization",
                "Bearer " + token);
        assertThat(tokenOnMachines.statusCode()).isEqualTo(401);
        assertThat(tokenOnMachines.headers().allValues("WWW-Authenticate"))
                .containsExactly("ApiKey realm=\"bulwark\", header=\"X-Machine-Key\"");
        assertThat(AuthClient.json(tokenOnMachines).get("detail").asText())
                .isEqualTo("this route needs an API key in the X-Machine-Key header");
        assertThat(call(a, "/api/orders", newAddress(), "Authorization", "Bearer " + token).statusCode())
                .as("tokens still count where keys are also accepted").isEqualTo(200);
        received.clear();
        HttpResponse<String> nothing = call(a, "/api/orders", newAddress());
        assertThat(nothing.headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"bulwark\"", "ApiKey realm=\"bulwark\", header=\"X-Api-Key\"");
        assertThat(received).isEmpty();
    }

    @Test
    void scopesSatisfyOrMissTheRoutesPermissions() throws Exception {
        ApiKeys.Created reader = create(null, "reports:read");
        ApiKeys.Created orders = create(null, "orders:*");
        String address = newAddress();

        HttpResponse<String> allowed = withKey(a, "/api/reports/daily", reader.presented(), address);
        HttpResponse<String> wrongAction = a.send("DELETE", "/api/reports/daily", "X-Forwarded-For", address,
                "X-Api-Key", reader.presented());
        HttpResponse<String> wrongResource = withKey(a, "/api/reports/daily", orders.presented(), address);

        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(wrongAction.statusCode()).isEqualTo(403);
        assertThat(AuthClient.json(wrongAction).get("type").asText())
                .isEqualTo("urn:bulwark:problem:permission-missing");
        assertThat(AuthClient.json(wrongAction).get("detail").asText()).contains("reports:delete");
        assertThat(wrongResource.statusCode()).isEqualTo(403);
        assertThat(received).hasSize(1);
        assertThat(eventsA.reasons()).containsExactly(Reason.PERMISSION_MISSING, Reason.PERMISSION_MISSING);
    }

    @Test
    void everyKindOfBadKeyGetsTheSame401AndReachesNothing() throws Exception {
        ApiKeys.Created valid = create(null, "orders:read");
        ApiKeys.Created revoked = create(null, "orders:read");
        apiKeys().revoke(revoked.key().id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String id = valid.key().id();
        String wrongSecret = "bwk_" + id + "_" + "sEcReT-".repeat(6) + "A";
        Map<String, String> cases = Map.of(
                "malformed", "sEcReT-not-a-key",
                "oversized", "bwk_" + id + "_" + "sEcReT-".repeat(600),
                "truncated", valid.presented().substring(0, 60),
                "wrong prefix", "bwx_" + valid.presented().substring(4),
                "unknown id", "bwk_zzzzzzzzzzzzzzzz_" + "sEcReT-".repeat(6) + "A",
                "wrong secret", wrongSecret,
                "revoked", revoked.presented());
        List<JsonNode> bodies = new ArrayList<>();

        for (Map.Entry<String, String> bad : cases.entrySet()) {
            HttpResponse<String> response = withKey(a, "/api/orders", bad.getValue(), newAddress());
            assertInvalidKey(response);
            bodies.add(withoutRequestId(response));
        }
        HttpResponse<String> twoKeys = call(a, "/api/orders", newAddress(), "X-Api-Key", valid.presented(),
                "X-Api-Key", valid.presented());
        HttpResponse<String> keyAndToken = call(a, "/api/orders", newAddress(), "X-Api-Key", valid.presented(),
                "Authorization", "Bearer sEcReT-some-token");
        assertInvalidKey(twoKeys);
        assertInvalidKey(keyAndToken);
        bodies.add(withoutRequestId(twoKeys));
        bodies.add(withoutRequestId(keyAndToken));

        assertThat(bodies).allMatch(body -> body.equals(bodies.getFirst()));
        assertThat(bodies.getFirst().get("detail").asText()).isEqualTo("the API key is not valid");
        assertThat(received).as("nothing reached the backend").isEmpty();
        // The cause is in the event only, with the public id at most.
        assertThat(eventsA.events()).extracting(SecurityEvent::detail).contains(
                "api key is malformed", "api key id is unknown: zzzzzzzzzzzzzzzz",
                "api key secret does not match: " + id, "api key is revoked: " + revoked.key().id(),
                "more than one X-Api-Key header", "both an api key and an authorization header");
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        ApiKeys.Created shortLived = apiKeys().create("short", Set.of("orders:read"), null,
                clock.instant().plus(Duration.ofHours(1)), "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
        presentedKeys.add(shortLived.presented());
        String address = newAddress();
        assertThat(withKey(a, "/api/orders", shortLived.presented(), address).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofHours(1));

        assertInvalidKey(withKey(a, "/api/orders", shortLived.presented(), address));
        assertThat(eventsA.events()).extracting(SecurityEvent::detail)
                .contains("api key has expired: " + shortLived.key().id());
    }

    @Test
    void aRevokedKeyIsRefusedOnTheNextRequestHereAndOnAnotherNodeThatCachedItAfterItsRevocationPoll()
            throws Exception {
        ApiKeys.Created created = create(null, "orders:read");
        String address = newAddress();
        assertThat(withKey(a, "/api/orders", created.presented(), address).statusCode()).isEqualTo(200);
        assertThat(withKey(b, "/api/orders", created.presented(), address).statusCode()).isEqualTo(200);

        apiKeys().revoke(created.key().id()).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertInvalidKey(withKey(a, "/api/orders", created.presented(), address));
        // Node B, which cached the key, learns of the revocation with its next poll (what its timer does every
        // auth.revocationSync) and refuses the key from the next request on.
        nodeB.auth().orElseThrow().revocationSync().poll().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertInvalidKey(withKey(b, "/api/orders", created.presented(), address));
        assertThat(eventsB.events()).extracting(SecurityEvent::detail)
                .contains("api key is revoked: " + created.key().id());
    }

    @Test
    void guessingFromOneAddressIsCutOffWith429WhileAnotherAddressCarriesOn() throws Exception {
        ApiKeys.Created created = create(null, "orders:read");
        String guesser = newAddress();
        String bystander = newAddress();
        String guess = "bwk_" + created.key().id() + "_" + "sEcReT-".repeat(6);

        for (int i = 0; i < 10; i++) {
            assertInvalidKey(withKey(a, "/api/orders", guess + (char) ('A' + i), guesser));
        }
        HttpResponse<String> cutOff = withKey(a, "/api/orders", guess + "K", guesser);

        assertThat(cutOff.statusCode()).isEqualTo(429);
        assertThat(AuthClient.json(cutOff).get("type").asText()).isEqualTo("urn:bulwark:problem:api-key-guessing");
        // Ten a minute: the next try is allowed six seconds later.
        assertThat(cutOff.headers().firstValue("Retry-After")).hasValue("6");
        HttpResponse<String> rightKeyWhileBlocked = withKey(a, "/api/orders", created.presented(), guesser);
        assertThat(rightKeyWhileBlocked.statusCode()).as("a right guess is not revealed while blocked")
                .isEqualTo(429);
        assertThat(withKey(a, "/api/orders", created.presented(), bystander).statusCode()).isEqualTo(200);
        assertThat(received).hasSize(1);
        assertThat(eventsA.reasons()).containsSubsequence(Reason.API_KEY_GUESSING, Reason.API_KEY_GUESSING);

        clock.advance(Duration.ofSeconds(6));

        assertThat(withKey(a, "/api/orders", created.presented(), guesser).statusCode()).isEqualTo(200);
    }

    @Test
    void noKeyOrSecretAppearsInAnyEventOrLogLine() throws Exception {
        ApiKeys.Created created = create("shop-1", "orders:read");
        String address = newAddress();
        withKey(a, "/api/orders", created.presented(), address);
        withKey(b, "/api/orders", created.presented().substring(0, 40) + "sEcReT-".repeat(3) + "x", address);
        apiKeys().revoke(created.key().id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        withKey(a, "/api/orders", created.presented(), address);

        List<String> secrets = new ArrayList<>(presentedKeys);
        presentedKeys.forEach(key -> secrets.add(key.substring(21)));
        List<String> lines = new ArrayList<>();
        logs.list.forEach(event -> lines.add(event.getFormattedMessage()));
        eventsA.events().forEach(event -> lines.add(event.toString()));
        eventsB.events().forEach(event -> lines.add(event.toString()));

        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(line -> secrets.stream().anyMatch(line::contains));
        assertThat(lines).noneMatch(line -> line.contains("sEcReT-"));
    }

    private static String newUser() {
        String email = "apikey-" + System.nanoTime() + "@example.com";
        nodeA.auth().orElseThrow().identity().createUser(email, PASSWORD, Set.of("MEMBER"), Set.of())
                .toCompletableFuture().join();
        return email;
    }
}
