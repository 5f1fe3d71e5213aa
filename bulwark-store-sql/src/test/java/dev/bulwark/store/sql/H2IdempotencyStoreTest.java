package dev.bulwark.store.sql;

import dev.bulwark.api.store.IdempotencyStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.IdempotencyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link SqlIdempotencyStore} on an embedded H2 file database passes the store contract. */
class H2IdempotencyStoreTest extends IdempotencyStoreContract {

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
    protected IdempotencyStore createStore(FakeClock clock) {
        return new SqlIdempotencyStore(database, clock);
    }
}
