package dev.bulwark.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.api.store.User;
import dev.bulwark.core.config.StorageConfig;
import dev.bulwark.gateway.GatewayOptions;
import dev.bulwark.gateway.storage.GatewayStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark users ...} against a configuration with h2 storage, checked the way an operator would: through
 * what the command prints and what a gateway on the same configuration then does with logins and tokens.
 */
class UsersCommandTest {

    static final String PASSWORD = "sEcReT-correct-horse-battery-42";
    static final String NEW_PASSWORD = "sEcReT-violet-lantern-harbour-97";
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

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

    private String config() {
        return cli.config.toString();
    }

    @Test
    void anAddedUserLogsInOnAGatewayStartedOnTheSameConfiguration() throws Exception {
        AdminCli.Result added = cli.run(PASSWORD + "\n", "users", "add", "Ann@Example.com", "--role", "admin",
                "--role", "merchant", "--tenant", "shop-1", "--password-stdin", "-c", config());

        assertThat(added.code()).as(added.toString()).isZero();
        assertThat(added.out()).matches(UUID + "\n");
        assertThat(added.err()).isEmpty();

        cli.startGateway();
        HttpResponse<String> login = cli.login("ann@example.com", PASSWORD);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String access = AdminCli.json(login).get("accessToken").asText();
        assertThat(AdminCli.jwtClaim(access, "sub").asText()).isEqualTo(added.out().strip());
        assertThat(AdminCli.jwtClaim(access, "roles")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("admin", "merchant");
        assertThat(AdminCli.jwtClaim(access, "tenant").asText()).isEqualTo("shop-1");
        assertThat(cli.get("/api/orders", access).statusCode()).isEqualTo(200);
    }

    @Test
    void aUserAddedByAnotherProcessWhileTheGatewayRunsLogsInAtOnce() throws Exception {
        // The gateway holds the H2 file; before AUTO_SERVER a second process could not open it at all. The
        // gateway runs on the system clock here because the other process does too.
        cli.startGateway(GatewayOptions.defaults().withEventLoops(1));
        String java = ProcessHandle.current().info().command().orElse("java");
        Path childLog = dir.resolve("cli-process.log");
        Process process = new ProcessBuilder(java, "-Dbulwark.testLogFile=" + childLog,
                "-cp", System.getProperty("java.class.path"), BulwarkCommand.class.getName(),
                "users", "add", "bob@example.com", "--role", "support", "--password-stdin", "-c", config())
                .redirectError(dir.resolve("cli-process.err").toFile())
                .start();
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "read failed: " + e;
                }
            });
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the command finished").isTrue();
            String errors = Files.readString(dir.resolve("cli-process.err"));
            assertThat(process.exitValue()).as(errors).isZero();
            assertThat(out.get(10, TimeUnit.SECONDS)).as("only the id, no log lines").matches(UUID + "\n");
            assertThat(errors + (Files.exists(childLog) ? Files.readString(childLog) : ""))
                    .doesNotContain("sEcReT-");
        } finally {
            process.destroyForcibly();
        }

        HttpResponse<String> login = cli.login("bob@example.com", PASSWORD);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    }

    @Test
    void aTakenEmailIsRefusedWithExitOneAndTheAccountIsLeftAlone() {
        String id = cli.addUser("ann@example.com", PASSWORD, "--role", "admin");

        AdminCli.Result again = cli.run(NEW_PASSWORD + "\n", "users", "add", "ANN@example.com", "--password-stdin",
                "-c", config());

        assertThat(again.code()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).isEqualTo("bulwark: a user with email ann@example.com already exists"
                + " (nothing was changed)\n");
        assertThat(list()).singleElement().satisfies(user -> {
            assertThat(user.id()).isEqualTo(id);
            assertThat(user.roles()).containsExactly("admin");
        });
    }

    @Test
    void aPasswordBreakingThePolicyPrintsEveryViolationAndCreatesNoUser() throws Exception {
        cli.write("strict.yaml", Files.readString(cli.config).replace("""
                  password:
                """, """
                  password:
                    requireCharacterClasses: true
                """));

        AdminCli.Result result = cli.run("sEcReT-x\n", "users", "add", "ann@example.com", "--password-stdin",
                "-c", dir.resolve("strict.yaml").toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines().toList()).contains(
                "bulwark: password must be at least 12 characters: 8",
                "bulwark: password must contain a digit",
                "bulwark: the password was refused; nothing was changed");
        assertThat(result.err()).doesNotContain("sEcReT-");
        assertThat(list()).isEmpty();
    }

    @Test
    void withoutATerminalThePasswordMustComeFromStandardInput() {
        AdminCli.Result result = cli.run("", "users", "add", "ann@example.com", "-c", config());

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err().lines()).singleElement().asString()
                .startsWith("bulwark: no terminal to ask for the password on: pass --password-stdin");
        assertThat(list()).isEmpty();
    }

    @Test
    void anEmptyStandardInputIsRefused() {
        AdminCli.Result result = cli.run("", "users", "add", "ann@example.com", "--password-stdin", "-c", config());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("bulwark: no password on standard input (expected one line)\n");
    }

    @Test
    void theTerminalIsAskedTwiceAndTwoDifferentAnswersChangeNothing() {
        List<String> prompts = new ArrayList<>();
        Deque<String> answers = new ArrayDeque<>(List.of(PASSWORD, NEW_PASSWORD, PASSWORD, PASSWORD));
        PasswordPrompt terminal = prompt -> {
            prompts.add(prompt);
            return answers.removeFirst().toCharArray();
        };

        AdminCli.Result mismatch = cli.runWithTerminal(terminal, "users", "add", "ann@example.com", "-c", config());
        AdminCli.Result created = cli.runWithTerminal(terminal, "users", "add", "ann@example.com", "-c", config());

        assertThat(mismatch.code()).isEqualTo(1);
        assertThat(mismatch.err()).isEqualTo("bulwark: the two passwords differ; nothing was changed\n");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).matches(UUID + "\n");
        assertThat(prompts).containsExactly("Password for ann@example.com: ", "Repeat the password: ",
                "Password for ann@example.com: ", "Repeat the password: ");
        assertThat(list()).extracting(User::email).containsExactly("ann@example.com");
    }

    @Test
    void listPrintsATableAndTheCursorOfTheNextPage() {
        cli.addUser("carol@example.com", PASSWORD, "--role", "support");
        String annId = cli.addUser("ann@example.com", PASSWORD, "--role", "admin", "--role", "merchant",
                "--tenant", "shop-1", "--tenant", "shop-2");
        cli.addUser("bob@example.com", PASSWORD);

        AdminCli.Result first = cli.run("", "users", "list", "--limit", "2", "-c", config());

        assertThat(first.code()).as(first.toString()).isZero();
        List<String> lines = first.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).split(" +")).containsExactly("ID", "EMAIL", "ROLES", "TENANTS", "STATUS", "CREATED");
        assertThat(lines.get(1).split(" +")).containsExactly(annId, "ann@example.com", "admin,merchant",
                "shop-1,shop-2", "active", "2025-01-01T00:00:00Z");
        assertThat(lines.get(2).split(" +")).containsSequence("bob@example.com", "-", "-", "active");
        assertThat(lines.get(1).indexOf("ann@")).as("columns line up").isEqualTo(lines.get(0).indexOf("EMAIL"));
        assertThat(lines.get(3)).isEqualTo("next page: --after bob@example.com");

        AdminCli.Result second = cli.run("", "users", "list", "--limit", "2", "--after", "bob@example.com",
                "-c", config());

        assertThat(second.out().lines().toList()).hasSize(2).last().asString().contains("carol@example.com")
                .doesNotContain("next page");
    }

    @Test
    void listRefusesALimitOutOfRange() {
        AdminCli.Result result = cli.run("", "users", "list", "--limit", "0", "-c", config());

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err()).startsWith("bulwark: --limit must be 1 to 1000: 0");
    }

    @Test
    void disablingEndsSessionsAndTheRunningGatewayRefusesTheTokensAndLoginsUntilEnabled() throws Exception {
        cli.addUser("ann@example.com", PASSWORD);
        cli.startGateway();
        JsonNode tokens = AdminCli.json(cli.login("ann@example.com", PASSWORD));
        String access = tokens.get("accessToken").asText();
        assertThat(cli.get("/api/orders", access).statusCode()).isEqualTo(200);

        AdminCli.Result disabled = cli.run("", "users", "disable", "ann@example.com", "-c", config());

        assertThat(disabled.code()).as(disabled.toString()).isZero();
        assertThat(disabled.out()).isEqualTo("disabled ann@example.com: 1 session ended; running gateways refuse"
                + " its access tokens within 1s\n");
        assertThat(awaitStatus(access, 401)).isEqualTo(401);
        assertThat(cli.post("/auth/refresh", Map.of("refreshToken", tokens.get("refreshToken").asText()))
                .statusCode()).isEqualTo(401);
        assertThat(cli.login("ann@example.com", PASSWORD).statusCode()).isEqualTo(401);
        assertThat(list()).singleElement().extracting(user -> user.status().name()).isEqualTo("DISABLED");

        AdminCli.Result enabled = cli.run("", "users", "enable", "ann@example.com", "-c", config());

        assertThat(enabled.out()).isEqualTo("enabled ann@example.com\n");
        HttpResponse<String> again = cli.login("ann@example.com", PASSWORD);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }

    @Test
    void resetPasswordEndsEverySessionAndOnlyTheNewPasswordLogsIn() throws Exception {
        cli.addUser("ann@example.com", PASSWORD);
        cli.startGateway();
        JsonNode tokens = AdminCli.json(cli.login("ann@example.com", PASSWORD));

        AdminCli.Result reset = cli.run(NEW_PASSWORD + "\r\n", "users", "reset-password", "ann@example.com",
                "--password-stdin", "-c", config());

        assertThat(reset.code()).as(reset.toString()).isZero();
        assertThat(reset.out()).isEqualTo("password reset for ann@example.com: 1 session ended\n");
        assertThat(awaitStatus(tokens.get("accessToken").asText(), 401)).isEqualTo(401);
        assertThat(cli.post("/auth/refresh", Map.of("refreshToken", tokens.get("refreshToken").asText()))
                .statusCode()).isEqualTo(401);
        assertThat(cli.login("ann@example.com", PASSWORD).statusCode()).isEqualTo(401);
        assertThat(cli.login("ann@example.com", NEW_PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void resetPasswordEnforcesThePolicy() {
        cli.addUser("ann@example.com", PASSWORD);

        AdminCli.Result reset = cli.run("sEcReT-ann@example.com-1\n", "users", "reset-password", "ann@example.com",
                "--password-stdin", "-c", config());

        assertThat(reset.code()).isEqualTo(1);
        assertThat(reset.err().lines().toList()).contains("bulwark: password must not contain the email address");
    }

    @Test
    void setRolesReplacesTheRolesAndKeepsThePermissions() throws Exception {
        String id = cli.addUser("ann@example.com", PASSWORD, "--role", "admin");
        try (GatewayStorage storage = GatewayStorage.open(StorageConfig.h2(dir.resolve("data")), cli.clock)) {
            storage.identityStores().users().setAccess(id, Set.of("admin"), Set.of("orders:refund"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        AdminCli.Result result = cli.run("", "users", "set-roles", "ann@example.com", "support", "billing",
                "-c", config());

        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("roles of ann@example.com: billing,support (was admin); ");
        assertThat(list()).singleElement().satisfies(user -> {
            assertThat(user.roles()).containsExactly("billing", "support");
            assertThat(user.permissions()).containsExactly("orders:refund");
        });
        cli.startGateway();
        String access = AdminCli.json(cli.login("ann@example.com", PASSWORD)).get("accessToken").asText();
        assertThat(AdminCli.jwtClaim(access, "roles")).extracting(JsonNode::asText)
                .containsExactly("billing", "support");
    }

    @Test
    void setRolesNeedsAtLeastOneRole() {
        AdminCli.Result result = cli.run("", "users", "set-roles", "ann@example.com", "-c", config());

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err()).contains("ROLE");
    }

    @Test
    void anUnknownEmailIsNamedWithExitOne() {
        for (String command : List.of("disable", "enable", "reset-password", "set-roles")) {
            List<String> args = new ArrayList<>(List.of("users", command, "nobody@example.com", "-c", config()));
            if (command.equals("reset-password")) {
                args.add("--password-stdin");
            }
            if (command.equals("set-roles")) {
                args.add("admin");
            }
            AdminCli.Result result = cli.run(PASSWORD + "\n", args.toArray(String[]::new));

            assertThat(result.code()).as(command).isEqualTo(1);
            assertThat(result.err()).as(command).isEqualTo("bulwark: no user with email nobody@example.com\n");
        }
    }

    @Test
    void aMalformedEmailIsAUsageError() {
        AdminCli.Result result = cli.run(PASSWORD + "\n", "users", "add", "not-an-email", "--password-stdin",
                "-c", config());

        assertThat(result.code()).isEqualTo(BulwarkCommand.EXIT_USAGE);
        assertThat(result.err()).startsWith("bulwark: not a valid email: not-an-email");
    }

    @Test
    void aConfigurationWithoutAnAuthSectionIsRefusedNamingIt() throws Exception {
        Path noAuth = cli.write("no-auth.yaml", Files.readString(cli.config)
                .replaceAll("(?s)auth:\n  password:\n    hashing: \\{[^}]*}\n", "").replace("    auth: required\n", ""));

        AdminCli.Result result = cli.run("", "users", "list", "-c", noAuth.toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err().lines()).singleElement().asString()
                .startsWith("auth: is required: 'bulwark users', 'keys', 'tenants' and 'apikeys' manage what the auth section");
    }

    @Test
    void memoryStorageIsRefusedBecauseItsUsersWouldEndWithTheCommand() throws Exception {
        Path memory = cli.write("memory.yaml", Files.readString(cli.config)
                .replaceAll("storage: \\{[^}]*}\n", ""));

        AdminCli.Result result = cli.run(PASSWORD + "\n", "users", "add", "ann@example.com", "--password-stdin",
                "-c", memory.toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("storage: users and signing keys need h2 or postgresql storage: memory"
                + " storage (the default when storage is absent) ends with the process that holds it\n");
    }

    @Test
    void anInvalidConfigurationPrintsItsProblemsWithoutTouchingStorage() throws Exception {
        Path bad = cli.write("bad.yaml", Files.readString(cli.config).replace("iterations: 1", "iterations: lots"));

        AdminCli.Result result = cli.run("", "users", "list", "-c", bad.toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).startsWith("auth.password.hashing.iterations: ");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    // ---- helpers ----

    /** @return every user, read through the store (not through the command under test) */
    private List<User> list() {
        try (GatewayStorage storage = GatewayStorage.open(StorageConfig.h2(dir.resolve("data")), cli.clock)) {
            return storage.identityStores().users().list(null, 100).toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .users();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Polls the gateway's revocation feed (its own timer does it every second) until the token gets
     * {@code expected}, for at most 10 s.
     */
    private int awaitStatus(String accessToken, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            cli.auth().revocationSync().poll().toCompletableFuture().get(10, TimeUnit.SECONDS);
            status = cli.get("/api/orders", accessToken).statusCode();
        } while (status != expected && System.nanoTime() < deadline);
        return status;
    }
}
