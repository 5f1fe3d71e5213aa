package dev.bulwark.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.api.SecurityEvent;
import dev.bulwark.api.store.Device;
import dev.bulwark.core.auth.AuthConfig;
import dev.bulwark.core.auth.AuthServices;
import dev.bulwark.core.auth.identity.Identity;
import dev.bulwark.core.auth.password.PasswordHashingConfig;
import dev.bulwark.core.auth.password.PasswordPolicyConfig;
import dev.bulwark.core.auth.token.MasterKey;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.Problems;
import dev.bulwark.testing.TestExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin endpoints on in-memory stores, called the way the admin route's chain calls them (with the caller's
 * principal already set): input validation, pagination, not-found and wrong-method answers, and the events.
 */
class AdminEndpointsTest {

    private static final String PASSWORD = "sEcReT-correct-horse-battery-42";
    private static final String PREFIX = "/_bulwark/admin";
    private static final Principal ADMIN = new Principal("admin-1", "session-1", "https://auth.example.com",
            List.of("admin"), List.of(), null, Instant.parse("2100-01-01T00:00:00Z"), Principal.Method.BEARER);

    private final FakeClock clock = new FakeClock();
    private AuthServices services;
    private AdminEndpoints endpoints;

    @BeforeEach
    void start() {
        services = AuthServices.start(AuthConfig.builder().hashing(new PasswordHashingConfig(1024, 1, 1, 16, 32))
                        .password(new PasswordPolicyConfig(12, 128, true, 35)).build(),
                AuthServices.Stores.inMemory(clock), MasterKey.generate(), clock);
        endpoints = new AdminEndpoints(AdminConfig.builder().build(), services.identity(),
                services.stores().tenants(), null, services.apiKeys(), Set.of("admin", "MEMBER", "MERCHANT"),
                List.of());
    }

    @AfterEach
    void stop() {
        services.close();
    }

    /** One answered request and the exchange it was made on, for its events. */
    private record Answer(TestExchange exchange, Response response) {
        JsonNode json() {
            return Problems.body(response);
        }

        JsonNode refused(Reason reason) {
            return Problems.assertRefused(response, exchange, reason);
        }
    }

    private Answer call(String method, String target, String json) {
        int query = target.indexOf('?');
        String path = PREFIX + (query < 0 ? target : target.substring(0, query));
        ExchangeBuilder request = ExchangeBuilder.request(method, path).clock(clock).routeId("bulwark-admin")
                .requestId("req-1");
        if (query >= 0) {
            request.rawQuery(target.substring(query + 1));
        }
        if (json != null) {
            request.body("application/json", json.getBytes(StandardCharsets.UTF_8));
        }
        TestExchange exchange = request.build();
        exchange.attribute(ExchangeAttributes.PRINCIPAL, ADMIN);
        return new Answer(exchange, endpoints.handle(exchange).toCompletableFuture().join());
    }

    private String createUser(String email, String... roles) {
        Identity.CreateOutcome created = services.identity().createUser(email, PASSWORD, Set.of(roles), Set.of())
                .toCompletableFuture().join();
        return ((Identity.CreateOutcome.Created) created).user().id();
    }

    @Test
    void aUserCreatedWithoutAPasswordGetsAGeneratedOneShownOnceThatThePolicyAccepts() {
        Answer created = call("POST", "/users", """
                {"email": "Ann@Example.com", "roles": ["MEMBER"], "permissions": ["reports:read"]}""");

        assertThat(created.response().status()).isEqualTo(201);
        JsonNode user = created.json();
        assertThat(user.get("email").asText()).isEqualTo("ann@example.com");
        assertThat(user.get("roles")).hasToString("[\"MEMBER\"]");
        assertThat(user.get("permissions")).hasToString("[\"reports:read\"]");
        assertThat(user.has("passwordHash")).isFalse();
        assertThat(new String(created.response().body(), StandardCharsets.UTF_8)).doesNotContain("$argon2");
        assertThat(created.response().headers().get("Location"))
                .isEqualTo(PREFIX + "/users/" + user.get("id").asText());
        assertThat(created.response().headers().get("Cache-Control")).isEqualTo("no-store");
        String generated = user.get("generatedPassword").asText();
        assertThat(generated).hasSize(24).matches(".*[A-Z].*").matches(".*[a-z].*").matches(".*[0-9].*")
                .matches(".*[^A-Za-z0-9].*");
        assertThat(services.identity().login("ann@example.com", generated, new Device("curl", "10.0.0.1", null))
                .toCompletableFuture().join()).isInstanceOf(Identity.LoginOutcome.Success.class);
        assertThat(call("GET", "/users/" + user.get("id").asText(), null).json().has("generatedPassword")).isFalse();
    }

