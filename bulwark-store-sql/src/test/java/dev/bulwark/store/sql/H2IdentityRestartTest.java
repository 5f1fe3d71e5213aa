package dev.bulwark.store.sql;

import dev.bulwark.api.store.CreateUserResult;
import dev.bulwark.api.store.Device;
import dev.bulwark.api.store.KeyStatus;
import dev.bulwark.api.store.LockoutPolicy;
import dev.bulwark.api.store.NewSession;
import dev.bulwark.api.store.NewUser;
import dev.bulwark.api.store.Rotation;
import dev.bulwark.api.store.Session;
import dev.bulwark.api.store.SigningKey;
import dev.bulwark.api.store.User;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded H2 database keeps users, sessions with their token families, revocations and keys across restarts. */
class H2IdentityRestartTest {

    @TempDir
    Path dataDir;

    private final FakeClock clock = new FakeClock();

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void identityStateSurvivesClosingAndReopeningTheDatabase() throws Exception {
        User user;
        Session session;
        SigningKey firstKey;
        SigningKey secondKey;
        try (SqlDatabase database = SqlDatabase.h2(dataDir)) {
            var users = new SqlUserStore(database, clock);
            user = ((CreateUserResult.Created) await(users.create(new NewUser("u-1", "Ann@Example.com",
                    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", Set.of("admin"), Set.of("orders:write"),
                    Set.of("clinic-1"))))).user();
            var sessions = new SqlSessionStore(database, clock);
            session = await(sessions.create(new NewSession("s-1", user.id(),
                    new Device("curl/8.5", "203.0.113.7", null), "h0", Duration.ofDays(7), Duration.ofDays(1)), 5))
                    .session();
            clock.advance(Duration.ofMinutes(15));
            assertThat(await(sessions.rotate("s-1", "h0", "h1", "enc(t1)", Duration.ofSeconds(10))).outcome())
                    .isEqualTo(Rotation.Outcome.ROTATED);
            assertThat(await(sessions.rotate("s-1", "h1", "h2", "enc(t2)", Duration.ofSeconds(10))).outcome())
                    .isEqualTo(Rotation.Outcome.ROTATED);
            var keys = new SqlKeyStore(database, clock);
            firstKey = await(keys.initialize(SigningKey.generated("k1", "EdDSA", "{\"x\":\"1\"}", new byte[] {7, 7},
                    clock.instant())));
            secondKey = await(keys.rotate(SigningKey.generated("k2", "EdDSA", "{\"x\":\"2\"}", new byte[] {8, 8},
                    clock.instant()), Duration.ofHours(1)));
            var revocations = new SqlRevocationStore(database, clock);
            await(revocations.revokeSession("s-old", clock.instant().plus(Duration.ofMinutes(15))));
            await(new SqlLoginAttemptStore(database, clock).recordFailure("account:ann", LockoutPolicy.DEFAULT));
        }

        try (SqlDatabase reopened = SqlDatabase.h2(dataDir)) {
            assertThat(await(new SqlUserStore(reopened, clock).findByEmail("ann@example.com"))).hasValue(user);
            var sessions = new SqlSessionStore(reopened, clock);
            Session restored = await(sessions.find("s-1")).orElseThrow();
            assertThat(restored.device()).isEqualTo(session.device());
            assertThat(restored.lastSeenAt()).isEqualTo(clock.instant());
            Rotation retry = await(sessions.rotate("s-1", "h1", "x", "y", Duration.ofSeconds(10)));
            assertThat(retry.outcome()).isEqualTo(Rotation.Outcome.GRACE_RETRY);
            assertThat(retry.successorHandle()).hasValue("enc(t2)");
            assertThat(await(sessions.rotate("s-1", "h0", "x", "y", Duration.ofSeconds(10))).outcome())
                    .as("the family's retired hashes survived too").isEqualTo(Rotation.Outcome.REUSE_DETECTED);
            var keys = new SqlKeyStore(reopened, clock);
            assertThat(await(keys.activeKey())).hasValue(secondKey);
            assertThat(await(keys.verificationKeys())).extracting(SigningKey::kid).containsExactly("k2", "k1");
            assertThat(await(keys.find("k1")).orElseThrow().status()).isEqualTo(KeyStatus.RETIRING);
            assertThat(await(keys.find("k1")).orElseThrow().encryptedPrivateKey())
                    .isEqualTo(firstKey.encryptedPrivateKey());
            assertThat(await(new SqlRevocationStore(reopened, clock).isSessionRevoked("s-old"))).isTrue();
            assertThat(await(new SqlRevocationStore(reopened, clock).changesSince(0, 10)).changes()).hasSize(1);
            assertThat(await(new SqlLoginAttemptStore(reopened, clock).lockState("account:ann")).failures())
                    .isEqualTo(1);
        }
    }

    @Test
    void timestampsAreKeptToTheMillisecondWhateverTheClockPrecision() throws Exception {
        clock.set(Instant.parse("2025-06-01T10:00:00.123456789Z"));
        try (SqlDatabase database = SqlDatabase.h2(dataDir)) {
            var users = new SqlUserStore(database, clock);
            User created = ((CreateUserResult.Created) await(users.create(new NewUser("u-2", "bo@example.com", "h",
                    Set.of(), Set.of(), Set.of())))).user();

            assertThat(created.createdAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123Z"));
            assertThat(await(users.findById("u-2"))).hasValue(created);
        }
    }
}
