package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.Reason;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.identityheaders.IdentityHeadersConfig;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.core.ratelimit.RateLimitConfig;
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

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login, refresh, logout and lockout over HTTP through a real gateway in front of a real upstream, with time
 * from a fake clock.
 */
class AuthFlowTest {

    static final String PASSWORD = "sEcReT-correct-horse-battery-42";
    /** Cheap Argon2id parameters: the tests are about the flow, not the hash's cost. */
    static final PasswordHashingConfig FAST_HASHING = new PasswordHashingConfig(1024, 1, 1, 16, 32);

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    private static Vertx vertx;
    private static HttpServer upstream;
    private static Gateway gateway;
    private static AuthClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request -> {
            received.add(Map.of("path", request.path(), "query", String.valueOf(request.query()),
                    "authorization", String.valueOf(request.getHeader("Authorization")),
                    "user", String.valueOf(request.headers().getAll("X-User-Id")),
                    "roles", String.valueOf(request.getHeader("X-Roles")),
                    "identity", String.valueOf(request.getHeader("X-Bulwark-Identity"))));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(config(AuthConfig.builder().hashing(FAST_HASHING).maxSessionsPerUser(3)
                        .lockout(new AuthConfig.LockoutConfig(3, 10, 100, List.of(Duration.ofMinutes(10),
                                Duration.ofMinutes(25)), Duration.ofHours(24)))
                        .registration(AuthConfig.RegistrationMode.OPEN).build(), upstream.actualPort()),
                GatewayOptions.defaults().withClock(clock).withEvents(events).withEventLoops(2));
        client = new AuthClient(gateway);
    }

