package dev.bulwark.gateway.auth;

import dev.bulwark.api.Reason;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 001's rules, as {@code examples/merchant-platform.yaml} writes them, through a real gateway: the permission
 * matrix cell by cell, the merchant-state guard (a merchant's routes serve only that merchant, and only while it is
 * active; platform admins cross merchants), a merchant integration's API key, and the admin API kept for admins.
 */
class MerchantPlatformExampleTest {

    private static final String PASSWORD = "sEcReT-kaleem-example-harbour-41";
    private static final List<String> RESOURCES = List.of("products", "orders", "analytics", "users", "settings");
    /** Seed 001, section 2, as the example's authorization.roles grants it. */
    private static final Map<String, Set<String>> MATRIX = Map.of(
            "admin", Set.copyOf(RESOURCES),
            "merchant", Set.of("products", "orders", "analytics", "settings"),
            "member", Set.of("analytics"));
    private static final BlockingQueue<Map<String, String>> reached = new LinkedBlockingQueue<>();
    private static final Map<String, String> tokens = new HashMap<>();
    private static Vertx vertx;
    private static Gateway gateway;
    private static AuthClient client;
    private static String integrationKey;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer backend = vertx.createHttpServer().requestHandler(request -> {
            reached.add(Map.of("request", request.method() + " " + request.path(),
                    "user", String.valueOf(request.getHeader("X-User-Id")),
                    "tenant", String.valueOf(request.getHeader("X-Tenant-Id"))));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        Map<String, String> env = Map.of("PORT", "0", "KALEEM_API_URL", "http://127.0.0.1:" + backend.actualPort());
        gateway = Gateway.start(ConfigLoader.load(Path.of("..", "examples", "merchant-platform.yaml"), env::get),
                GatewayOptions.defaults().withEventLoops(1));
        client = new AuthClient(gateway);
        AuthServices auth = gateway.auth().orElseThrow();
        TenantStore merchants = auth.stores().tenants();
        for (String merchant : List.of("m-1", "m-2", "m-3")) {
            merchants.create(merchant, "Merchant " + merchant).toCompletableFuture().join();
        }
        merchants.setStatus("m-3", TenantStatus.SUSPENDED).toCompletableFuture().join();
        Map<String, List<Set<String>>> people = Map.of(
                "admin", List.of(Set.of("ADMIN"), Set.of()),
                "merchant", List.of(Set.of("MERCHANT"), Set.of("m-1")),
                "member", List.of(Set.of("MEMBER"), Set.of("m-1")));
        for (var person : people.entrySet()) {
            String email = person.getKey() + "@kaleem.test";
            auth.identity().createUser(email, PASSWORD, person.getValue().get(0), person.getValue().get(1))
                    .toCompletableFuture().join();
            tokens.put(person.getKey(), client.login("/api/auth/login", email, PASSWORD).get("accessToken").asText());
        }
        integrationKey = auth.apiKeys().create("m-1 shop", Set.of("orders:read", "orders:write"), "m-1", null,
                "test").toCompletableFuture().join().presented();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void drain() {
        reached.clear();
    }

    private static HttpResponse<String> call(String who, String method, String path, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (who != null) {
            request.header("Authorization", "Bearer " + tokens.get(who));
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return AuthClient.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> assertAllowed(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> backend = reached.poll(5, TimeUnit.SECONDS);
        assertThat(backend).as("the request reached the backend").isNotNull();
        return backend;
    }

    private static void assertRefused(HttpResponse<String> response, Reason reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(reason.status());
        assertThat(response.body()).contains(reason.type());
        assertThat(reached).as("a refused request reached the backend").isEmpty();
    }

    @Test
    void everyCellOfTheSeedsMatrixHoldsForReadsAndWrites() throws Exception {
        for (String role : MATRIX.keySet()) {
            for (String resource : RESOURCES) {
                for (String method : List.of("GET", "POST")) {
                    HttpResponse<String> response = call(role, method, "/api/" + resource + "/1");
                    boolean allowed = MATRIX.get(role).contains(resource)
                            && !(role.equals("member") && method.equals("POST"));
                    if (allowed) {
                        assertAllowed(response);
                    } else {
                        assertRefused(response, Reason.PERMISSION_MISSING);
                    }
                }
            }
        }
    }

    @Test
    void aMerchantReachesOnlyItsOwnMerchantRoutesAndTheBackendSeesTheVerifiedMerchant() throws Exception {
        assertThat(assertAllowed(call("merchant", "GET", "/api/merchants/m-1/files/logo.png")).get("tenant"))
                .isEqualTo("m-1");
        assertRefused(call("merchant", "GET", "/api/merchants/m-2/files/logo.png"), Reason.TENANT_MISMATCH);
        assertRefused(call("merchant", "GET", "/api/merchants/m-1/files/logo.png", "X-Merchant-Id", "m-2"),
                Reason.TENANT_MISMATCH);
        // The gateway's own X-Tenant-Id is no source: a client's copy is dropped and the verified one sent.
        assertThat(assertAllowed(call("merchant", "GET", "/api/merchants/m-1/orders/7", "X-Tenant-Id", "m-2"))
                .get("tenant")).isEqualTo("m-1");
    }

    @Test
    void aClientsOwnIdentityHeadersNeverReachTheBackend() throws Exception {
        Map<String, String> backend = assertAllowed(call("merchant", "GET", "/api/products/1",
                "X-User-Id", "someone-else", "X-Tenant-Id", "m-2"));
        assertThat(backend.get("user")).isNotEqualTo("someone-else");
        assertThat(backend.get("tenant")).isNotEqualTo("m-2");
    }

    @Test
    void aMemberMayNotHandleTheMerchantsFiles() throws Exception {
        assertRefused(call("member", "GET", "/api/merchants/m-1/files/logo.png"), Reason.ROLE_MISSING);
    }

    @Test
    void platformAdminsCrossMerchantsButNotIntoASuspendedOrUnregisteredOne() throws Exception {
        assertThat(assertAllowed(call("admin", "GET", "/api/merchants/m-2/files/logo.png")).get("tenant"))
                .isEqualTo("m-2");
        assertRefused(call("admin", "GET", "/api/merchants/m-3/files/logo.png"), Reason.TENANT_INACTIVE);
        assertRefused(call("admin", "GET", "/api/merchants/m-9/files/logo.png"), Reason.TENANT_INACTIVE);
    }

    @Test
    void aMerchantsIntegrationKeyWorksOnlyForItsMerchantAndItsScopes() throws Exception {
        Map<String, String> backend = assertAllowed(call(null, "POST", "/api/merchants/m-1/orders/7",
                "X-Api-Key", integrationKey));
        assertThat(backend.get("tenant")).isEqualTo("m-1");
        assertThat(backend.get("user")).startsWith("apikey:");
        assertRefused(call(null, "GET", "/api/merchants/m-2/orders/7", "X-Api-Key", integrationKey),
                Reason.TENANT_MISMATCH);
        assertRefused(call(null, "DELETE", "/api/merchants/m-1/orders/7", "X-Api-Key", integrationKey),
                Reason.PERMISSION_MISSING);
        // People's routes take tokens only.
        assertRefused(call(null, "GET", "/api/orders/7", "X-Api-Key", integrationKey),
                Reason.AUTHENTICATION_REQUIRED);
    }

    @Test
    void theAdminApiServesAdminsOnly() throws Exception {
        assertThat(call("admin", "GET", "/api/_admin/users").statusCode()).isEqualTo(200);
        assertThat(call("merchant", "GET", "/api/_admin/users").statusCode()).isEqualTo(403);
        assertThat(call(null, "GET", "/api/_admin/users").statusCode()).isEqualTo(401);
        assertThat(reached).isEmpty();
    }
}
