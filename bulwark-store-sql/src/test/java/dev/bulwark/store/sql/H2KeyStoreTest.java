package dev.bulwark.store.sql;

import dev.bulwark.api.store.KeyStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.store.KeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link SqlKeyStore} on an embedded H2 file database passes the store contract. */
class H2KeyStoreTest extends KeyStoreContract {

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
    protected KeyStore createStore(FakeClock clock) {
        database.call("empty the key ring", connection -> Jdbc.update(connection, "DELETE FROM bulwark_signing_keys"));
        return new SqlKeyStore(database, clock);
    }
}
