package dev.bulwark.gateway.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark tenants ...} and {@code bulwark users set-tenants} against a configuration with h2 storage and a
 * tenant rule, checked through what the commands print and what a gateway on the same storage then allows.
 */
class TenantsCommandTest {

    private static final String PASSWORD = "sEcReT-clinic-harbour-lantern-7";

    @TempDir
    Path dir;

    private AdminCli cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new AdminCli(dir);
        // The api route takes its tenant from ?tenant=, checked against the caller and the tenant's status.
        cli.write("bulwark.yaml", Files.readString(cli.config).replace("""
                    auth: required
                """, """
                    auth: required
                    tenant: { sources: [query:tenant] }
                """));
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    private AdminCli.Result bulwark(String... args) {
        String[] withConfig = java.util.Arrays.copyOf(args, args.length + 2);
        withConfig[args.length] = "-c";
        withConfig[args.length + 1] = cli.config.toString();
        return cli.run("", withConfig);
    }

    private String login() throws Exception {
        HttpResponse<String> login = cli.login("ann@clinic.test", PASSWORD);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return AdminCli.json(login).get("accessToken").asText();
    }

    private int status(String tenant, String token) throws Exception {
        return cli.get("/api/appointments?tenant=" + tenant, token).statusCode();
    }

    @Test
    void tenantsAreAddedListedAndATakenIdIsRefused() {
        assertThat(bulwark("tenants", "add", "clinic-b", "--name", "Green Valley Clinic").out())
                .isEqualTo("added tenant clinic-b\n");
        assertThat(bulwark("tenants", "add", "clinic-a").code()).isZero();

        AdminCli.Result again = bulwark("tenants", "add", "clinic-a", "--name", "Other");
        AdminCli.Result list = bulwark("tenants", "list", "--limit", "1");

        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("bulwark: tenant clinic-a already exists (nothing was changed; a deleted"
                + " tenant's id is never reused)\n");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines().toList()).hasSize(3);
        assertThat(list.out()).startsWith("ID").contains("clinic-a", "active").doesNotContain("clinic-b")
                .endsWith("next page: --after clinic-a\n");
        assertThat(bulwark("tenants", "list", "--after", "clinic-a").out()).contains("Green Valley Clinic");
    }

    @Test
    void badIdsAreUsageErrorsAndUnknownTenantsAreRefused() {
        AdminCli.Result control = bulwark("tenants", "add", "clinic\u0007a");
        AdminCli.Result unknown = bulwark("tenants", "suspend", "clinic-x");

        assertThat(control.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(control.err()).startsWith("bulwark: tenant id must hold names of 1 to 128 printable characters");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("bulwark: no tenant clinic-x (add it first with 'bulwark tenants add')\n");
        assertThat(bulwark("tenants").code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
    }

    @Test
    void membershipsAndSuspensionsReachARunningGatewayWithinTheCacheTtl() throws Exception {
        cli.addUser("ann@clinic.test", PASSWORD, "--role", "doctor", "--tenant", "clinic-a");
        bulwark("tenants", "add", "clinic-a");
        bulwark("tenants", "add", "clinic-b");
        cli.startGateway();
        String token = login();
        assertThat(status("clinic-a", token)).isEqualTo(200);
        assertThat(status("clinic-b", token)).as("not a member of clinic-b yet").isEqualTo(403);

        AdminCli.Result joined = bulwark("users", "set-tenants", "ann@clinic.test", "clinic-a", "clinic-b");
        cli.clock.advance(Duration.ofSeconds(11));

        assertThat(joined.out()).isEqualTo("tenants of ann@clinic.test: clinic-a,clinic-b (was clinic-a); running"
                + " gateways apply it within 10s\n");
        assertThat(status("clinic-b", token)).isEqualTo(200);

        AdminCli.Result suspended = bulwark("tenants", "suspend", "clinic-b");
        cli.clock.advance(Duration.ofSeconds(11));

        assertThat(suspended.out()).isEqualTo("tenant clinic-b is suspended; running gateways apply it within 10s\n");
        HttpResponse<String> refused = cli.get("/api/appointments?tenant=clinic-b", token);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("urn:bulwark:problem:tenant-inactive");
        assertThat(bulwark("tenants", "list").out()).containsPattern("clinic-b +clinic-b +suspended");

        bulwark("tenants", "activate", "clinic-b");
        bulwark("tenants", "delete", "clinic-a");
        cli.clock.advance(Duration.ofSeconds(11));

        assertThat(status("clinic-b", token)).isEqualTo(200);
        assertThat(status("clinic-a", token)).as("deleted").isEqualTo(403);
        assertThat(bulwark("users", "set-tenants", "ann@clinic.test").out()).startsWith(
                "tenants of ann@clinic.test: none (was clinic-a,clinic-b); 1 session(s) ended");
        // The gateway is another node: it applies the ended session at its next revocation poll.
        cli.auth().revocationSync().poll().toCompletableFuture().join();
        assertThat(status("clinic-b", token)).as("a removed tenant holds from the next request").isEqualTo(401);
    }
}
