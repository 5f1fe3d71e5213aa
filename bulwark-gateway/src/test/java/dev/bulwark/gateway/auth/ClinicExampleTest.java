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
 * Seed 003's clinic rules, as {@code examples/clinic.yaml} writes them, through a real gateway: no clinic hopping,
 * a doctor of one clinic cannot read another, a super admin can, a suspended or unregistered clinic is refused,
 * and the seed's role guard on appointments holds.
 */
class ClinicExampleTest {

    private static final String PASSWORD = "sEcReT-clinic-example-meadow-58";
    private static final BlockingQueue<Map<String, String>> reached = new LinkedBlockingQueue<>();
    private static final Map<String, String> tokens = new HashMap<>();
    private static Vertx vertx;
    private static Gateway gateway;
    private static AuthClient client;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer backend = vertx.createHttpServer().requestHandler(request -> {
            reached.add(Map.of("request", request.method() + " " + request.path(),
                    "tenant", String.valueOf(request.getHeader("X-Tenant-Id"))));
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        Map<String, String> env = Map.of("PORT", "0", "CLINIC_API_URL", "http://127.0.0.1:" + backend.actualPort());
        gateway = Gateway.start(ConfigLoader.load(Path.of("..", "examples", "clinic.yaml"), env::get),
                GatewayOptions.defaults().withEventLoops(1));
        client = new AuthClient(gateway);
        AuthServices auth = gateway.auth().orElseThrow();
        TenantStore clinics = auth.stores().tenants();
        for (String clinic : List.of("clinic-a", "clinic-b", "clinic-c")) {
            clinics.create(clinic, "Clinic " + clinic).toCompletableFuture().join();
        }
        clinics.setStatus("clinic-c", TenantStatus.SUSPENDED).toCompletableFuture().join();
        Map<String, List<Set<String>>> people = Map.of(
                "doctor-a", List.of(Set.of("DOCTOR"), Set.of("clinic-a")),
                "doctor-ac", List.of(Set.of("DOCTOR"), Set.of("clinic-a", "clinic-c")),
                "patient-a", List.of(Set.of("PATIENT"), Set.of("clinic-a")),
                "super", List.of(Set.of("SUPER_ADMIN"), Set.of()));
        for (var person : people.entrySet()) {
            String email = person.getKey() + "@ishswami.test";
            auth.identity().createUser(email, PASSWORD, person.getValue().get(0), person.getValue().get(1))
                    .toCompletableFuture().join();
            tokens.put(person.getKey(), client.login(email, PASSWORD).get("accessToken").asText());
        }
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

    private static HttpResponse<String> call(String who, String method, String path, String jsonBody,
                                             String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + tokens.get(who))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return AuthClient.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAllowed(HttpResponse<String> response, String clinic) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> backend = reached.poll(5, TimeUnit.SECONDS);
        assertThat(backend).as("the request reached the backend").isNotNull();
        assertThat(backend.get("tenant")).isEqualTo(clinic);
    }

    private static void assertRefused(HttpResponse<String> response, Reason reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(reason.status());
        assertThat(response.body()).contains(reason.type());
        assertThat(reached).as("a refused request reached the backend").isEmpty();
    }

    @Test
    void aDoctorReachesTheirOwnClinicAndTheBackendSeesTheVerifiedClinic() throws Exception {
        assertAllowed(call("doctor-a", "GET", "/clinics/clinic-a/appointments/today", null,
                "X-Clinic-Id", "clinic-a"), "clinic-a");
        assertAllowed(call("doctor-a", "POST", "/appointments/new?clinic_id=clinic-a",
                "{\"clinicId\":\"clinic-a\",\"patient\":\"p-1\"}"), "clinic-a");
    }

    @Test
    void clinicHoppingThroughAnySecondSourceIsRefused() throws Exception {
        assertRefused(call("doctor-a", "GET", "/clinics/clinic-a/appointments/today", null,
                "X-Clinic-Id", "clinic-b"), Reason.TENANT_MISMATCH);
        assertRefused(call("doctor-a", "GET", "/clinics/clinic-a/appointments/today?clinic_id=clinic-b", null),
                Reason.TENANT_MISMATCH);
        assertRefused(call("doctor-a", "GET", "/clinics/clinic-a/appointments/today", null,
                "X-Clinic-Id", "clinic-a", "Clinic-Id", "clinic-b"), Reason.TENANT_MISMATCH);
        assertRefused(call("doctor-a", "POST", "/appointments/new", "{\"clinicId\":\"clinic-b\"}",
                "X-Clinic-Id", "clinic-a"), Reason.TENANT_MISMATCH);
    }

    @Test
    void aDoctorOfClinicACannotReadClinicB() throws Exception {
        // One clinic: the token carries it, so naming another disagrees with the token.
        assertRefused(call("doctor-a", "GET", "/clinics/clinic-b/appointments/today", null),
                Reason.TENANT_MISMATCH);
        // Several clinics: the token carries none, and clinic-b is not among the stored ones.
        assertRefused(call("doctor-ac", "GET", "/clinics/clinic-b/appointments/today", null),
                Reason.TENANT_NOT_MEMBER);
        assertAllowed(call("doctor-ac", "GET", "/clinics/clinic-a/appointments/today", null), "clinic-a");
    }

    @Test
    void aSuperAdminReadsAnyRegisteredClinic() throws Exception {
        assertAllowed(call("super", "GET", "/clinics/clinic-b/appointments/today", null), "clinic-b");
        assertAllowed(call("super", "GET", "/clinics/clinic-a/settings", null, "X-Clinic-Id", "clinic-a"),
                "clinic-a");
    }

    @Test
    void aSuspendedOrUnregisteredClinicIsRefusedEvenToItsMembersAndTheSuperAdmin() throws Exception {
        assertRefused(call("doctor-ac", "GET", "/clinics/clinic-c/appointments/today", null),
                Reason.TENANT_INACTIVE);
        assertRefused(call("super", "GET", "/clinics/clinic-c/appointments/today", null), Reason.TENANT_INACTIVE);
        assertRefused(call("super", "GET", "/clinics/clinic-zz/appointments/today", null), Reason.TENANT_INACTIVE);
    }

    @Test
    void theSeedsRoleGuardHoldsInsideTheClinic() throws Exception {
        assertAllowed(call("patient-a", "GET", "/clinics/clinic-a/appointments/today", null), "clinic-a");
        assertRefused(call("patient-a", "POST", "/clinics/clinic-a/appointments/new", "{\"slot\":9}"),
                Reason.PERMISSION_MISSING);
        assertRefused(call("patient-a", "PUT", "/clinics/clinic-a/patients/p-1/records/lab-7", "{\"result\":1}"),
                Reason.PERMISSION_MISSING);
    }

    @Test
    void aClinicRouteNamingNoClinicIsRefused() throws Exception {
        assertRefused(call("doctor-ac", "GET", "/appointments/today", null), Reason.TENANT_REQUIRED);
    }
}
