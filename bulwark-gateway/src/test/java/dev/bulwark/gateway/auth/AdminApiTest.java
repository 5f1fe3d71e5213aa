package dev.bulwark.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.core.admin.AdminConfig;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.authz.AccessConfig;
import dev.bulwark.core.authz.AuthorizationConfig;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.tenant.TenancyConfig;
import dev.bulwark.core.tenant.TenantConfig;
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

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static dev.bulwark.gateway.auth.AuthClient.HTTP;
import static dev.bulwark.gateway.auth.AuthClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API through a real gateway in front of a real upstream: who may use it (admin token, admin-scoped
 * API key; not a member, not anonymous, not from outside the allowlist), what its changes do to other users'
 * requests on the next request, its input checks, its pages, its events, and the separate-port mode.
 */
class AdminApiTest {

    private static final String PASSWORD = "sEcReT-admin-api-passphrase-7";
    private static final String PREFIX = "/_bulwark/admin";

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final BlockingQueue<String> reached = new LinkedBlockingQueue<>();
    private static Vertx vertx;
    private static HttpServer backend;
    private static Gateway gateway;
    private static AuthClient client;
    private static String adminId;
    private static String adminToken;
    private static String memberToken;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        backend = vertx.createHttpServer().requestHandler(request -> {
            reached.add(request.method() + " " + request.path());
            request.response().putHeader("Content-Type", "application/json").end("{}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        gateway = Gateway.start(config(ServerConfig.builder(), AdminConfig.builder()
                        .ipRules(IpRulesConfig.allowOnly("127.0.0.0/8", "10.0.0.0/8"))),
                GatewayOptions.defaults().withClock(clock).withEvents(events).withEventLoops(1));
        client = new AuthClient(gateway);
        adminId = createUser(gateway, "admin-" + UUID.randomUUID() + "@example.com", "admin");
        adminToken = login(gateway, adminId);
        memberToken = login(gateway, createUser(gateway, "member-" + UUID.randomUUID() + "@example.com", "MEMBER"));
    }

