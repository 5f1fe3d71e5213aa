package dev.bulwark.store.sql;

import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Oversized input to the SQL identity stores is refused or safely reduced, never truncated by the database. */
class SqlIdentityLimitsTest {

    @TempDir
    static Path dataDir;

    private static SqlDatabase database;

    private final FakeClock clock = new FakeClock();

    @BeforeAll
    static void openDatabase() {
        database = SqlDatabase.h2(dataDir);
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Test
    void oversizedRefreshHashesAndSuccessorsAreRefusedBeforeTheDatabase() throws Exception {
        var sessions = new SqlSessionStore(database, clock);
        sessions.create(new NewSession("s-1", "u-1", new Device("ua", "203.0.113.7", null), "h0",
                Duration.ofDays(1), Duration.ofHours(1)), 5).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> sessions.rotate("s-1", "h0", "h".repeat(NewSession.MAX_ID_LENGTH + 1), "s",
                Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sessions.rotate("s-1", "h0", "h1",
                "x".repeat(SqlSessionStore.MAX_SUCCESSOR_LENGTH + 1), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("successor longer than 8192 characters: 8193");
    }

    @Test
    void veryLongLoginAttemptKeysAreCountedUnderTheirDigest() throws Exception {
        var attempts = new SqlLoginAttemptStore(database, clock);
        String key = "pair:" + "a".repeat(300) + "@example.com|2001:db8::1";

        attempts.recordFailure(key, LockoutPolicy.DEFAULT).toCompletableFuture().get(10, TimeUnit.SECONDS);
        attempts.recordFailure(key, LockoutPolicy.DEFAULT).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(attempts.lockState(key).toCompletableFuture().get(10, TimeUnit.SECONDS).failures()).isEqualTo(2);
        assertThat(attempts.lockState(key + "x").toCompletableFuture().get(10, TimeUnit.SECONDS).failures()).isZero();
    }

    @Test
    void tenantSetsTooLargeForTheColumnAreRefusedBeforeTheDatabase() throws Exception {
        var users = new SqlUserStore(database, clock);
        users.create(new NewUser("u-tenants", "tenants@example.com", "h", Set.of(), Set.of(), Set.of("clinic-1")))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        Set<String> many = IntStream.range(0, 100).mapToObj(i -> "clinic-" + i + "-" + "x".repeat(100))
                .collect(Collectors.toSet());

        assertThatThrownBy(() -> users.setTenants("u-tenants", many)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tenants take more than 8192 characters");
        assertThat(users.findById("u-tenants").toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow()
                .tenants()).containsExactly("clinic-1");
    }
}
