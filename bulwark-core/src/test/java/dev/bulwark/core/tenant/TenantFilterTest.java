package dev.bulwark.core.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;
import dev.bulwark.core.config.ConfigProblem;
import dev.bulwark.core.store.memory.InMemoryTenantStore;
import dev.bulwark.core.store.memory.InMemoryUserStore;
import dev.bulwark.testing.Chains;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import dev.bulwark.testing.Upstream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantFilterTest {

    /** Every kind of source, as the clinic routes configure them. */
    private static final List<String> ALL_SOURCES = List.of("header:X-Clinic-Id", "query:clinicId", "claim",
            "path:clinicId", "body:clinicId");
    private static final Set<String> PATH_PARAMETERS = Set.of("clinicId");

    private final FakeClock clock = new FakeClock();
    private final InMemoryTenantStore tenants = new InMemoryTenantStore(clock, 100);
    private final InMemoryUserStore users = new InMemoryUserStore(clock, 100);
    private final TenantDirectory directory = new TenantDirectory(tenants, users, Duration.ofSeconds(10), clock,
            "bulwark");
    private final Upstream upstream = Upstream.ok();

    @BeforeEach
    void clinics() {
        tenants.create("clinic-a", "Clinic A");
        tenants.create("clinic-b", "Clinic B");
        tenants.create("clinic-s", "Suspended clinic");
        tenants.setStatus("clinic-s", TenantStatus.SUSPENDED);
        users.create(new NewUser("u-doctor", "doctor@clinic.test", "h", Set.of("doctor"), Set.of(),
                Set.of("clinic-a", "clinic-b", "clinic-s")));
        users.create(new NewUser("u-outsider", "outsider@clinic.test", "h", Set.of("doctor"), Set.of(),
                Set.of("clinic-z")));
    }

    private TenantFilter filter(TenantConfig config) {
        return filter(config, TenancyConfig.DEFAULT);
    }

    private TenantFilter filter(TenantConfig config, TenancyConfig tenancy) {
        return new TenantFilter(config, tenancy, directory, PATH_PARAMETERS);
    }

    private static TenantConfig sources(String... sources) {
        return TenantConfig.builder().sources(sources).build();
    }

    private static Principal principal(String userId, String tenant, String... roles) {
        return new Principal(userId, "s-1", "bulwark", List.of(roles), List.of(), tenant,
                Instant.parse("2030-01-01T00:00:00Z"), Principal.Method.BEARER);
    }

    private static TestExchange as(ExchangeBuilder request, Principal principal) {
        TestExchange exchange = request.routeId("appointments").requestId("req-1").build();
        if (principal != null) {
            exchange.attribute(ExchangeAttributes.PRINCIPAL, principal);
        }
        return exchange;
    }

    private Response run(TenantFilter filter, TestExchange exchange) {
        return Chains.run(exchange, upstream, filter);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A request carrying {@code tenant} in one source only; the claim source needs the principal to carry it. */
    private static ExchangeBuilder naming(String source, String tenant) {
        ExchangeBuilder request = ExchangeBuilder.request("POST", "/clinics/x/appointments");
        return switch (source) {
            case "header:X-Clinic-Id" -> request.header("X-Clinic-Id", tenant);
            case "query:clinicId" -> request.rawQuery("clinicId=" + tenant);
            case "path:clinicId" -> request.pathParam("clinicId", tenant);
            case "body:clinicId" -> request.body("application/json", json("{\"clinicId\":\"" + tenant + "\"}"));
            default -> request;
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"header:X-Clinic-Id", "query:clinicId", "claim", "path:clinicId", "body:clinicId"})
    void eachSourceAloneNamesTheTenantTheRequestActsFor(String source) {
        TestExchange exchange = as(naming(source, "clinic-a"),
                principal("u-doctor", source.equals("claim") ? "clinic-a" : null, "doctor"));

        Response response = run(filter(sources(ALL_SOURCES.toArray(String[]::new))), exchange);

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(exchange.attribute(ExchangeAttributes.TENANT)).isEqualTo("clinic-a");
    }

    @Test
    void everySourceAgreeingReachesTheBackend() {
        TestExchange exchange = as(ExchangeBuilder.request("POST", "/clinics/clinic-a/appointments")
                .header("X-Clinic-Id", "clinic-a").rawQuery("clinicId=clinic-a").pathParam("clinicId", "clinic-a")
                .body("application/json; charset=utf-8", json("{\"clinicId\":\"clinic-a\",\"slot\":9}")),
                principal("u-doctor", "clinic-a", "doctor"));

        assertThat(run(filter(sources(ALL_SOURCES.toArray(String[]::new))), exchange).status()).isEqualTo(200);
        assertThat(upstream.reached()).isTrue();
    }

    static Stream<Arguments> pairsOfSources() {
        List<Arguments> pairs = new ArrayList<>();
        for (String first : ALL_SOURCES) {
            for (String second : ALL_SOURCES) {
                if (!first.equals(second)) {
                    pairs.add(Arguments.of(first, second));
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} = clinic-a, {1} = clinic-b")
    @MethodSource("pairsOfSources")
    void tenantHoppingWithASecondSourceIsRefusedForEveryPairInEitherOrder(String first, String second) {
        // The doctor belongs to both clinics: the mismatch alone is the reason, not membership.
        ExchangeBuilder request = ExchangeBuilder.request("POST", "/clinics/x/appointments");
        String claim = null;
        for (String[] named : new String[][] {{first, "clinic-a"}, {second, "clinic-b"}}) {
            switch (named[0]) {
                case "header:X-Clinic-Id" -> request.header("X-Clinic-Id", named[1]);
                case "query:clinicId" -> request.rawQuery("clinicId=" + named[1]);
                case "path:clinicId" -> request.pathParam("clinicId", named[1]);
                case "body:clinicId" -> request.body("application/json", json("{\"clinicId\":\"" + named[1] + "\"}"));
                default -> claim = named[1];
            }
        }
        TestExchange exchange = as(request, principal("u-doctor", claim, "doctor"));

        Response response = run(filter(sources(ALL_SOURCES.toArray(String[]::new))), exchange);

        JsonNode problem = Problems.assertRefused(response, exchange, Reason.TENANT_MISMATCH);
        assertThat(problem.path("detail").asText()).doesNotContain("clinic-a").doesNotContain("clinic-b");
        assertThat(upstream.reached()).isFalse();
        assertThat(exchange.recordedEvents().single().tenant()).isNull();
    }

    @Test
    void aCrossTenantRoleDoesNotExcuseDisagreeingSources() {
        TestExchange exchange = as(ExchangeBuilder.get("/clinics/clinic-a/x").pathParam("clinicId", "clinic-a")
                .header("X-Clinic-Id", "clinic-b"), principal("u-admin", null, "admin"));

        Problems.assertRefused(run(filter(sources("header:X-Clinic-Id", "path:clinicId")), exchange),
                exchange, Reason.TENANT_MISMATCH);
    }

    @Test
    void twoHeadersOfOneNameAreRefusedEvenWhenTheyAgree() {
        for (String second : List.of("clinic-b", "clinic-a")) {
            TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-a")
                    .header("X-Clinic-Id", second), principal("u-doctor", null, "doctor"));

            JsonNode problem = Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), exchange), exchange,
                    Reason.MALFORMED_REQUEST);

            assertThat(problem.path("detail").asText()).isEqualTo("the header X-Clinic-Id must be sent once");
        }
        assertThat(upstream.reached()).isFalse();
    }

    @ParameterizedTest(name = "?{0}")
    @ValueSource(strings = {"clinicId=clinic-a&clinicId=clinic-b", "clinicId=clinic-a&clinicId=clinic-a",
            "clinicId[]=clinic-a", "clinicId=clinic-a&clinicId[0]=clinic-b", "clinicId[id]=clinic-a",
            "clinicId=%zz", "clinicId=", "clinicId"})
    void ambiguousOrBrokenQueryParametersAreRefused(String query) {
        TestExchange exchange = as(ExchangeBuilder.get("/x").rawQuery(query), principal("u-doctor", null, "doctor"));

        Problems.assertRefused(run(filter(sources("query:clinicId")), exchange), exchange, Reason.MALFORMED_REQUEST);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void queryNamesAndValuesAreComparedPercentDecodedAsBackendsDecodeThem() {
        TestExchange encodedName = as(ExchangeBuilder.get("/x").rawQuery("page=2&clinic%49d=clinic-b")
                .header("X-Clinic-Id", "clinic-a"), principal("u-doctor", null, "doctor"));
        TestExchange encodedValue = as(ExchangeBuilder.get("/x").rawQuery("clinicId=clinic%2Da&x=1")
                .header("X-Clinic-Id", "clinic-a"), principal("u-doctor", null, "doctor"));
        TenantFilter filter = filter(sources("header:X-Clinic-Id", "query:clinicId"));

        Problems.assertRefused(run(filter, encodedName), encodedName, Reason.TENANT_MISMATCH);
        assertThat(run(filter, encodedValue).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"oversized", "control", "empty", "newline"})
    void hostileHeaderValuesAreRefusedBeforeAnyLookup(String kind) {
        String value = switch (kind) {
            case "oversized" -> "c".repeat(129);
            case "control" -> "clinic-a\u0000";
            case "newline" -> "clinic-a\nX-Admin: 1";
            default -> "";
        };
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", value),
                principal("u-doctor", null, "doctor"));

        JsonNode problem = Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), exchange), exchange,
                Reason.MALFORMED_REQUEST);

        assertThat(problem.path("detail").asText())
                .isEqualTo("the tenant in the header X-Clinic-Id must be 1 to 128 printable characters");
    }

    @Test
    void aTenantOfExactlyTheLongestLengthIsAccepted() {
        String longest = "c".repeat(128);
        tenants.create(longest, "long");
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", longest),
                principal("u-doctor", longest, "doctor"));

        assertThat(run(filter(sources("header:X-Clinic-Id")), exchange).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"clinicId\":[\"clinic-a\"]}", "{\"clinicId\":{\"id\":\"clinic-a\"}}",
            "{\"clinicId\":null}", "{\"clinicId\":true}", "{\"clinicId\":1.5}", "not json", "{\"clinicId\":",
            "{\"clinicId\":\"clinic-a\",\"clinicId\":\"clinic-b\"}", "[1,2,3"})
    void jsonBodiesThatCannotNameOneTenantPlainlyAreRefused(String body) {
        TestExchange exchange = as(ExchangeBuilder.request("POST", "/x").body("application/json", json(body)),
                principal("u-doctor", null, "doctor"));

        Problems.assertRefused(run(filter(sources("body:clinicId")), exchange), exchange, Reason.MALFORMED_REQUEST);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void aNestedBodyFieldIsFollowedAndAnIntegerIdCountsAsItsDigits() {
        tenants.create("42", "Clinic 42");
        TenantFilter filter = filter(sources("header:X-Clinic-Id", "body:appointment.clinicId"));
        TestExchange nested = as(ExchangeBuilder.request("POST", "/x").header("X-Clinic-Id", "42")
                        .body("application/vnd.api+json", json("{\"appointment\":{\"clinicId\":42}}")),
                principal("u-doctor", "42", "doctor"));
        TestExchange hopping = as(ExchangeBuilder.request("POST", "/x").header("X-Clinic-Id", "42")
                        .body("application/json", json("{\"appointment\":{\"clinicId\":\"clinic-b\"}}")),
                principal("u-doctor", "42", "doctor"));

        assertThat(run(filter, nested).status()).isEqualTo(200);
        Problems.assertRefused(run(filter, hopping), hopping, Reason.TENANT_MISMATCH);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=b"})
    void aBodyThatIsNotJsonIsRefusedWhereTheBodyMayNameTheTenant(String type) {
        // A backend that also parses forms would otherwise act on clinicId=clinic-b, which nobody checked.
        TestExchange form = as(ExchangeBuilder.request("POST", "/x").header("X-Clinic-Id", "clinic-a")
                .body(type, json("clinicId=clinic-b")), principal("u-doctor", null, "doctor"));

        Problems.assertRefused(run(filter(sources("header:X-Clinic-Id", "body:clinicId")), form), form,
                Reason.MALFORMED_REQUEST);
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void aRequestWithoutABodyNeedsNoContentTypeWhereTheBodyMayNameTheTenant() {
        TestExchange get = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-a"),
                principal("u-doctor", null, "doctor"));

        assertThat(run(filter(sources("header:X-Clinic-Id", "body:clinicId")), get).status()).isEqualTo(200);
    }

    @Test
    void anExternalIssuersSubjectNeverInheritsTheStoredMembershipsOfALocalUserWithTheSameId() {
        Principal external = new Principal("u-doctor", null, "https://sso.example.com", List.of("doctor"),
                List.of(), null, Instant.parse("2030-01-01T00:00:00Z"), Principal.Method.BEARER);
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"), external);
        TestExchange local = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", null, "doctor"));

        Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), exchange), exchange,
                Reason.TENANT_NOT_MEMBER);
        assertThat(run(filter(sources("header:X-Clinic-Id")), local).status()).isEqualTo(200);
    }

    @Test
    void aCredentialBoundToASuspendedTenantIsRefusedEvenWhereNoSourceNamesOne() {
        TenantConfig optional = TenantConfig.builder().required(false).sources("header:X-Clinic-Id").build();
        TestExchange suspended = as(ExchangeBuilder.get("/x"), principal("u-doctor", "clinic-s", "doctor"));
        TestExchange active = as(ExchangeBuilder.get("/x"), principal("u-doctor", "clinic-a", "doctor"));

        Problems.assertRefused(run(filter(optional), suspended), suspended, Reason.TENANT_INACTIVE);
        assertThat(run(filter(optional), active).status()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheRouteLimitIsRefusedWith413() {
        TestExchange exchange = as(ExchangeBuilder.request("POST", "/x")
                .body("application/json", json("{\"clinicId\":\"clinic-a\",\"pad\":\"" + "x".repeat(2000) + "\"}")),
                principal("u-doctor", null, "doctor"));
        exchange.bodyLimit(1024);

        Problems.assertRefused(run(filter(sources("body:clinicId")), exchange), exchange, Reason.BODY_TOO_LARGE);
    }

    @Test
    void aRequiredTenantThatNoSourceNamesIsRefused() {
        TestExchange exchange = as(ExchangeBuilder.get("/x"), principal("u-doctor", null, "doctor"));

        JsonNode problem = Problems.assertRefused(run(filter(sources("header:X-Clinic-Id", "path:clinicId")),
                exchange), exchange, Reason.TENANT_REQUIRED);

        assertThat(problem.path("detail").asText())
                .isEqualTo("name the tenant in one of: header X-Clinic-Id, path parameter clinicId");
    }

    @Test
    void anOptionalTenantThatNoSourceNamesPassesWithTheCredentialsOwn() {
        TestExchange exchange = as(ExchangeBuilder.get("/x"), principal("u-doctor", "clinic-a", "doctor"));
        exchange.attribute(ExchangeAttributes.TENANT, "clinic-a");

        Response response = run(filter(TenantConfig.builder().required(false).sources("header:X-Clinic-Id").build()),
                exchange);

        assertThat(response.status()).isEqualTo(200);
        assertThat(exchange.attribute(ExchangeAttributes.TENANT)).isEqualTo("clinic-a");
    }

    @Test
    void aDoctorOfClinicACannotReadClinicBAndTheEventNamesTheTenantAskedFor() {
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-outsider", "clinic-z", "doctor"));
        exchange.attribute(ExchangeAttributes.TENANT, "clinic-z");

        JsonNode problem = Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), exchange), exchange,
                Reason.TENANT_NOT_MEMBER);

        assertThat(problem.path("detail").asText()).isEqualTo("the caller does not belong to this tenant");
        assertThat(exchange.recordedEvents().single().tenant()).isEqualTo("clinic-b");
        assertThat(upstream.reached()).isFalse();
    }

    @Test
    void membershipComesFromTheCredentialsTenantOrTheStoredOnes() {
        TenantFilter filter = filter(sources("header:X-Clinic-Id"));
        TestExchange byClaim = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-not-stored", "clinic-b"));
        TestExchange byStore = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", "clinic-a", "doctor"));

        assertThat(run(filter, byClaim).status()).isEqualTo(200);
        assertThat(run(filter, byStore).status()).isEqualTo(200);
    }

    @Test
    void aRemovedMembershipIsRefusedOnceTheCacheTtlHasPassed() {
        TenantFilter filter = filter(sources("header:X-Clinic-Id"));
        assertThat(run(filter, as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", null, "doctor"))).status()).isEqualTo(200);

        users.setTenants("u-doctor", Set.of("clinic-a"));
        Response cached = run(filter, as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", null, "doctor")));
        clock.advance(Duration.ofSeconds(11));
        TestExchange after = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", null, "doctor"));

        assertThat(cached.status()).as("within the ttl the cached membership answers, not the store").isEqualTo(200);
        Problems.assertRefused(run(filter, after), after, Reason.TENANT_NOT_MEMBER);
    }

    @Test
    void aCrossTenantRoleMayActForAnyActiveTenantButNotASuspendedOne() {
        TenantFilter filter = filter(sources("header:X-Clinic-Id"));
        TestExchange any = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-admin", null, "admin"));
        TestExchange suspended = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-s"),
                principal("u-admin", null, "admin"));

        assertThat(run(filter, any).status()).isEqualTo(200);
        assertThat(any.attribute(ExchangeAttributes.TENANT)).isEqualTo("clinic-b");
        Problems.assertRefused(run(filter, suspended), suspended, Reason.TENANT_INACTIVE);
    }

    @Test
    void crossTenantRolesAreConfigurable() {
        TenancyConfig tenancy = new TenancyConfig(List.of("SUPER_ADMIN"), TenancyConfig.UnknownTenants.ALLOW,
                Duration.ofSeconds(10));
        TenantFilter filter = filter(sources("header:X-Clinic-Id"), tenancy);
        TestExchange admin = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-admin", null, "admin"));
        TestExchange superAdmin = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-root", null, "SUPER_ADMIN"));

        Problems.assertRefused(run(filter, admin), admin, Reason.TENANT_NOT_MEMBER);
        assertThat(run(filter, superAdmin).status()).isEqualTo(200);
    }

    @Test
    void aSuspendedTenantIsRefusedUntilItsReactivationOutlivesTheCache() {
        TenantFilter filter = filter(sources("header:X-Clinic-Id"));
        TestExchange suspended = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-s"),
                principal("u-doctor", null, "doctor"));

        JsonNode problem = Problems.assertRefused(run(filter, suspended), suspended, Reason.TENANT_INACTIVE);
        assertThat(problem.path("detail").asText()).isEqualTo("the tenant is suspended");

        tenants.setStatus("clinic-s", TenantStatus.ACTIVE);
        assertThat(run(filter, as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-s"),
                principal("u-doctor", null, "doctor"))).status()).as("still cached as suspended").isEqualTo(403);
        clock.advance(Duration.ofSeconds(11));

        assertThat(run(filter, as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-s"),
                principal("u-doctor", null, "doctor"))).status()).isEqualTo(200);
    }

    @Test
    void aDeletedTenantIsRefused() {
        tenants.setStatus("clinic-b", TenantStatus.DELETED);
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", null, "doctor"));

        JsonNode problem = Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), exchange), exchange,
                Reason.TENANT_INACTIVE);

        assertThat(problem.path("detail").asText()).isEqualTo("the tenant is deleted");
    }

    @Test
    void unknownTenantsAreAllowedByDefaultAndRefusedWhenConfigured() {
        TenancyConfig deny = new TenancyConfig(List.of("admin"), TenancyConfig.UnknownTenants.DENY,
                Duration.ofSeconds(10));
        TestExchange allowed = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-new"),
                principal("u-doctor", "clinic-new", "doctor"));
        TestExchange denied = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-new"),
                principal("u-doctor", "clinic-new", "doctor"));

        assertThat(run(filter(sources("header:X-Clinic-Id")), allowed).status()).isEqualTo(200);
        JsonNode problem = Problems.assertRefused(run(filter(sources("header:X-Clinic-Id"), deny), denied), denied,
                Reason.TENANT_INACTIVE);
        assertThat(problem.path("detail").asText()).isEqualTo("the tenant is not registered");
    }

    @Test
    void aNonMemberLearnsNothingAboutTheTenantsStatus() {
        TestExchange suspended = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-s"),
                principal("u-outsider", null, "doctor"));

        Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), suspended), suspended,
                Reason.TENANT_NOT_MEMBER);
    }

    @Test
    void anAnonymousCallerBelongsToNoTenant() {
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-a"), null);

        Problems.assertRefused(run(filter(sources("header:X-Clinic-Id")), exchange), exchange,
                Reason.TENANT_NOT_MEMBER);
    }

    @Test
    void aTenantStoreThatCannotAnswerFailsClosedAndIsAskedAgainNextTime() {
        FailingOnce store = new FailingOnce(tenants);
        TenantFilter filter = new TenantFilter(sources("header:X-Clinic-Id"), TenancyConfig.DEFAULT,
                new TenantDirectory(store, users, Duration.ofSeconds(10), clock, "bulwark"), PATH_PARAMETERS);
        TestExchange first = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-a"),
                principal("u-doctor", "clinic-a", "doctor"));

        Problems.assertRefused(run(filter, first), first, Reason.SERVICE_UNAVAILABLE);
        assertThat(upstream.reached()).isFalse();
        assertThat(run(filter, as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-a"),
                principal("u-doctor", "clinic-a", "doctor"))).status()).isEqualTo(200);
    }

    @Test
    void refusalsAfterTheTenantStageCarryTheResolvedTenant() {
        TestExchange exchange = as(ExchangeBuilder.get("/x").header("X-Clinic-Id", "clinic-b"),
                principal("u-doctor", "clinic-a", "doctor"));

        Chains.run(exchange, Upstream.refusing(Reason.PERMISSION_MISSING), filter(sources("header:X-Clinic-Id")));

        assertThat(exchange.recordedEvents().single().tenant()).isEqualTo("clinic-b");
    }

    @Test
    void aPathSourceTheRoutePatternLacksStopsTheRoute() {
        assertThatThrownBy(() -> new TenantFilter(sources("path:clinicId"), TenancyConfig.DEFAULT, directory,
                Set.of("id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant source \"path:clinicId\" names no parameter of the route's path (parameters: id)");
    }

    @Test
    void badSourceEntriesAreReportedAtTheirKeyPath() {
        TenantConfig config = TenantConfig.builder().sources("header:X Clinic", "claim:org.id", "cookie:clinic",
                "body:a..b", "query:clinicId", "query:clinicId", "path:1st").build();

        List<String> problems = TenantConfig.problems(config, "routes[0].tenant").stream()
                .map(ConfigProblem::toString).toList();

        assertThat(problems).hasSize(6);
        assertThat(problems.get(0)).startsWith("routes[0].tenant.sources[0]: \"header:X Clinic\" does not end in");
        assertThat(problems.get(1)).contains("sources[1]").contains("claim takes no name");
        assertThat(problems.get(2)).contains("sources[2]").contains("is not a tenant source");
        assertThat(problems.get(3)).contains("sources[3]").contains("does not name a json field");
        assertThat(problems.get(4)).contains("sources[5]").contains("listed twice");
        assertThat(problems.get(5)).contains("sources[6]");
        assertThat(TenantConfig.problems(TenantConfig.builder().build(), "policies.clinic.tenant"))
                .extracting(ConfigProblem::path).containsExactly("policies.clinic.tenant.sources");
        assertThat(TenantConfig.problems(TenantConfig.OFF, "x")).isEmpty();
    }

    @Test
    void tenancySettingsOutOfRangeAreReported() {
        TenancyConfig bad = new TenancyConfig(java.util.Arrays.asList("admin", " "), null, Duration.ofHours(2));

        assertThat(bad.problems("tenancy")).extracting(ConfigProblem::path)
                .containsExactly("tenancy.crossTenantRoles[1]", "tenancy.unknownTenants", "tenancy.cacheTtl");
    }

    /** Fails its first lookup like a database that is down, then answers from {@code delegate}. */
    private static final class FailingOnce implements TenantStore {
        private final TenantStore delegate;
        private boolean failed;

        FailingOnce(TenantStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<Optional<Tenant>> create(String id, String name) {
            return delegate.create(id, name);
        }

        @Override
        public synchronized CompletionStage<Optional<Tenant>> findById(String id) {
            if (!failed) {
                failed = true;
                return CompletableFuture.failedFuture(new StoreUnavailableException("database down"));
            }
            return delegate.findById(id);
        }

        @Override
        public CompletionStage<Optional<Tenant>> setStatus(String id, TenantStatus status) {
            return delegate.setStatus(id, status);
        }

        @Override
        public CompletionStage<Page<Tenant>> list(String after, int limit) {
            return delegate.list(after, limit);
        }
    }
}
