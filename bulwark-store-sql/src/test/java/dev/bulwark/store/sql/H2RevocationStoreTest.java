package dev.bulwark.store.sql;

import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.RevocationStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link SqlRevocationStore} on an embedded H2 file database passes the store contract. */
class H2RevocationStoreTest extends RevocationStoreContract {

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
    protected RevocationStore createStore(FakeClock clock) {
        return new SqlRevocationStore(database, clock);
    }
}
