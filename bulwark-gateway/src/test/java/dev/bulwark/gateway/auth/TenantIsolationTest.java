package dev.bulwark.gateway.auth;

import dev.bulwark.api.Reason;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthRouteConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.PolicyConfig;
import dev.bulwark.core.config.RouteConfig;
import dev.bulwark.core.config.ServerConfig;
import dev.bulwark.core.config.UpstreamConfig;
import dev.bulwark.core.identityheaders.IdentityHeadersConfig;
import dev.bulwark.core.ratelimit.RateLimitConfig;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant isolation through a real gateway in front of a real upstream, on a fake clock: every source agreeing
 * reaches the backend with the verified tenant, a second source naming another tenant never does, membership and
 * tenant status are enforced, and rate limits count per tenant.
 */
class TenantIsolationTest {

    private static final String PASSWORD = "sEcReT-tenant-isolation-lantern-31";
    private static final List<String> SOURCES = List.of("header:X-Clinic-Id", "query:clinicId", "claim",
            "path:clinicId", "body:clinicId");

    private static final FakeClock clock = new FakeClock();
    private static final RecordingEventSink events = new RecordingEventSink();
    private static final BlockingQueue<Map<String, String>> reached = new LinkedBlockingQueue<>();
    private static final Map<String, String> tokens = new HashMap<>();
    private static Vertx vertx;
    private static Gateway gateway;
    private static AuthClient client;
    private static TenantStore tenants;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        HttpServer backend = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            reached.add(Map.of("path", request.path(),
                    "tenant", String.valueOf(request.headers().getAll("X-Tenant-Id")),
                    "clinic", String.valueOf(request.getHeader("X-Clinic-Id")),
                    "body", body.toString()));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        TenantConfig everySource = TenantConfig.builder().sources(SOURCES).build();
        TenantConfig noPath = TenantConfig.builder().sources(SOURCES.stream()
                .filter(source -> !source.startsWith("path:")).toList()).build();
        PolicyConfig.Builder clinic = PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED)
                .identityHeaders(IdentityHeadersConfig.DEFAULT);
        BulwarkConfig config = BulwarkConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(2)))
                .upstream("backend", UpstreamConfig.builder().url("http://127.0.0.1:" + backend.actualPort()))
                .auth(AuthConfig.builder().hashing(AuthFlowTest.FAST_HASHING))
                .rateLimit("per-tenant", RateLimitConfig.builder().limit(3, Duration.ofMinutes(1)).key("tenant"))
                .route(RouteConfig.builder("reports").path("/clinics/{clinicId}/reports").upstream("backend")
                        .inline(PolicyConfig.builder().auth(AuthRouteConfig.REQUIRED).rateLimit("per-tenant")
                                .tenant(TenantConfig.builder().sources("path:clinicId"))))
                .route(RouteConfig.builder("appointments").path("/clinics/{clinicId}/appointments/**")
                        .upstream("backend").inline(clinic.tenant(everySource).build()))
                .route(RouteConfig.builder("bookings").path("/bookings/**").upstream("backend")
                        .inline(clinic.tenant(noPath).build()))
                .build();
        gateway = Gateway.start(config, GatewayOptions.defaults().withClock(clock).withEvents(events)
                .withEventLoops(1));
        client = new AuthClient(gateway);
        AuthServices auth = gateway.auth().orElseThrow();
        tenants = auth.stores().tenants();
        for (String tenant : List.of("clinic-a", "clinic-b", "clinic-c")) {
            tenants.create(tenant, tenant).toCompletableFuture().join();
        }
        Map<String, Set<String>> memberships = Map.of("doctor-a", Set.of("clinic-a"), "doctor-b", Set.of("clinic-b"),
                "doctor-ab", Set.of("clinic-a", "clinic-b", "clinic-c"), "admin", Set.of());
        memberships.forEach((name, clinics) -> {
            String email = name + "@clinic.test";
            auth.identity().createUser(email, PASSWORD, Set.of(name.equals("admin") ? "admin" : "doctor"), clinics)
                    .toCompletableFuture().join();
            try {
                tokens.put(name, client.login(email, PASSWORD).get("accessToken").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void drain() {
        reached.clear();
        events.clear();
    }

    /** Sends a request; {@code body} is sent as JSON when not {@code null}. */
    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return AuthClient.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String bearer(String user) {
        return "Bearer " + tokens.get(user);
    }

    private static Map<String, String> nextReached() throws InterruptedException {
        Map<String, String> request = reached.poll(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the backend").isNotNull();
        return request;
    }

    private static void assertRefused(HttpResponse<String> response, Reason reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(reason.status());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains(reason.type());
        assertThat(reached).as("a refused request reached the backend").isEmpty();
    }

    @Test
    void everySourceAgreeingReachesTheBackendWithTheVerifiedTenantHeader() throws Exception {
        HttpResponse<String> response = send("POST", "/clinics/clinic-a/appointments?clinicId=clinic-a",
                "{\"clinicId\":\"clinic-a\",\"doctor\":\"d-7\"}", "Authorization", bearer("doctor-a"),
                "X-Clinic-Id", "clinic-a", "X-Tenant-Id", "clinic-b");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> backend = nextReached();
        assertThat(backend.get("tenant")).as("the client's X-Tenant-Id is replaced").isEqualTo("[clinic-a]");
        assertThat(backend.get("clinic")).isEqualTo("clinic-a");
        assertThat(backend.get("body")).isEqualTo("{\"clinicId\":\"clinic-a\",\"doctor\":\"d-7\"}");
    }

    @Test
    void aBodyOfUnknownLengthOverHttp2IsReadForTheTenantToo() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection (h2c); the next is a stream whose body has no declared length.
        http2.send(HttpRequest.newBuilder(client.uri("/bookings/1")).header("Authorization", bearer("doctor-a"))
                .header("X-Clinic-Id", "clinic-a").build(), HttpResponse.BodyHandlers.ofString());
        nextReached();
        byte[] body = "{\"clinicId\":\"clinic-b\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = http2.send(HttpRequest.newBuilder(client.uri("/bookings/2"))
                .header("Authorization", bearer("doctor-a")).header("X-Clinic-Id", "clinic-a")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertRefused(response, Reason.TENANT_MISMATCH);
    }

    static Stream<Arguments> disagreeingPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (int i = 0; i < SOURCES.size(); i++) {
            for (int j = i + 1; j < SOURCES.size(); j++) {
                pairs.add(Arguments.of(SOURCES.get(i), "clinic-a", SOURCES.get(j), "clinic-b"));
                pairs.add(Arguments.of(SOURCES.get(i), "clinic-b", SOURCES.get(j), "clinic-a"));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} = {1}, {2} = {3}")
    @MethodSource("disagreeingPairs")
    void tenantHoppingByAddingASecondSourceIsRefusedAndNeverReachesTheBackend(String first, String firstTenant,
                                                                             String second, String secondTenant)
            throws Exception {
        Map<String, String> named = Map.of(first, firstTenant, second, secondTenant);
        // Only the claim source may carry a tenant in the token; doctor-ab's token carries none.
        String user = !named.containsKey("claim") ? "doctor-ab"
                : named.get("claim").equals("clinic-a") ? "doctor-a" : "doctor-b";
        String path = named.containsKey("path:clinicId")
                ? "/clinics/" + named.get("path:clinicId") + "/appointments/today" : "/bookings/today";
        if (named.containsKey("query:clinicId")) {
            path += "?clinicId=" + named.get("query:clinicId");
        }
        String body = named.containsKey("body:clinicId") ? "{\"clinicId\":\"" + named.get("body:clinicId") + "\"}"
                : null;
        List<String> headers = new ArrayList<>(List.of("Authorization", bearer(user)));
        if (named.containsKey("header:X-Clinic-Id")) {
            headers.addAll(List.of("X-Clinic-Id", named.get("header:X-Clinic-Id")));
        }

        HttpResponse<String> response = send("POST", path, body, headers.toArray(String[]::new));

        assertRefused(response, Reason.TENANT_MISMATCH);
        assertThat(response.body()).doesNotContain("clinic-a").doesNotContain("clinic-b");
    }

    @Test
    void twoClinicHeadersAreRefusedAsAmbiguous() throws Exception {
        HttpResponse<String> response = send("GET", "/bookings/today", null, "Authorization", bearer("doctor-ab"),
                "X-Clinic-Id", "clinic-a", "X-Clinic-Id", "clinic-b");

        assertRefused(response, Reason.MALFORMED_REQUEST);
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWith400() throws Exception {
        HttpResponse<String> response = send("POST", "/bookings/new", "{\"clinicId\": \"clinic-a\"",
                "Authorization", bearer("doctor-a"));

        assertRefused(response, Reason.MALFORMED_REQUEST);
    }

    @Test
    void aDoctorOfClinicACannotReachClinicBAndTheEventSaysWhichTenantWasAskedFor() throws Exception {
        // The reports route reads the path only, so membership decides; where the token's claim is a source too,
        // the same request is already a mismatch.
        HttpResponse<String> response = send("GET", "/clinics/clinic-b/reports", null,
                "Authorization", bearer("doctor-a"));

        assertRefused(response, Reason.TENANT_NOT_MEMBER);
        SecurityEvent event = events.single();
        assertThat(event.tenant()).isEqualTo("clinic-b");
        assertThat(event.routeId()).isEqualTo("reports");
        assertRefused(send("GET", "/clinics/clinic-b/appointments/today", null, "Authorization", bearer("doctor-a")),
                Reason.TENANT_MISMATCH);
    }

    @Test
    void aDoctorOfSeveralClinicsReachesEachOfThemThroughItsStoredMemberships() throws Exception {
        for (String clinic : List.of("clinic-a", "clinic-b")) {
            HttpResponse<String> response = send("GET", "/clinics/" + clinic + "/appointments/today", null,
                    "Authorization", bearer("doctor-ab"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(nextReached().get("tenant")).isEqualTo("[" + clinic + "]");
        }
    }

    @Test
    void anAdminCrossesTenants() throws Exception {
        HttpResponse<String> response = send("GET", "/clinics/clinic-b/appointments/today", null,
                "Authorization", bearer("admin"), "X-Clinic-Id", "clinic-b");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(nextReached().get("tenant")).isEqualTo("[clinic-b]");
    }

    @Test
    void aRouteRequiringATenantRefusesARequestNamingNone() throws Exception {
        assertRefused(send("GET", "/bookings/today", null, "Authorization", bearer("doctor-ab")),
                Reason.TENANT_REQUIRED);
    }

    @Test
    void aSuspendedClinicIsRefusedOnceTheCacheExpiresAndServedAgainAfterReactivation() throws Exception {
        String path = "/clinics/clinic-c/appointments/today";
        assertThat(send("GET", path, null, "Authorization", bearer("doctor-ab")).statusCode()).isEqualTo(200);
        nextReached();

        tenants.setStatus("clinic-c", TenantStatus.SUSPENDED).toCompletableFuture().join();
        clock.advance(Duration.ofSeconds(11));
        HttpResponse<String> suspended = send("GET", path, null, "Authorization", bearer("doctor-ab"));

        assertRefused(suspended, Reason.TENANT_INACTIVE);
        assertThat(suspended.body()).contains("the tenant is suspended");

        tenants.setStatus("clinic-c", TenantStatus.ACTIVE).toCompletableFuture().join();
        assertThat(send("GET", path, null, "Authorization", bearer("doctor-ab")).statusCode())
                .as("the suspension is cached for tenancy.cacheTtl").isEqualTo(403);
        clock.advance(Duration.ofSeconds(11));

        assertThat(send("GET", path, null, "Authorization", bearer("doctor-ab")).statusCode()).isEqualTo(200);
    }

    @Test
    void aRateLimitTierKeyedOnTheTenantCountsEachTenantApart() throws Exception {
        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/clinics/clinic-a/reports", null, "Authorization", bearer("admin")).statusCode())
                    .isEqualTo(200);
        }

        HttpResponse<String> fourth = send("GET", "/clinics/clinic-a/reports", null, "Authorization", bearer("admin"));
        HttpResponse<String> otherClinic = send("GET", "/clinics/clinic-b/reports", null,
                "Authorization", bearer("admin"));

        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(otherClinic.statusCode()).isEqualTo(200);
        SecurityEvent limited = events.events().stream().filter(e -> e.reason() == Reason.RATE_LIMITED)
                .findFirst().orElseThrow();
        assertThat(limited.tenant()).as("later refusals carry the resolved tenant").isEqualTo("clinic-a");
    }
}
