package dev.bulwark.core.authz;

import dev.bulwark.api.ExchangeAttributes;
import dev.bulwark.api.Principal;
import dev.bulwark.api.Reason;
import dev.bulwark.api.Response;
import dev.bulwark.testing.ExchangeBuilder;
import dev.bulwark.testing.RecordingEventSink;
import dev.bulwark.testing.TestExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthorizationFilterTest {

    private static final RolePermissions MATRIX = new RolePermissions(new AuthorizationConfig(Map.of(
            "ADMIN", List.of("*"),
            "MERCHANT", List.of("products:*", "orders:*"),
            "MEMBER", List.of("analytics:read"),
            "AUDITOR", List.of("*:read")), AuthorizationConfig.DEFAULT_ACTIONS));

    private static Response run(AccessConfig access, String method, List<String> roles, List<String> extra,
                                RecordingEventSink events) {
        TestExchange exchange = ExchangeBuilder.request(method, "/api/x").events(events).build();
        if (roles != null) {
            exchange.attribute(ExchangeAttributes.PRINCIPAL, new Principal("u-1", "s-1", "bulwark", roles, extra,
                    null, Instant.parse("2030-01-01T00:00:00Z"), Principal.Method.BEARER));
        }
        return new AuthorizationFilter(access, MATRIX).filter(exchange,
                ex -> CompletableFuture.completedFuture(Response.empty(200))).toCompletableFuture().join();
    }

    @ParameterizedTest(name = "{1} {0} by {2}: {3}")
    @CsvSource({
            "products:{action}, GET, ADMIN, 200",
            "products:{action}, DELETE, MERCHANT, 200",
            "products:{action}, GET, MEMBER, 403",
            "analytics:{action}, GET, MEMBER, 200",
            "analytics:{action}, POST, MEMBER, 403",
            "users:{action}, GET, AUDITOR, 200",
            "users:{action}, PATCH, AUDITOR, 403",
            "users:{action}, GET, MERCHANT, 403",
            "products:{action}, GET, NOBODY, 403",
    })
    void aPermissionTemplateIsFilledFromTheMethodAndCheckedAgainstTheRoles(String permission, String method,
                                                                          String role, int status) {
        RecordingEventSink events = new RecordingEventSink();

        Response response = run(AccessConfig.anyPermission(permission), method, List.of(role), List.of(), events);

        assertThat(response.status()).isEqualTo(status);
        if (status == 403) {
            assertThat(events.reasons()).containsExactly(Reason.PERMISSION_MISSING);
        }
    }

    @Test
    void permissionsGrantedToTheUserDirectlyCountToo() {
        assertThat(run(AccessConfig.anyPermission("reports:{action}"), "GET", List.of("MEMBER"),
                List.of("reports:read"), new RecordingEventSink()).status()).isEqualTo(200);
        assertThat(run(AccessConfig.anyPermission("reports:{action}"), "POST", List.of("MEMBER"),
                List.of("reports:read"), new RecordingEventSink()).status()).isEqualTo(403);
    }

    @Test
    void rolesAreCheckedAnyOfAndAllOf() {
        AccessConfig both = new AccessConfig(List.of("ADMIN", "MERCHANT"), List.of("MFA"), List.of(), List.of());
        RecordingEventSink events = new RecordingEventSink();

        assertThat(run(both, "GET", List.of("MERCHANT", "MFA"), List.of(), events).status()).isEqualTo(200);
        assertThat(run(both, "GET", List.of("MERCHANT"), List.of(), events).status()).isEqualTo(403);
        assertThat(run(both, "GET", List.of("MFA"), List.of(), events).status()).isEqualTo(403);
        assertThat(events.reasons()).containsExactly(Reason.ROLE_MISSING, Reason.ROLE_MISSING);
    }

    @Test
    void anAnonymousCallerHasNoRoles() {
        assertThat(run(AccessConfig.anyRole("MEMBER"), "GET", null, List.of(), new RecordingEventSink()).status())
                .isEqualTo(403);
    }

    @Test
    void theRefusalNamesWhatIsMissingNotWhatTheCallerHas() {
        TestExchange exchange = ExchangeBuilder.request("DELETE", "/api/x").build();
        exchange.attribute(ExchangeAttributes.PRINCIPAL, new Principal("u-1", "s-1", "bulwark", List.of("MEMBER"),
                List.of(), null, Instant.parse("2030-01-01T00:00:00Z"), Principal.Method.BEARER));

        Response response = new AuthorizationFilter(AccessConfig.anyPermission("orders:{action}"), MATRIX)
                .filter(exchange, ex -> CompletableFuture.completedFuture(Response.empty(200)))
                .toCompletableFuture().join();

        String body = new String(response.body());
        assertThat(body).contains("orders:delete").doesNotContain("MEMBER").doesNotContain("analytics");
    }

    @ParameterizedTest(name = "{0} grants {1}: {2}")
    @CsvSource({
            "*, orders:read, true",
            "orders:*, orders:read, true",
            "orders:*, orders, false",
            "orders:read, orders:write, false",
            "*:read, users:read, true",
            "*:read, users:read:all, false",
            "orders:*, orders:items:read, true",
            "Orders:read, orders:read, false",
    })
    void patternsMatchSegmentBySegment(String pattern, String wanted, boolean grants) {
        assertThat(PermissionPattern.parse(pattern).grants(wanted.split(":", -1))).isEqualTo(grants);
    }

    @Test
    void malformedPermissionsAreRefused() {
        for (String bad : Arrays.asList("", "orders::read", "orders:re ad", "orders:{action}", "a".repeat(300))) {
            assertThat(PermissionPattern.problem(bad, false)).as(bad).isNotNull();
        }
        assertThat(PermissionPattern.problem("orders:{action}", true)).isNull();
        assertThatThrownBy(() -> new AuthorizationFilter(AccessConfig.anyPermission("orders:{verb}"), MATRIX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orders:{verb}");
    }
}
