package dev.bulwark.store.sql;

import dev.bulwark.api.store.ApiKey;
import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SqlApiKeyStore} on an embedded H2 file database passes the store contract. */
class H2ApiKeyStoreTest extends ApiKeyStoreContract {

    @TempDir
    static Path dataDir;

    private static SqlDatabase database;

    @BeforeAll
    static void openDatabase() {
        database = SqlDatabase.h2(dataDir);
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Override
    protected ApiKeyStore createStore(FakeClock clock) {
        return new SqlApiKeyStore(database, clock);
    }

    @Test
    void valuesLongerThanTheirColumnsAreRefusedBeforeTheDatabase() {
        SqlApiKeyStore store = new SqlApiKeyStore(database, clock);
        Set<String> manyScopes = IntStream.range(0, 200).mapToObj(i -> "scope-" + i + ":" + "x".repeat(40))
                .collect(Collectors.toSet());

        assertThatThrownBy(() -> store.create(new ApiKey("k1", "n".repeat(201), "v1:h", Set.of(), null, "cli",
                clock.instant(), null, null, null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api key name longer than 200 characters: 201");
        assertThatThrownBy(() -> store.create(new ApiKey("k2", "n", "v1:h", manyScopes, null, "cli",
                clock.instant(), null, null, null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("api key scopes longer than 8192 characters");
    }
}