    @Test
    void everyChangeEmitsOneEventNamingTheActorAndTheTargetButNoSecret() {
        Answer created = call("POST", "/users", """
                {"email": "bob@example.com", "password": "%s", "roles": []}""".formatted(PASSWORD));

        SecurityEvent event = created.exchange().recordedEvents().single();
        assertThat(event.reason()).isEqualTo(Reason.ADMIN_ACTION);
        assertThat(event.source()).isEqualTo("admin");
        assertThat(event.detail()).startsWith("user admin-1 created user " + created.json().get("id").asText())
                .doesNotContain(PASSWORD).doesNotContain("bob@example.com");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "no email | {\"roles\": []} | email: is required",
            "email not a string | {\"email\": 7, \"roles\": []} | email: must be a string",
            "not an email | {\"email\": \"ann\", \"roles\": []} | email: is not an email address",
            "no roles | {\"email\": \"a@b.c\"} | roles: is required",
            "roles not a list | {\"email\": \"a@b.c\", \"roles\": \"admin\"} | roles: must be a list of at most 100 strings",
            "role not a string | {\"email\": \"a@b.c\", \"roles\": [1]} | roles[0]: must be a string",
            "role outside matrix | {\"email\": \"a@b.c\", \"roles\": [\"ADMNI\"]} | roles[0]: is not a role of authorization.roles (defined: MEMBER, MERCHANT, admin)",
            "permission template | {\"email\": \"a@b.c\", \"roles\": [], \"permissions\": [\"orders:{action}\"]} | permissions[0]: is not a permission (segments of letters, digits, '_', '-', '.' or *, separated by ':')",
            "empty password | {\"email\": \"a@b.c\", \"roles\": [], \"password\": \"\"} | password: must be 1 to 1024 characters",
            "unknown field | {\"email\": \"a@b.c\", \"roles\": [], \"isAdmin\": true} | the body has an unknown field (expected only email, password, roles, permissions)",
            "duplicate field | {\"email\": \"a@b.c\", \"email\": \"x@y.z\", \"roles\": []} | the body is not valid JSON",
            "not json | {\"email\": \"a@b.c\", | the body is not valid JSON",
            "not an object | [\"a@b.c\"] | the body must be a JSON object",
            "too deeply nested | {\"roles\": [[[[[[[[[[\"x\"]]]]]]]]]]} | the body is not valid JSON",
    })
    void badInputIsA400NamingTheFieldWithoutEchoingIt(String label, String body, String detail) {
        Answer answer = call("POST", "/users", body);

        assertThat(answer.refused(Reason.INVALID_INPUT).get("detail").asText()).isEqualTo(detail);
        assertThat(services.identity().users().list(null, 10).toCompletableFuture().join().users()).isEmpty();
    }

    @Test
    void aBodyNotSentAsJsonIsRefused() {
        TestExchange exchange = ExchangeBuilder.post(PREFIX + "/users").clock(clock)
                .body("text/plain", "{}".getBytes(StandardCharsets.UTF_8)).build();
        exchange.attribute(ExchangeAttributes.PRINCIPAL, ADMIN);

        Response response = endpoints.handle(exchange).toCompletableFuture().join();

        assertThat(Problems.assertRefused(response, exchange, Reason.INVALID_INPUT).get("detail").asText())
                .isEqualTo("the body must be a JSON object sent as application/json");
    }

    @Test
    void aBodyOverTheLimitIsA413() {
        TestExchange exchange = ExchangeBuilder.post(PREFIX + "/users").clock(clock)
                .body("application/json", ("{\"email\": \"" + "a".repeat(100) + "@b.c\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .build();
        exchange.bodyLimit(64);
        exchange.attribute(ExchangeAttributes.PRINCIPAL, ADMIN);

        Response response = endpoints.handle(exchange).toCompletableFuture().join();

        Problems.assertRefused(response, exchange, Reason.BODY_TOO_LARGE);
    }

    @Test
    void aPasswordThePolicyRefusesIsA400ListingWhy() {
        Answer answer = call("POST", "/users", """
                {"email": "a@b.c", "password": "sEcReT-short", "roles": []}""");

        assertThat(answer.refused(Reason.PASSWORD_REJECTED).get("detail").asText()).startsWith("password: ")
                .doesNotContain("sEcReT-short");
    }

    @Test
    void aTakenEmailIsAConflict() {
        createUser("ann@example.com");

        call("POST", "/users", "{\"email\": \"ANN@example.com\", \"roles\": []}").refused(Reason.RESOURCE_CONFLICT);
    }

    @Test
    void usersArePagedByEmailWithoutGapsOrRepeats() {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            emails.add("user" + i + "@example.com");
            createUser(emails.get(i));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = call("GET", "/users?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), null).json();
            page.get("items").forEach(user -> seen.add(user.get("email").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(emails);
    }

    @Test
    void tenantsArePagedByIdAndTheirStatusCanChange() {
        for (String id : List.of("clinic-1", "clinic-2", "clinic-3")) {
            assertThat(call("POST", "/tenants", "{\"id\": \"" + id + "\", \"name\": \"Clinic\"}").response().status())
                    .isEqualTo(201);
        }

        JsonNode first = call("GET", "/tenants?limit=2", null).json();
        JsonNode second = call("GET", "/tenants?limit=2&cursor=" + first.get("nextCursor").asText(), null).json();
        Answer suspended = call("PUT", "/tenants/clinic-2/status", "{\"status\": \"suspended\"}");

        assertThat(first.get("items")).hasSize(2);
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("items").get(0).get("id").asText()).isEqualTo("clinic-3");
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(suspended.json().get("status").asText()).isEqualTo("SUSPENDED");
        assertThat(suspended.exchange().recordedEvents().single().detail())
                .isEqualTo("user admin-1 set the status of tenant clinic-2 to SUSPENDED");
        call("POST", "/tenants", "{\"id\": \"clinic-1\", \"name\": \"Again\"}").refused(Reason.RESOURCE_CONFLICT);
        assertThat(call("PUT", "/tenants/clinic-2/status", "{\"status\": \"GONE\"}").refused(Reason.INVALID_INPUT)
                .get("detail").asText()).isEqualTo("status: must be one of ACTIVE, SUSPENDED, DELETED");
        assertThat(call("POST", "/tenants", "{\"id\": \"a/b\", \"name\": \"x\"}").refused(Reason.INVALID_INPUT)
                .get("detail").asText()).isEqualTo("id: must not contain spaces or /");
    }

    @Test
    void unknownIdsAre404sAndChangeNothing() {
        call("GET", "/users/nobody", null).refused(Reason.RESOURCE_NOT_FOUND);
        call("POST", "/users/nobody/disable", null).refused(Reason.RESOURCE_NOT_FOUND);
        call("PUT", "/users/nobody/roles", "{\"roles\": []}").refused(Reason.RESOURCE_NOT_FOUND);
        call("POST", "/users/nobody/password", null).refused(Reason.RESOURCE_NOT_FOUND);
        call("GET", "/users/nobody/sessions", null).refused(Reason.RESOURCE_NOT_FOUND);
        call("DELETE", "/users/nobody/sessions/s-1", null).refused(Reason.SESSION_NOT_FOUND);
        call("PUT", "/tenants/nowhere/status", "{\"status\": \"ACTIVE\"}").refused(Reason.RESOURCE_NOT_FOUND);
        call("DELETE", "/apikeys/nokey", null).refused(Reason.RESOURCE_NOT_FOUND);
    }

    @Test
    void aWrongMethodIsA405ListingTheAllowedOnesAndAnUnknownPathA404() {
        Answer wrong = call("DELETE", "/users", null);

        wrong.refused(Reason.METHOD_NOT_ALLOWED);
        assertThat(wrong.response().headers().get("Allow")).isEqualTo("GET, POST");
        call("GET", "/nothing-here", null).refused(Reason.ROUTE_NOT_FOUND);
        call("GET", "", null).refused(Reason.ROUTE_NOT_FOUND);
        assertThat(call("HEAD", "/users", null).response().status()).as("HEAD is a GET").isEqualTo(200);
    }

    @Test
    void withdrawingARoleEndsTheUsersSessionsWhileGrantingOneWaitsForTheirRefresh() {
        String id = createUser("ann@example.com", "MEMBER");
        Identity.LoginOutcome login = services.identity().login("ann@example.com", PASSWORD,
                new Device("curl", "10.0.0.1", null)).toCompletableFuture().join();
        assertThat(login).isInstanceOf(Identity.LoginOutcome.Success.class);

        Answer granted = call("PUT", "/users/" + id + "/roles", "{\"roles\": [\"MEMBER\", \"MERCHANT\"]}");
        assertThat(granted.json().get("roles")).hasToString("[\"MEMBER\",\"MERCHANT\"]");
        assertThat(services.identity().sessions(id).toCompletableFuture().join()).hasSize(1);

        Answer withdrawn = call("PUT", "/users/" + id + "/roles", "{\"roles\": [\"MERCHANT\"]}");
        assertThat(withdrawn.exchange().recordedEvents().single().detail()).endsWith("1 session(s) ended");
        assertThat(services.identity().sessions(id).toCompletableFuture().join()).isEmpty();
    }

    @Test
    void aResetWithoutAPasswordGeneratesOneAndEndsEverySession() {
        String id = createUser("ann@example.com", "MEMBER");
        services.identity().login("ann@example.com", PASSWORD, new Device("curl", "10.0.0.1", null))
                .toCompletableFuture().join();

        JsonNode reset = call("POST", "/users/" + id + "/password", null).json();

        assertThat(reset.get("endedSessions").asInt()).isEqualTo(1);
        assertThat(services.identity().login("ann@example.com", reset.get("generatedPassword").asText(),
                new Device("curl", "10.0.0.1", null)).toCompletableFuture().join())
                .isInstanceOf(Identity.LoginOutcome.Success.class);
    }

    @Test
    void tenantsOfAUserMustExist() {
        String id = createUser("ann@example.com", "MEMBER");
        call("POST", "/tenants", "{\"id\": \"clinic-1\", \"name\": \"Clinic\"}");

        assertThat(call("PUT", "/users/" + id + "/tenants", "{\"tenants\": [\"clinic-1\", \"clinic-9\"]}")
                .refused(Reason.INVALID_INPUT).get("detail").asText()).isEqualTo("tenants[1]: no tenant has this id");
        assertThat(call("PUT", "/users/" + id + "/tenants", "{\"tenants\": [\"clinic-1\"]}").json().get("tenants"))
                .hasToString("[\"clinic-1\"]");
    }

    @Test
    void anApiKeyIsShownOnceAndItsSecretHashNever() {
        Answer created = call("POST", "/apikeys", """
                {"name": "billing sync", "scopes": ["orders:read"], "expiresAt": "2100-01-01T00:00:00Z"}""");

        assertThat(created.response().status()).isEqualTo(201);
        String key = created.json().get("key").asText();
        assertThat(key).startsWith("bwk_");
        assertThat(created.json().get("createdBy").asText()).isEqualTo("admin-1");
        JsonNode listed = call("GET", "/apikeys", null).json();
        assertThat(listed.get("items")).hasSize(1);
        // bwk_ + 16-character id + _ + secret; the secret itself may contain '_'.
        assertThat(listed.toString()).doesNotContain(key.substring("bwk_".length() + 16 + 1))
                .doesNotContain("secretHash").doesNotContain("v1:");
        Answer revoked = call("DELETE", "/apikeys/" + created.json().get("id").asText(), null);
        assertThat(revoked.json().get("revokedAt").isNull()).isFalse();
        assertThat(call("POST", "/apikeys", "{\"name\": \"x\", \"scopes\": [], \"expiresAt\": \"tomorrow\"}")
                .refused(Reason.INVALID_INPUT).get("detail").asText())
                .isEqualTo("expiresAt: must be an instant such as 2030-01-31T00:00:00Z");
    }
}