    /**
     * Roles: {@code admin} (everything), {@code MERCHANT} (orders), {@code MEMBER} (nothing special). Routes:
     * orders for merchants, clinic records per tenant (named in the path), anything else for any user. The
     * trusted proxy on 127.0.0.1 lets a test pose as another client address with {@code X-Forwarded-For}.
     */
    private static BulwarkConfig config(ServerConfig.Builder server, AdminConfig.Builder admin) {
        return BulwarkConfig.builder()
                .server(server.host("127.0.0.1").port(0).trustedProxies("127.0.0.1/32")
                        .shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + backend.actualPort()))
                .auth(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING).maxSessionsPerUser(5))
                .authorization(new AuthorizationConfig(Map.of("admin", List.of("*"), "MERCHANT", List.of("orders:*"),
                        "MEMBER", List.of()), AuthorizationConfig.DEFAULT_ACTIONS))
                .tenancy(new TenancyConfig(List.of("admin"), TenancyConfig.UnknownTenants.DENY, Duration.ofSeconds(10)))
                .route(RouteConfig.builder("orders").path("/api/orders/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)
                                .access(AccessConfig.anyRole("MERCHANT"))))
                .route(RouteConfig.builder("clinic").path("/api/clinics/{clinic}/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)
                                .tenant(TenantConfig.builder().sources("path:clinic"))))
                .route(RouteConfig.builder("api").path("/api/**").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)))
                .admin(admin)
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
        reached.clear();
    }

    private static String createUser(Gateway gateway, String email, String... roles) {
        Identity identity = gateway.auth().map(AuthServices::identity).orElseThrow();
        Identity.CreateOutcome created = identity.createUser(email, PASSWORD, Set.of(roles), Set.of())
                .toCompletableFuture().join();
        return ((Identity.CreateOutcome.Created) created).user().id();
    }

    private static String login(Gateway gateway, String userId) throws Exception {
        String email = gateway.auth().orElseThrow().identity().users().findById(userId).toCompletableFuture().join()
                .orElseThrow().email();
        return new AuthClient(gateway).login(email, PASSWORD).get("accessToken").asText();
    }

    /** One request to the admin API on {@code base}, with a bearer token (or none) and a JSON body (or none). */
    private static HttpResponse<String> admin(URI base, String method, String path, String token, String json,
                                              String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(PREFIX + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(String method, String path, String json, String... headers)
            throws IOException, InterruptedException {
        return admin(gateway.baseUri(), method, path, adminToken, json, headers);
    }

    private static JsonNode ok(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return AuthClient.json(response);
    }

    private static String problemType(HttpResponse<String> response) throws IOException {
        return AuthClient.json(response).get("type").asText();
    }

    private static String body(Map<String, ?> fields) throws IOException {
        return JSON.writeValueAsString(fields);
    }

    /** Creates a user through the API and logs them in through {@code /auth/login}; returns id and tokens. */
    private static JsonNode newUserLoggedIn(String... roles) throws Exception {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        JsonNode created = ok(admin("POST", "/users", body(Map.of("email", email, "roles", List.of(roles)))), 201);
        JsonNode login = client.login(email, created.get("generatedPassword").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) login).put("id", created.get("id").asText());
        return login;
    }

    @Test
    void withoutATokenTheApiIs401AndForAMemberItIs403() throws Exception {
        HttpResponse<String> anonymous = admin(gateway.baseUri(), "GET", "/users", null, null);
        HttpResponse<String> member = admin(gateway.baseUri(), "GET", "/users", memberToken, null);
        HttpResponse<String> memberChange = admin(gateway.baseUri(), "POST", "/tenants", memberToken,
                body(Map.of("id", "hijack", "name", "x")));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(member.statusCode()).isEqualTo(403);
        assertThat(problemType(member)).isEqualTo(Reason.PERMISSION_MISSING.type());
        assertThat(memberChange.statusCode()).isEqualTo(403);
        assertThat(ok(admin("GET", "/tenants", null), 200).get("items").toString()).doesNotContain("hijack");
    }

    @Test
    void aUserTheApiCreatesLogsInAndOnceDisabledTheirOldTokenIsRefusedOnTheNextRequest() throws Exception {
        JsonNode user = newUserLoggedIn("MEMBER");
        String token = user.get("accessToken").asText();
        assertThat(client.get("/api/profile", token).statusCode()).isEqualTo(200);

        events.clear();
        JsonNode disabled = ok(admin("POST", "/users/" + user.get("id").asText() + "/disable", null), 200);

        assertThat(disabled.get("status").asText()).isEqualTo("DISABLED");
        reached.clear();
        HttpResponse<String> refused = client.get("/api/profile", token);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(reached).isEmpty();
        assertThat(client.post("/auth/refresh", Map.of("refreshToken", user.get("refreshToken").asText()))
                .statusCode()).isEqualTo(401);
        assertThat(events.events()).filteredOn(event -> event.reason() == Reason.ADMIN_ACTION)
                .extracting(SecurityEvent::detail)
                .containsExactly("user " + adminId + " disabled user " + user.get("id").asText()
                        + ": its sessions ended and its tokens are void");
    }

    @Test
    void endingOneSessionRefusesItsTokenAndEndingAllRefusesEveryToken() throws Exception {
        JsonNode first = newUserLoggedIn("MEMBER");
        String id = first.get("id").asText();
        String email = ok(admin("GET", "/users/" + id, null), 200).get("email").asText();
        ok(admin("POST", "/users/" + id + "/password", body(Map.of("password", PASSWORD))), 200);
        JsonNode second = client.login(email, PASSWORD);
        JsonNode third = client.login(email, PASSWORD);

        JsonNode sessions = ok(admin("GET", "/users/" + id + "/sessions", null), 200);
        assertThat(sessions.get("items")).hasSize(2);
        assertThat(sessions.toString()).doesNotContain(second.get("refreshToken").asText());
        assertThat(admin("DELETE", "/users/" + id + "/sessions/" + second.get("sessionId").asText(), null)
                .statusCode()).isEqualTo(204);
        assertThat(client.get("/api/profile", second.get("accessToken").asText()).statusCode()).isEqualTo(401);
        assertThat(client.get("/api/profile", third.get("accessToken").asText()).statusCode()).isEqualTo(200);

        JsonNode ended = ok(admin("DELETE", "/users/" + id + "/sessions", null), 200);

        assertThat(ended.get("endedSessions").asInt()).isEqualTo(1);
        assertThat(client.get("/api/profile", third.get("accessToken").asText()).statusCode()).isEqualTo(401);
        assertThat(client.post("/auth/refresh", Map.of("refreshToken", third.get("refreshToken").asText()))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aRoleTheApiGrantsWorksAfterTheUsersNextRefresh() throws Exception {
        JsonNode user = newUserLoggedIn("MEMBER");
        assertThat(client.get("/api/orders/1", user.get("accessToken").asText()).statusCode()).isEqualTo(403);

        JsonNode updated = ok(admin("PUT", "/users/" + user.get("id").asText() + "/roles",
                body(Map.of("roles", List.of("MEMBER", "MERCHANT")))), 200);
        JsonNode refreshed = AuthClient.json(client.post("/auth/refresh",
                Map.of("refreshToken", user.get("refreshToken").asText())));

        assertThat(updated.get("roles").toString()).isEqualTo("[\"MEMBER\",\"MERCHANT\"]");
        assertThat(client.get("/api/orders/1", refreshed.get("accessToken").asText()).statusCode()).isEqualTo(200);
        assertThat(reached).contains("GET /api/orders/1");
    }

    @Test
    void aTenantTheApiSuspendsIsRefusedFromTheNextRequestAndServedAgainOnceActive() throws Exception {
        String tenant = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        ok(admin("POST", "/tenants", body(Map.of("id", tenant, "name", "Green Clinic"))), 201);
        JsonNode user = newUserLoggedIn("MEMBER");
        ok(admin("PUT", "/users/" + user.get("id").asText() + "/tenants", body(Map.of("tenants", List.of(tenant)))),
                200);
        String records = "/api/clinics/" + tenant + "/records";
        assertThat(client.get(records, user.get("accessToken").asText()).statusCode()).isEqualTo(200);

        JsonNode suspended = ok(admin("PUT", "/tenants/" + tenant + "/status",
                body(Map.of("status", "SUSPENDED"))), 200);

        assertThat(suspended.get("status").asText()).isEqualTo("SUSPENDED");
        HttpResponse<String> refused = client.get(records, user.get("accessToken").asText());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(problemType(refused)).isEqualTo(Reason.TENANT_INACTIVE.type());
        ok(admin("PUT", "/tenants/" + tenant + "/status", body(Map.of("status", "ACTIVE"))), 200);
        assertThat(client.get(records, user.get("accessToken").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void listingsPageThroughEveryUserWithoutGapsOrRepeats() throws Exception {
        for (int i = 0; i < 5; i++) {
            ok(admin("POST", "/users", body(Map.of("email", "paged-" + i + "@example.com", "roles", List.of()))),
                    201);
        }

        List<String> emails = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok(admin("GET", "/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), null),
                    200);
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(user -> emails.add(user.get("email").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isGreaterThanOrEqualTo(4);
        assertThat(emails).doesNotHaveDuplicates().isSorted()
                .contains("paged-0@example.com", "paged-1@example.com", "paged-2@example.com",
                        "paged-3@example.com", "paged-4@example.com");
        assertThat(emails).hasSize(gateway.auth().orElseThrow().identity().users().list(null, 1000)
                .toCompletableFuture().join().users().size());
    }

    @Test
    void malformedOversizedAndUnknownInputIsRefusedAndCreatesNothing() throws Exception {
        HttpResponse<String> malformed = admin("POST", "/users", "{\"email\": \"x@example.com\", ");
        HttpResponse<String> unknown = admin("POST", "/users",
                body(Map.of("email", "x@example.com", "roles", List.of(), "status", "ACTIVE")));
        HttpResponse<String> longField = admin("POST", "/users",
                body(Map.of("email", "x".repeat(300) + "@example.com", "roles", List.of())));
        HttpResponse<String> oversized = admin("POST", "/users",
                body(Map.of("email", "x@example.com", "roles", List.of(), "password", "sEcReT-" + "x".repeat(70_000))));
        HttpResponse<String> badLimit = admin("GET", "/users?limit=5000", null);

        for (HttpResponse<String> bad : List.of(malformed, unknown, longField, badLimit)) {
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(problemType(bad)).isEqualTo(Reason.INVALID_INPUT.type());
        }
        assertThat(AuthClient.json(longField).get("detail").asText()).isEqualTo("email: must be 1 to 254 characters");
        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(gateway.auth().orElseThrow().identity().users().findByEmail("x@example.com")
                .toCompletableFuture().join()).isEmpty();
        assertThat(admin("DELETE", "/users", null).statusCode()).isEqualTo(405);
        assertThat(admin("GET", "/users/" + UUID.randomUUID(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void anApiKeyWithTheAdminScopeMayAdministerUntilRevokedAndOneWithoutItMayNot() throws Exception {
        JsonNode adminKey = ok(admin("POST", "/apikeys",
                body(Map.of("name", "ops robot", "scopes", List.of("bulwark:admin")))), 201);
        JsonNode otherKey = ok(admin("POST", "/apikeys", body(Map.of("name", "billing", "scopes",
                List.of("orders:read")))), 201);
        String key = adminKey.get("key").asText();

        HttpResponse<String> asRobot = admin(gateway.baseUri(), "POST", "/tenants", null,
                body(Map.of("id", "robot-made-" + UUID.randomUUID().toString().substring(0, 8), "name", "x")),
                "X-Api-Key", key);
        HttpResponse<String> asBilling = admin(gateway.baseUri(), "GET", "/users", null, null,
                "X-Api-Key", otherKey.get("key").asText());

        assertThat(asRobot.statusCode()).as(asRobot.body()).isEqualTo(201);
        assertThat(events.events()).filteredOn(event -> event.reason() == Reason.ADMIN_ACTION)
                .extracting(SecurityEvent::detail).last().asString()
                .startsWith("apikey:" + adminKey.get("id").asText() + " created tenant robot-made-");
        assertThat(asBilling.statusCode()).isEqualTo(403);
        ok(admin("DELETE", "/apikeys/" + adminKey.get("id").asText(), null), 200);
        assertThat(admin(gateway.baseUri(), "GET", "/users", null, null, "X-Api-Key", key).statusCode())
                .isEqualTo(401);
        assertThat(ok(admin("GET", "/apikeys", null), 200).toString()).doesNotContain(key.substring(21));
    }

    @Test
    void removingAUsersTenantRefusesTheirTokensFromTheNextRequest() throws Exception {
        String tenant = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        ok(admin("POST", "/tenants", body(Map.of("id", tenant, "name", "Blue Clinic"))), 201);
        String id = createUser(gateway, "member-" + UUID.randomUUID() + "@example.com", "MEMBER");
        ok(admin("PUT", "/users/" + id + "/tenants", body(Map.of("tenants", List.of(tenant)))), 200);
        // The token carries the user's one tenant.
        String token = login(gateway, id);
        String records = "/api/clinics/" + tenant + "/records";
        assertThat(client.get(records, token).statusCode()).isEqualTo(200);

        ok(admin("PUT", "/users/" + id + "/tenants", body(Map.of("tenants", List.of()))), 200);

        assertThat(client.get(records, token).statusCode()).isEqualTo(401);
    }

    @Test
    void noWildcardGrantCoversTheAdminScopeAndATenantBoundKeyNeverGetsIn() throws Exception {
        String tenant = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        ok(admin("POST", "/tenants", body(Map.of("id", tenant, "name", "a shop"))), 201);
        for (String wildcard : List.of("*", "*:*", "*:admin", "bulwark:*")) {
            String key = ok(admin("POST", "/apikeys", body(Map.of("name", "integration", "scopes",
                    List.of(wildcard)))), 201).get("key").asText();
            HttpResponse<String> response = admin(gateway.baseUri(), "GET", "/users", null, null, "X-Api-Key", key);
            assertThat(response.statusCode()).as(wildcard).isEqualTo(403);
            assertThat(problemType(response)).isEqualTo(Reason.PERMISSION_MISSING.type());
        }
        String bound = ok(admin("POST", "/apikeys", body(Map.of("name", "shop admin", "scopes",
                List.of("bulwark:admin"), "tenant", tenant))), 201).get("key").asText();

        HttpResponse<String> response = admin(gateway.baseUri(), "POST", "/users", null,
                body(Map.of("email", "made-by-a-shop@example.com", "roles", List.of("admin"))), "X-Api-Key", bound);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(problemType(response)).isEqualTo(Reason.PERMISSION_MISSING.type());
    }

    @Test
    void theRouteTableShowsEveryRouteWithItsEffectiveSecuritySettings() throws Exception {
        JsonNode table = ok(admin("GET", "/routes", null), 200).get("routes");

        Map<String, JsonNode> byId = new LinkedHashMap<>();
        table.forEach(route -> byId.put(route.get("id").asText(), route));
        assertThat(byId).containsKeys("bulwark-auth", "bulwark-jwks", "orders", "clinic", "api", "bulwark-admin");
        JsonNode orders = byId.get("orders");
        assertThat(orders.get("upstream").asText()).isEqualTo("backend");
        assertThat(orders.get("auth").get("mode").asText()).isEqualTo("required");
        assertThat(orders.get("access").get("roles").get("anyOf").toString()).isEqualTo("[\"MERCHANT\"]");
        assertThat(orders.get("bodyLimit").get("json").asLong()).isEqualTo(5L * 1024 * 1024);
        assertThat(orders.get("priority").asText()).isEqualTo("normal");
        JsonNode self = byId.get("bulwark-admin");
        assertThat(self.get("local").asBoolean()).isTrue();
        assertThat(self.get("priority").asText()).isEqualTo("high");
        assertThat(self.get("ipRules").get("route").get("allow").toString())
                .isEqualTo("[\"127.0.0.0/8\",\"10.0.0.0/8\"]");
        assertThat(self.get("access").get("anyOf").get("permissions").toString()).isEqualTo("[\"bulwark:admin\"]");
        assertThat(table.toString()).doesNotContain("masterKey");
    }

    @Test
    void theAllowlistRefusesOtherClientAddressesEvenWithAnAdminToken() throws Exception {
        HttpResponse<String> outside = admin("GET", "/users", null, "X-Forwarded-For", "192.0.2.7");
        HttpResponse<String> office = admin("GET", "/users", null, "X-Forwarded-For", "10.1.2.3");

        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(problemType(outside)).isEqualTo(Reason.IP_DENIED.type());
        assertThat(outside.body()).doesNotContain("10.0.0.0");
        assertThat(office.statusCode()).isEqualTo(200);
    }

    @Test
    void onAPortOfItsOwnTheApiLeavesTheMainPortAndServesNothingElse() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (Gateway separate = Gateway.start(config(ServerConfig.builder(), AdminConfig.builder().port(port)),
                GatewayOptions.defaults().withClock(clock).withEventLoops(1))) {
            String token = login(separate, createUser(separate, "root@example.com", "admin"));
            URI adminPort = URI.create("http://127.0.0.1:" + separate.adminApiPort());

            HttpResponse<String> onMain = admin(separate.baseUri(), "GET", "/users", token, null);
            HttpResponse<String> onOwn = admin(adminPort, "GET", "/users", token, null);
            HttpResponse<String> routeOnOwn = HTTP.send(HttpRequest.newBuilder(adminPort.resolve("/api/profile"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(separate.adminApiPort()).isEqualTo(port);
            assertThat(onMain.statusCode()).isEqualTo(404);
            assertThat(onOwn.statusCode()).isEqualTo(200);
            assertThat(AuthClient.json(onOwn).get("items").get(0).get("email").asText()).isEqualTo("root@example.com");
            assertThat(routeOnOwn.statusCode()).isEqualTo(404);
            assertThat(reached).isEmpty();
        }
    }

    @Test
    void onAPortOfItsOwnAnApiPrefixOutsideTheBuiltinsIsNotPassedToTheFallbackUpstream() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (Gateway separate = Gateway.start(config(ServerConfig.builder().fallbackUpstream("backend"),
                        AdminConfig.builder().port(port).prefix("/ops")),
                GatewayOptions.defaults().withClock(clock).withEventLoops(1))) {
            String token = login(separate, createUser(separate, "root@example.com", "admin"));

            HttpResponse<String> onMain = HTTP.send(HttpRequest.newBuilder(separate.baseUri().resolve("/ops/users"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> onOwn = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/ops/users"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> elsewhere = HTTP.send(HttpRequest.newBuilder(separate.baseUri().resolve("/other"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(onMain.statusCode()).isEqualTo(404);
            assertThat(onOwn.statusCode()).isEqualTo(200);
            assertThat(elsewhere.statusCode()).isEqualTo(200);
            assertThat(reached).containsExactly("GET /other");
        }
    }

    @Test
    void onTheAdminPortTheApiSitsNextToHealthAndMetricsAndNeitherIsOnTheMainPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (Gateway shared = Gateway.start(config(ServerConfig.builder().adminPort(port),
                        AdminConfig.builder().port(port)),
                GatewayOptions.defaults().withClock(clock).withEventLoops(1))) {
            String token = login(shared, createUser(shared, "ops@example.com", "admin"));
            URI adminPort = URI.create("http://127.0.0.1:" + port);

            HttpResponse<String> apiOnMain = admin(shared.baseUri(), "GET", "/users", token, null);
            HttpResponse<String> apiOnAdmin = admin(adminPort, "GET", "/users", token, null);
            HttpResponse<String> healthOnMain = HTTP.send(HttpRequest.newBuilder(
                    shared.baseUri().resolve("/_bulwark/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> healthOnAdmin = HTTP.send(HttpRequest.newBuilder(
                    adminPort.resolve("/_bulwark/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> routeOnAdmin = HTTP.send(HttpRequest.newBuilder(adminPort.resolve("/api/profile"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(shared.adminPort()).isEqualTo(port);
            assertThat(shared.adminApiPort()).isEqualTo(port);
            assertThat(apiOnMain.statusCode()).isEqualTo(404);
            assertThat(apiOnAdmin.statusCode()).isEqualTo(200);
            assertThat(healthOnMain.statusCode()).isEqualTo(404);
            assertThat(healthOnAdmin.statusCode()).isEqualTo(200);
            assertThat(routeOnAdmin.statusCode()).isEqualTo(404);
            assertThat(reached).isEmpty();
        }
    }
}
