package dev.bulwark.store.sql;

import dev.bulwark.api.store.TenantStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.TenantStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link SqlTenantStore} on an embedded H2 file database passes the store contract. */
class H2TenantStoreTest extends TenantStoreContract {

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
    protected TenantStore createStore(FakeClock clock) {
        return new SqlTenantStore(database, clock);
    }
}