    static BulwarkConfig config(AuthConfig auth, int upstreamPort) {
        return BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + upstreamPort))
                .auth(auth)
                .rateLimit("per-user", RateLimitConfig.builder().limit(1, Duration.ofHours(1)).key("user"))
                .route(RouteConfig.builder("health").path("/api/health").upstream("backend"))
                .route(RouteConfig.builder("identity").path("/api/identity").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)
                                .identityHeaders(IdentityHeadersConfig.DEFAULT)))
                .route(RouteConfig.builder("withheld").path("/api/withheld/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(new AuthRouteConfig(AuthRouteConfig.Mode.REQUIRED,
                                        List.of(), "access_token").withForwardToken(false))
                                .identityHeaders(IdentityHeadersConfig.DEFAULT)))
                .route(RouteConfig.builder("per-user").path("/api/per-user").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED).rateLimit("per-user")))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void reset() {
        events.clear();
        received.clear();
    }

    static Identity identity() {
        return gateway.auth().map(AuthServices::identity).orElseThrow();
    }

    /** @return the email of a new user with {@link #PASSWORD} and the given roles */
    static String newUser(String... roles) {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        Identity.CreateOutcome created = identity().createUser(email, PASSWORD, Set.of(roles), Set.of())
                .toCompletableFuture().join();
        assertThat(created).isInstanceOf(Identity.CreateOutcome.Created.class);
        return email;
    }

    @Test
    void aRouteThatDoesNotForwardTheTokenTakesItOutOfTheHeaderAndTheQueryAndSendsTheIdentityInstead()
            throws Exception {
        String access = client.login(newUser("MERCHANT"), PASSWORD).get("accessToken").asText();

        assertThat(client.get("/api/withheld/orders", access).statusCode()).isEqualTo(200);
        Map<String, String> byHeader = received.poll(5, TimeUnit.SECONDS);
        assertThat(byHeader).containsEntry("authorization", "null");
        assertThat(byHeader.get("identity")).isNotEqualTo("null").isNotEqualTo(access);
        assertThat(byHeader.get("user")).isNotEqualTo("[]");

        assertThat(client.send("GET", "/api/withheld/orders?page=2&access_token=" + access + "&sort=asc")
                .statusCode()).isEqualTo(200);
        Map<String, String> byQuery = received.poll(5, TimeUnit.SECONDS);
        assertThat(byQuery).containsEntry("query", "page=2&sort=asc").containsEntry("authorization", "null");
        assertThat(byQuery.get("identity")).isNotEqualTo("null");

        assertThat(client.send("GET", "/api/withheld/orders?access_token=" + access).statusCode()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).containsEntry("query", "null");
    }

    @Test
    void loginRefreshAndLogoutWorkEndToEndAndTheLoggedOutTokenIsRefusedOnTheNextRequest() throws Exception {
        String email = newUser("MERCHANT");

        JsonNode login = client.login(email, PASSWORD);
        assertThat(login.get("tokenType").asText()).isEqualTo("Bearer");
        assertThat(login.get("expiresIn").asLong()).isEqualTo(900);
        assertThat(login.get("sessionId").asText()).isNotBlank();
        String access = login.get("accessToken").asText();

        HttpResponse<String> allowed = client.get("/api/products", access);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(received.poll(5, TimeUnit.SECONDS)).containsEntry("authorization", "Bearer " + access);

        HttpResponse<String> refreshed = client.post("/auth/refresh",
                Map.of("refreshToken", login.get("refreshToken").asText()));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(refreshed.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode pair = AuthClient.json(refreshed);
        assertThat(pair.get("refreshToken").asText()).isNotEqualTo(login.get("refreshToken").asText());
        assertThat(pair.get("sessionId").asText()).isEqualTo(login.get("sessionId").asText());
        String newAccess = pair.get("accessToken").asText();
        assertThat(client.get("/api/products", newAccess).statusCode()).isEqualTo(200);

        HttpResponse<String> logout = client.send("POST", "/auth/logout", "Authorization", "Bearer " + newAccess);
        assertThat(logout.statusCode()).isEqualTo(204);

        received.clear();
        for (String token : List.of(access, newAccess)) {
            HttpResponse<String> refused = client.get("/api/products", token);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("urn:bulwark:problem:token-revoked");
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer realm=\"bulwark\", error=\"invalid_token\"");
        }
        assertThat(received).as("a revoked token reached the backend").isEmpty();
        assertThat(client.post("/auth/refresh", Map.of("refreshToken", pair.get("refreshToken").asText()))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aLoginBodyOfUndeclaredLengthOverTheLimitIs413NotAServerError() throws Exception {
        byte[] huge = ("{\"email\":\"a@example.com\",\"password\":\"" + "x".repeat(40_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // An input stream has no known length, so the client sends the body chunked, without Content-Length.
        HttpResponse<String> response = AuthClient.HTTP.send(HttpRequest.newBuilder(client.uri("/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains(Reason.BODY_TOO_LARGE.type());
    }

    @Test
    void aRouteWithoutAuthStaysPublicAndARequestWithoutATokenIsChallenged() throws Exception {
        assertThat(client.send("GET", "/api/health").statusCode()).isEqualTo(200);

        HttpResponse<String> challenged = client.send("GET", "/api/orders");

        assertThat(challenged.statusCode()).isEqualTo(401);
        assertThat(challenged.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bulwark\"");
        assertThat(challenged.body()).contains("urn:bulwark:problem:authentication-required");
        assertThat(events.reasons()).contains(Reason.AUTHENTICATION_REQUIRED);
    }

    @Test
    void logoutAllEndsEverySessionOfTheUser() throws Exception {
        String email = newUser();
        String first = client.login(email, PASSWORD).get("accessToken").asText();
        String second = client.login(email, PASSWORD).get("accessToken").asText();

        HttpResponse<String> all = client.send("POST", "/auth/logout-all", "Authorization", "Bearer " + first);

        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(AuthClient.json(all).get("endedSessions").asInt()).isEqualTo(2);
        assertThat(client.get("/api/x", first).statusCode()).isEqualTo(401);
        assertThat(client.get("/api/x", second).statusCode()).isEqualTo(401);
    }

    @Test
    void presentingARotatedRefreshTokenAfterTheGraceWindowRevokesTheWholeSession() throws Exception {
        JsonNode login = client.login(newUser(), PASSWORD);
        String first = login.get("refreshToken").asText();
        JsonNode second = AuthClient.json(client.post("/auth/refresh", Map.of("refreshToken", first)));
        clock.advance(Duration.ofSeconds(11));

        HttpResponse<String> replay = client.post("/auth/refresh", Map.of("refreshToken", first));

        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("urn:bulwark:problem:refresh-token-invalid");
        assertThat(events.reasons()).contains(Reason.REFRESH_TOKEN_REUSE);
        assertThat(client.post("/auth/refresh", Map.of("refreshToken", second.get("refreshToken").asText()))
                .statusCode()).as("the legitimate successor dies with the family").isEqualTo(401);
        assertThat(client.get("/api/x", second.get("accessToken").asText()).statusCode()).isEqualTo(401);
        assertThat(client.get("/api/x", login.get("accessToken").asText()).statusCode()).isEqualTo(401);
    }

    @Test
    void twoTabsRefreshingAtOnceWithinTheGraceWindowBothGetTheSameNewToken() throws Exception {
        String refresh = client.login(newUser(), PASSWORD).get("refreshToken").asText();

        List<CompletableFuture<HttpResponse<String>>> tabs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            tabs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return client.post("/auth/refresh", Map.of("refreshToken", refresh));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<String> successors = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> tab : tabs) {
            HttpResponse<String> response = tab.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            successors.add(AuthClient.json(response).get("refreshToken").asText());
        }

        assertThat(successors.get(0)).isEqualTo(successors.get(1));
        assertThat(events.reasons()).doesNotContain(Reason.REFRESH_TOKEN_REUSE);
        assertThat(client.post("/auth/refresh", Map.of("refreshToken", successors.get(0))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theOldestSessionEndsWhenTheUserExceedsTheSessionCap() throws Exception {
        String email = newUser();
        String oldest = client.login(email, PASSWORD).get("accessToken").asText();
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(1));
            client.login(email, PASSWORD);
        }
        clock.advance(Duration.ofSeconds(1));
        events.clear();

        String newest = client.login(email, PASSWORD).get("accessToken").asText();

        assertThat(events.reasons()).containsExactly(Reason.SESSION_EVICTED);
        assertThat(client.get("/api/x", oldest).statusCode()).isEqualTo(401);
        assertThat(client.get("/api/x", newest).statusCode()).isEqualTo(200);
        HttpResponse<String> sessions = client.get("/auth/sessions", newest);
        assertThat(AuthClient.json(sessions).get("sessions")).hasSize(3);
    }

    @Test
    void failedLoginsLockProgressivelyAndOnlyTimeUnlocks() throws Exception {
        String email = newUser();
        Map<String, String> wrong = Map.of("email", email, "password", "sEcReT-wrong-password-123");
        assertThat(client.post("/auth/login", wrong).statusCode()).isEqualTo(401);
        assertThat(client.post("/auth/login", wrong).statusCode()).isEqualTo(401);

        HttpResponse<String> third = client.post("/auth/login", wrong);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("600");
        assertThat(events.reasons()).contains(Reason.ACCOUNT_LOCKED);

        HttpResponse<String> rightButLocked = client.post("/auth/login", Map.of("email", email, "password", PASSWORD));
        assertThat(rightButLocked.statusCode()).isEqualTo(429);

        clock.advance(Duration.ofMinutes(10));
        for (int i = 0; i < 2; i++) {
            assertThat(client.post("/auth/login", wrong).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> secondLock = client.post("/auth/login", wrong);
        assertThat(secondLock.statusCode()).isEqualTo(429);
        assertThat(secondLock.headers().firstValue("Retry-After")).hasValue("1500");

        clock.advance(Duration.ofMinutes(25));
        assertThat(client.login(email, PASSWORD).get("accessToken").asText()).isNotBlank();
    }

    @Test
    void anUnknownEmailAndAWrongPasswordGetTheSameAnswer() throws Exception {
        String email = newUser();

        HttpResponse<String> unknown = client.post("/auth/login",
                Map.of("email", "nobody-" + UUID.randomUUID() + "@example.com", "password", PASSWORD));
        HttpResponse<String> wrong = client.post("/auth/login", Map.of("email", email, "password", PASSWORD + "x"));

        assertThat(unknown.statusCode()).isEqualTo(401).isEqualTo(wrong.statusCode());
        assertThat(withoutRequestId(unknown.body())).isEqualTo(withoutRequestId(wrong.body()));
    }

    @Test
    void registrationAnswersTheSameForANewAndATakenEmailAndEnforcesThePolicy() throws Exception {
        String taken = newUser();
        String fresh = "new-" + UUID.randomUUID() + "@example.com";

        HttpResponse<String> created = client.post("/auth/register", Map.of("email", fresh, "password", PASSWORD));
        HttpResponse<String> again = client.post("/auth/register", Map.of("email", taken, "password", PASSWORD));
        HttpResponse<String> weak = client.post("/auth/register", Map.of("email", fresh, "password", "password"));

        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(created.body());
        assertThat(client.login(fresh, PASSWORD).get("accessToken").asText()).isNotBlank();
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("urn:bulwark:problem:password-rejected", "password must be at least 12 characters: 8");
    }

    @Test
    void malformedInputIsRefusedWithAProblemNamingTheField() throws Exception {
        assertThat(client.post("/auth/login", Map.of("password", PASSWORD)).body()).contains("email: is required");
        assertThat(client.post("/auth/login", Map.of("email", 42, "password", PASSWORD)).body())
                .contains("email: must be a string");
        assertThat(client.post("/auth/login", Map.of("email", "no-at-sign", "password", PASSWORD)).body())
                .contains("email: is not an email address");
        assertThat(client.post("/auth/login", Map.of("email", "a@b.c", "password", "x".repeat(2000))).body())
                .contains("password: must be 1 to 1024 characters");
        HttpResponse<String> notJson = client.send("POST", "/auth/login", "Content-Type", "application/json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("urn:bulwark:problem:invalid-input");
        assertThat(client.send("GET", "/auth/login").statusCode()).isEqualTo(405);
    }

    @Test
    void aPasswordChangeNeedsTheCurrentPasswordAndEndsTheOtherSessions() throws Exception {
        String email = newUser();
        String other = client.login(email, PASSWORD).get("accessToken").asText();
        String current = client.login(email, PASSWORD).get("accessToken").asText();
        String next = "sEcReT-a-brand-new-passphrase-77";

        HttpResponse<String> wrong = client.post("/auth/password",
                Map.of("currentPassword", "sEcReT-not-it-at-all-1", "newPassword", next),
                "Authorization", "Bearer " + current);
        assertThat(wrong.statusCode()).isEqualTo(401);

        HttpResponse<String> changed = client.post("/auth/password",
                Map.of("currentPassword", PASSWORD, "newPassword", next), "Authorization", "Bearer " + current);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(AuthClient.json(changed).get("endedSessions").asInt()).isEqualTo(1);
        assertThat(client.get("/api/x", other).statusCode()).isEqualTo(401);
        assertThat(client.get("/api/x", current).statusCode()).isEqualTo(200);
        assertThat(client.post("/auth/login", Map.of("email", email, "password", PASSWORD)).statusCode())
                .isEqualTo(401);
        assertThat(client.login(email, next).get("accessToken").asText()).isNotBlank();
    }

    @Test
    void aUserCanEndOneOfTheirSessionsButNotSomeoneElses() throws Exception {
        String email = newUser();
        JsonNode first = client.login(email, PASSWORD);
        String second = client.login(email, PASSWORD).get("accessToken").asText();
        String stranger = client.login(newUser(), PASSWORD).get("accessToken").asText();
        String sessionId = first.get("sessionId").asText();

        assertThat(client.send("DELETE", "/auth/sessions/" + sessionId, "Authorization", "Bearer " + stranger)
                .statusCode()).isEqualTo(404);
        assertThat(client.get("/api/x", first.get("accessToken").asText()).statusCode()).isEqualTo(200);
        assertThat(client.send("DELETE", "/auth/sessions/" + sessionId, "Authorization", "Bearer " + second)
                .statusCode()).isEqualTo(204);
        assertThat(client.get("/api/x", first.get("accessToken").asText()).statusCode()).isEqualTo(401);
    }

    @Test
    void theJwksPublishesOnlyPublicKeys() throws Exception {
        HttpResponse<String> jwks = client.send("GET", "/.well-known/jwks.json");

        assertThat(jwks.statusCode()).isEqualTo(200);
        JsonNode keys = AuthClient.json(jwks).get("keys");
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).get("kty").asText()).isEqualTo("OKP");
        assertThat(keys.get(0).get("crv").asText()).isEqualTo("Ed25519");
        assertThat(keys.get(0).has("d")).as("private key published").isFalse();
    }

    @Test
    void anAccessTokenExpiresAfterItsLifetime() throws Exception {
        String access = client.login(newUser(), PASSWORD).get("accessToken").asText();
        clock.advance(Duration.ofMinutes(16));

        HttpResponse<String> expired = client.get("/api/x", access);

        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("urn:bulwark:problem:token-expired");
    }

    @Test
    void aTierKeyedByUserCountsEachUserSeparately() throws Exception {
        String ann = client.login(newUser(), PASSWORD).get("accessToken").asText();
        String bob = client.login(newUser(), PASSWORD).get("accessToken").asText();

        assertThat(client.get("/api/per-user", ann).statusCode()).isEqualTo(200);
        assertThat(client.get("/api/per-user", ann).statusCode()).isEqualTo(429);
        assertThat(client.get("/api/per-user", bob).statusCode()).as("bob has a bucket of his own").isEqualTo(200);
        assertThat(client.send("GET", "/api/per-user").statusCode()).as("authentication comes first").isEqualTo(401);
    }

    @Test
    void theBackendGetsTheVerifiedIdentityAndNeverTheClientsOwnClaims() throws Exception {
        String email = newUser("MERCHANT");
        JsonNode login = client.login(email, PASSWORD);
        String userId = identity().users().findByEmail(email).toCompletableFuture().join().orElseThrow().id();

        HttpResponse<String> response = client.send("GET", "/api/identity", "Authorization",
                "Bearer " + login.get("accessToken").asText(), "X-User-Id", "admin", "x-bulwark-identity", "forged");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> backend = received.poll(5, TimeUnit.SECONDS);

        assertThat(backend).containsEntry("user", "[" + userId + "]").containsEntry("roles", "MERCHANT");
        SignedJWT identityToken = SignedJWT.parse(backend.get("identity"));
        JWKSet jwks = JWKSet.parse(client.send("GET", "/.well-known/jwks.json").body());
        JWK key = jwks.getKeyByKeyId(identityToken.getHeader().getKeyID());
        assertThat(identityToken.verify(new Ed25519Verifier(key.toOctetKeyPair()))).isTrue();
        assertThat(identityToken.getJWTClaimsSet().getSubject()).isEqualTo(userId);
        assertThat(identityToken.getJWTClaimsSet().getAudience()).containsExactly("backend");

        client.send("GET", "/api/health", "X-User-Id", "admin", "X-Bulwark-Role", "root");
        assertThat(received.poll(5, TimeUnit.SECONDS)).as("stripped on a public route too")
                .containsEntry("user", "[]");
    }

    static String withoutRequestId(String body) {
        return body.replaceAll("\"requestId\":\"[^\"]*\"", "");
    }
}
