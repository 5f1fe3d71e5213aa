package dev.bulwark.gateway.cli;

import dev.bulwark.core.auth.apikey.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark apikeys create|list|revoke} against a configuration with h2 storage whose route also accepts API
 * keys (set in the YAML), and what a gateway on the same storage does with the keys.
 */
class ApiKeysCommandTest {

    @TempDir
    Path dir;

    private AdminCli cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new AdminCli(dir);
        cli.write("bulwark.yaml", Files.readString(cli.config)
                .replace("    auth: required\n", "    auth: { mode: required, apiKeys: also }\n"));
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    private AdminCli.Result apikeys(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "apikeys";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "-c";
        all[args.length + 2] = cli.config.toString();
        return cli.run("", all);
    }

    /** @return the key {@code apikeys create} printed */
    private String create(String... options) {
        AdminCli.Result created = apikeys(options);
        assertThat(created.code()).as(created.toString()).isZero();
        return created.out().strip();
    }

    @Test
    void createPrintsTheKeyAloneOnceWithAWarningAndAGatewayAcceptsIt() throws Exception {
        AdminCli.Result created = apikeys("create", "--name", "billing export", "--scope", "orders:read",
                "--scope", "invoices:*", "--tenant", "shop-1", "--expires", "90d");

        assertThat(created.code()).as(created.toString()).isZero();
        String key = created.out().strip();
        assertThat(created.out().lines().toList()).containsExactly(key);
        assertThat(key).matches(ApiKeys.SCANNER_PATTERN);
        String id = key.substring(4, 20);
        assertThat(created.err().lines().toList()).containsExactly(
                "created api key " + id + " (billing export): scopes invoices:*,orders:read, tenant shop-1,"
                        + " expires 2025-04-01T00:00:00Z",
                "store this key now: it is shown this once and cannot be recovered (only a hash is kept)");

        cli.startGateway();

        assertThat(cli.getWith("/api/orders", "X-Api-Key", key).statusCode()).isEqualTo(200);
        assertThat(cli.getWith("/api/orders", "X-Api-Key", key.substring(0, 21) + "sEcReT-".repeat(6) + "A")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void listShowsIdsNamesScopesAndTimesButNeverASecret() {
        String first = create("create", "--name", "exporter", "--scope", "orders:read");
        String second = create("create", "--name", "ops", "--scope", "*", "--expires", "12h");
        cli.clock.advance(Duration.ofMinutes(5));

        AdminCli.Result listed = apikeys("list");

        assertThat(listed.code()).as(listed.toString()).isZero();
        List<String> lines = listed.out().lines().toList();
        assertThat(lines.getFirst().split(" +"))
                .containsExactly("ID", "NAME", "SCOPES", "TENANT", "STATUS", "CREATED", "EXPIRES", "LAST-USED");
        assertThat(lines.subList(1, lines.size()).stream().map(line -> List.of(line.split(" +"))).toList())
                .containsExactlyInAnyOrder(
                        List.of(first.substring(4, 20), "exporter", "orders:read", "-", "active",
                                "2025-01-01T00:00:00Z", "-", "-"),
                        List.of(second.substring(4, 20), "ops", "*", "-", "active", "2025-01-01T00:00:00Z",
                                "2025-01-01T12:00:00Z", "-"));
        assertThat(listed.out()).doesNotContain(first.substring(21)).doesNotContain(second.substring(21))
                .doesNotContain("v1:");
    }

    @Test
    void aRevokedKeyIsRefusedByARunningGatewayOnceItsRevocationListLearnsOfIt() throws Exception {
        String key = create("create", "--name", "exporter", "--scope", "orders:read");
        String id = key.substring(4, 20);
        cli.startGateway();
        assertThat(cli.getWith("/api/orders", "X-Api-Key", key).statusCode()).isEqualTo(200);

        AdminCli.Result revoked = apikeys("revoke", id);

        assertThat(revoked.code()).as(revoked.toString()).isZero();
        assertThat(revoked.out().strip()).isEqualTo("revoked api key " + id + " (exporter) at 2025-01-01T00:00:00Z;"
                + " running gateways refuse it within 1s");
        // What the gateway's timer does every auth.revocationSync.
        cli.auth().revocationSync().poll().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(cli.getWith("/api/orders", "X-Api-Key", key).statusCode()).isEqualTo(401);
        AdminCli.Result listed = apikeys("list");
        assertThat(listed.out()).contains(" revoked ");
    }

    @Test
    void revokingAnUnknownIdFailsAndChangesNothing() {
        AdminCli.Result result = apikeys("revoke", "zzzzzzzzzzzzzzzz");

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_FAILURE);
        assertThat(result.err().strip()).isEqualTo("bulwark: no api key with id zzzzzzzzzzzzzzzz");
    }

    @Test
    void badScopesNamesAndLifetimesAreUsageErrorsAndCreateNothing() {
        AdminCli.Result scope = apikeys("create", "--name", "x", "--scope", "orders read");
        AdminCli.Result lifetime = apikeys("create", "--name", "x", "--expires", "soon");
        AdminCli.Result zero = apikeys("create", "--name", "x", "--expires", "0d");
        AdminCli.Result noName = apikeys("create", "--scope", "orders:read");

        assertThat(List.of(scope, lifetime, zero, noName)).allSatisfy(result -> {
            assertThat(result.code()).as(result.toString()).isEqualTo(BulwarkCommand.EXIT_USAGE);
            assertThat(result.out()).isEmpty();
        });
        assertThat(scope.err()).startsWith("bulwark: api key scope \"orders read\" is not a permission");
        assertThat(lifetime.err()).contains("'soon' is not a lifetime (expected e.g. 90d, 12h or 30m)");
        assertThat(noName.err()).contains("--name");
        assertThat(apikeys("list").out().strip()).isEqualTo("no api keys");
    }

    @Test
    void apikeysWithoutASubcommandIsAUsageError() {
        AdminCli.Result result = cli.run("", "apikeys");

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err()).startsWith("bulwark: missing command: choose one of create, list, revoke");
    }
}
