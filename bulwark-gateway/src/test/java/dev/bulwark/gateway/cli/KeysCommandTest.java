package dev.bulwark.gateway.cli;

import dev.bulwark.api.store.SigningKey;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.gateway.storage.GatewayStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark keys list} and {@code bulwark keys rotate} against a configuration with h2 storage, and what a
 * gateway on the same storage does with tokens signed before and after a rotation.
 */
class KeysCommandTest {

    private static final Pattern ROTATED = Pattern.compile("active signing key: (\\S+) \\(EdDSA\\)");

    @TempDir
    Path dir;

    private AdminCli cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new AdminCli(dir);
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void listShowsTheActiveKeyAndNoKeyMaterial() {
        AdminCli.Result result = cli.run("", "keys", "list", "-c", cli.config.toString());

        assertThat(result.code()).as(result.toString()).isZero();
        SigningKey stored = storedKeys().getFirst();
        assertThat(result.out().lines().toList()).hasSize(2);
        assertThat(result.out().lines().toList().get(0).split(" +"))
                .containsExactly("KID", "ALGORITHM", "STATUS", "ACTIVATED", "RETIRE-AFTER");
        assertThat(result.out().lines().toList().get(1).split(" +"))
                .containsExactly(stored.kid(), "EdDSA", "active", "2025-01-01T00:00:00Z", "-");
        assertThat(result.out()).doesNotContain("{").doesNotContain("\"x\"")
                .doesNotContain(Base64.getEncoder().encodeToString(stored.encryptedPrivateKey()).substring(0, 16))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(stored.encryptedPrivateKey()).substring(0, 16));
    }

    @Test
    void rotateMakesANewActiveKeyAndTheOldOneRetiresOnceItsTokensHaveExpired() {
        String before = storedKeysViaCli().getFirst();
        cli.clock.advance(Duration.ofHours(1));

        AdminCli.Result rotated = cli.run("", "keys", "rotate", "-c", cli.config.toString());

        assertThat(rotated.code()).as(rotated.toString()).isZero();
        List<String> lines = rotated.out().lines().toList();
        Matcher kid = ROTATED.matcher(lines.get(0));
        assertThat(kid.matches()).as(lines.get(0)).isTrue();
        assertThat(kid.group(1)).isNotEqualTo(before);
        // Token lifetime 15m, clock skew 30s and the 30s key refresh of running nodes, from the rotation at 01:00.
        assertThat(lines).containsExactly(lines.get(0),
                "running gateways re-read their keys every 30s and sign with it from then on",
                "tokens signed with " + before + " keep verifying until 2025-01-01T01:16:00Z");

        AdminCli.Result listed = cli.run("", "keys", "list", "-c", cli.config.toString());

        assertThat(listed.out().lines().skip(1).map(line -> List.of(line.split(" +"))).toList()).containsExactly(
                List.of(kid.group(1), "EdDSA", "active", "2025-01-01T01:00:00Z", "-"),
                List.of(before, "EdDSA", "retiring", "2025-01-01T00:00:00Z", "2025-01-01T01:16:00Z"));
    }

    @Test
    void aTokenSignedBeforeTheRotationStillVerifiesAndNewLoginsUseTheNewKey() throws Exception {
        cli.addUser("ann@example.com", UsersCommandTest.PASSWORD);
        cli.startGateway();
        String old = AdminCli.json(cli.login("ann@example.com", UsersCommandTest.PASSWORD)).get("accessToken")
                .asText();

        AdminCli.Result rotated = cli.run("", "keys", "rotate", "-c", cli.config.toString());
        Matcher kid = ROTATED.matcher(rotated.out().lines().findFirst().orElse(""));
        assertThat(kid.matches()).as(rotated.toString()).isTrue();
        // What the gateway's timer does every AuthServices.KEY_REFRESH.
        cli.auth().keys().refresh(cli.auth().ring()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        cli.clock.advance(Duration.ofMinutes(5));

        assertThat(AdminCli.jwtHeader(old, "kid")).isNotEqualTo(kid.group(1));
        assertThat(cli.get("/api/orders", old).statusCode()).isEqualTo(200);
        String fresh = AdminCli.json(cli.login("ann@example.com", UsersCommandTest.PASSWORD)).get("accessToken")
                .asText();
        assertThat(AdminCli.jwtHeader(fresh, "kid")).isEqualTo(kid.group(1));
        assertThat(cli.get("/api/orders", fresh).statusCode()).isEqualTo(200);
    }

    @Test
    void keysCommandsNeedTheAuthSectionToo() throws Exception {
        Path noAuth = cli.write("no-auth.yaml", Files.readString(cli.config)
                .replaceAll("(?s)auth:\n  password:\n    hashing: \\{[^}]*}\n", "").replace("    auth: required\n", ""));

        AdminCli.Result result = cli.run("", "keys", "rotate", "-c", noAuth.toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).startsWith("auth: is required");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void keysWithoutASubcommandIsAUsageError() {
        AdminCli.Result result = cli.run("", "keys");

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err()).startsWith("bulwark: missing command: choose list or rotate");
    }

    /** @return the kids {@code keys list} prints, first one first */
    private List<String> storedKeysViaCli() {
        AdminCli.Result listed = cli.run("", "keys", "list", "-c", cli.config.toString());
        return listed.out().lines().skip(1).map(line -> line.split(" +")[0]).toList();
    }

    private List<SigningKey> storedKeys() {
        try (GatewayStorage storage = GatewayStorage.open(StorageConfig.h2(dir.resolve("data")), cli.clock)) {
            return storage.identityStores().keys().verificationKeys().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
