package dev.bulwark.core.tenant;

import dev.bulwark.api.Stage;
import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.routing.CompiledRoutes;
import dev.bulwark.core.routing.PathNormalizer;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code tenant} rule and the {@code tenancy} section: loading, defaults, and mistakes stopping startup. */
class TenantConfigTest {

    private static final String BASE = """
            mode: development
            auth: { issuer: https://auth.example.com, audience: api }
            upstreams: { clinic: { url: "http://127.0.0.1:9" } }
            """;

    private static BulwarkConfig load(String yaml) {
        return ConfigLoader.parse(BASE + yaml, "bulwark.yaml", name -> null);
    }

    private static String problems(String yaml) {
        try {
            RouteCompiler.compile(load(yaml));
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void aRouteRuleAndTheTenancySectionAreReadWithTheirDefaults() {
        BulwarkConfig config = load("""
                tenancy: { crossTenantRoles: [SUPER_ADMIN], unknownTenants: deny, cacheTtl: 30s }
                policies:
                  clinic: { tenant: { sources: [header:X-Clinic-Id, claim] } }
                routes:
                  - id: appointments
                    match: { path: "/clinics/{clinicId}/appointments/**" }
                    upstream: clinic
                    auth: required
                    tenant: { required: false, sources: [path:clinicId, body:appointment.clinicId] }
                """);

        assertThat(config.tenancy()).isEqualTo(new TenancyConfig(List.of("SUPER_ADMIN"),
                TenancyConfig.UnknownTenants.DENY, Duration.ofSeconds(30)));
        assertThat(config.policies().get("clinic").tenant())
                .isEqualTo(new TenantConfig(true, List.of("header:X-Clinic-Id", "claim")));
        assertThat(config.routes().getFirst().inline().tenant())
                .isEqualTo(new TenantConfig(false, List.of("path:clinicId", "body:appointment.clinicId")));
        assertThat(load("").effectiveTenancy()).isEqualTo(TenancyConfig.DEFAULT);
        assertThat(TenancyConfig.DEFAULT.crossTenantRoles()).containsExactly("admin");
        assertThat(TenancyConfig.DEFAULT.unknownTenants()).isEqualTo(TenancyConfig.UnknownTenants.ALLOW);
        assertThat(TenancyConfig.DEFAULT.cacheTtl()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theRuleRunsBetweenAuthenticationAndAuthorizationAndFalseSwitchesAnInheritedOneOff() {
        CompiledRoutes routes = RouteCompiler.compile(load("""
                defaults: { tenant: { sources: [header:X-Clinic-Id] } }
                routes:
                  - { id: health, match: { path: /health }, upstream: clinic, tenant: false }
                  - { id: api, match: { path: /** }, upstream: clinic, auth: required }
                """));

        var api = routes.match("h", "GET", PathNormalizer.normalize("/x")).route().chain().filters();
        var health = routes.match("h", "GET", PathNormalizer.normalize("/health")).route().chain().filters();
        assertThat(api).filteredOn(filter -> filter.stage() == Stage.TENANT).hasOnlyElementsOfType(TenantFilter.class)
                .hasSize(1);
        assertThat(health).noneMatch(filter -> filter.stage() == Stage.TENANT);
        assertThat(Stage.TENANT).isGreaterThan(Stage.AUTHENTICATION).isLessThan(Stage.AUTHORIZATION);
    }

    @Test
    void aTenantRuleOnARouteWithoutAuthenticationStopsStartupNamingTheRoute() {
        assertThat(problems("""
                routes:
                  - { id: appointments, match: { path: /** }, upstream: clinic, tenant: { sources: [claim] } }
                """)).contains("routes[0]: route appointments: tenant needs authentication, which the route does not"
                + " configure");
    }

    @Test
    void aTenantRuleWithoutAnAuthSectionStopsStartupNamingTheKey() {
        String yaml = """
                mode: development
                upstreams: { clinic: { url: "http://127.0.0.1:9" } }
                routes:
                  - { id: a, match: { path: /** }, upstream: clinic, tenant: { sources: [claim] } }
                """;

        assertThatThrownBy(() -> RouteCompiler.check(ConfigLoader.parse(yaml, "b.yaml", name -> null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[0].tenant: needs the top-level auth");
    }

    @Test
    void aPathSourceTheRouteLacksAndAStrippedHeaderStopStartup() {
        assertThat(problems("""
                routes:
                  - { id: a, match: { path: "/clinics/{id}/**" }, upstream: clinic, auth: required,
                      tenant: { sources: [path:clinicId] } }
                """)).contains("routes[0]: tenant source \"path:clinicId\" names no parameter of the route's path"
                + " (parameters: id)");
        assertThat(problems("""
                routes:
                  - { id: a, match: { path: /** }, upstream: clinic, auth: required,
                      tenant: { sources: [header:X-Tenant-Id] } }
                """)).contains("route a: tenant source header:X-Tenant-Id is stripped from client requests");
    }

    @Test
    void badSourcesAndTenancyValuesAreReportedUnderTheirKeyPaths() {
        assertThat(problems("""
                tenancy: { unknownTenants: maybe }
                routes:
                  - { id: a, match: { path: /** }, upstream: clinic, auth: required,
                      tenant: { sources: [claim], extra: 1 } }
                """)).contains("tenancy.unknownTenants: \"maybe\" is not one of [allow, deny]")
                .contains("routes[0].tenant.extra: unknown key");
        assertThat(problems("""
                authorization: { roles: { ADMIN: ["*"], DOCTOR: ["appointments:*"] } }
                tenancy: { crossTenantRoles: [admin], cacheTtl: 2h }
                routes:
                  - { id: a, match: { path: /** }, upstream: clinic, auth: required,
                      tenant: { sources: [cookie:clinic] } }
                """)).contains("tenancy.crossTenantRoles[0]: \"admin\" is not a role of authorization.roles")
                .contains("tenancy.cacheTtl: 7200000ms must be between 0s and 1h")
                .contains("routes[0].tenant.sources[0]: \"cookie:clinic\" is not a tenant source");
    }
}
