package dev.bulwark.store.sql;

import dev.bulwark.api.store.StoreUnavailableException;
import dev.bulwark.api.store.StoredResponse;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlDatabaseTest {

    @TempDir
    Path dataDir;

    @Test
    void h2DatabaseIsAFileThatKeepsStoredResponsesAcrossRestarts() throws Exception {
        FakeClock clock = new FakeClock();
        StoredResponse response = new StoredResponse(201, Map.of("Content-Type", "application/json"),
                "{\"ok\":true}".getBytes(StandardCharsets.UTF_8), new byte[] {9});
        try (SqlDatabase database = SqlDatabase.h2(dataDir.resolve("data"))) {
            var store = new SqlIdempotencyStore(database, clock);
            store.claim("k", Duration.ofHours(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            store.complete("k", response, Duration.ofHours(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(Files.exists(dataDir.resolve("data/bulwark.mv.db"))).isTrue();

        try (SqlDatabase reopened = SqlDatabase.h2(dataDir.resolve("data"))) {
            var claim = new SqlIdempotencyStore(reopened, clock).claim("k", Duration.ofHours(1))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(claim.storedResponse()).hasValue(response);
            assertThat(reopened.engine()).isEqualTo(SqlDatabase.Engine.H2);
        }
    }

    @Test
    void veryLongKeysAreStoredAndMatched() throws Exception {
        try (SqlDatabase database = SqlDatabase.h2(dataDir)) {
            var store = new SqlIdempotencyStore(database, new FakeClock());
            String key = "k".repeat(5000);

            assertThat(store.claim(key, Duration.ofHours(1)).toCompletableFuture().get().isNew()).isTrue();
            assertThat(store.claim(key, Duration.ofHours(1)).toCompletableFuture().get().isNew()).isFalse();
        }
    }

    @Test
    void unreachablePostgresqlIsReportedWithoutCredentials() {
        assertThatThrownBy(() -> SqlDatabase.postgresql(
                "jdbc:postgresql://127.0.0.1:1/none?password=sEcReT-pg", "bulwark", "sEcReT-pg"))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageStartingWith("cannot open postgresql at jdbc:postgresql://127.0.0.1:1/none")
                .hasMessageNotContaining("sEcReT-pg");
    }

    @Test
    void closedDatabaseFailsStoreOperationsAsUnavailable() {
        SqlDatabase database = SqlDatabase.h2(dataDir);
        var store = new SqlIdempotencyStore(database, new FakeClock());
        database.close();

        assertThat(store.claim("k", Duration.ofHours(1)).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void schemaNamesOtherThanPlainIdentifiersAreRefused() {
        assertThatThrownBy(() -> SqlDatabase.postgresql("jdbc:postgresql://127.0.0.1/x", "u", "", "a;drop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema must be a lower-case sql identifier: a;drop");
    }
}
