package dev.bulwark.core.admin;

import dev.bulwark.core.config.BulwarkConfig;
import dev.bulwark.core.config.ConfigException;
import dev.bulwark.core.config.ConfigLoader;
import dev.bulwark.core.iprules.IpRulesConfig;
import dev.bulwark.core.routing.RouteCompiler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code admin} section: loading, defaults, and every mistake stopping the configuration with its key path. */
class AdminConfigTest {

    private static final String AUTH = """
            auth: { issuer: https://auth.example.com, audience: api }
            """;

    private static BulwarkConfig load(String yaml) {
        return ConfigLoader.parse("mode: development\n" + yaml, "bulwark.yaml", name -> null);
    }

    /** @return the message listing what loading or checking {@code yaml} found wrong */
    private static String problems(String yaml) {
        try {
            RouteCompiler.check(load(yaml));
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void anEmptySectionTurnsTheApiOnWithTheDocumentedDefaults() {
        AdminConfig admin = load(AUTH + "admin: {}\n").admin();

        assertThat(admin).isEqualTo(new AdminConfig(true, "/_bulwark/admin", List.of("admin"), "bulwark:admin",
                List.of(), null, null));
        assertThat(load(AUTH).admin()).as("no section, no admin api").isNull();
        assertThat(load(AUTH + "admin: false\n").admin().enabled()).isFalse();
    }

    @Test
    void everyKeyIsRead() {
        AdminConfig admin = load(AUTH + """
                policies: { internal: { rateLimit: none } }
                admin:
                  prefix: /ops/admin
                  roles: [admin, ops]
                  scope: "ops:admin"
                  policies: [internal]
                  ipRules: { allow: [10.0.0.0/8] }
                  port: 9902
                """).admin();

        assertThat(admin).isEqualTo(new AdminConfig(true, "/ops/admin", List.of("admin", "ops"), "ops:admin",
                List.of("internal"), IpRulesConfig.allowOnly("10.0.0.0/8"), 9902));
    }

    @Test
    void theApiWithoutAnAuthSectionStopsStartupNamingTheKey() {
        assertThat(problems("admin: {}\n")).contains("admin: needs the top-level auth section");
        RouteCompiler.check(load("admin: { enabled: false }\n"));
    }

    @Test
    void badValuesAreReportedUnderTheirKeyPaths() {
        String message = problems(AUTH + """
                server: { port: 8080 }
                policies: { guarded: { access: { roles: [ops] } } }
                authorization: { roles: { ADMIN: ["*"] } }
                admin:
                  prefix: /_bulwark/metrics/admin
                  roles: [admin]
                  scope: "admin:{action}"
                  policies: [guarded, missing]
                  ipRules: { allow: [10.0.0.0/33] }
                  port: 8080
                """);

        assertThat(message).contains("admin.prefix: \"/_bulwark/metrics/admin\" overlaps /_bulwark/metrics")
                .contains("admin.scope:")
                .contains("admin.policies[0]: \"guarded\" sets auth or access")
                .contains("admin.policies[1]: \"missing\" is not a defined policy")
                .contains("admin.roles[0]: \"admin\" is not a role of authorization.roles (defined: ADMIN)")
                .contains("admin.ipRules.allow[0]")
                .contains("admin.port: 8080 is the same as server.port");
    }

    @Test
    void aMistypedKeyIsNamedWithASuggestion() {
        assertThat(problems(AUTH + "admin: { prot: 9902 }\n"))
                .contains("admin.prot: unknown key; did you mean \"port\"?");
    }

    @Test
    void thePrefixMayNotShadowTheAuthEndpoints() {
        assertThat(problems(AUTH + "admin: { prefix: /auth/admin }\n"))
                .contains("admin.prefix: \"/auth/admin\" overlaps /auth");
        assertThat(problems(AUTH + "admin: { prefix: \"_bulwark/admin\" }\n"))
                .contains("admin.prefix: \"_bulwark/admin\" is not a path prefix");
    }
}
