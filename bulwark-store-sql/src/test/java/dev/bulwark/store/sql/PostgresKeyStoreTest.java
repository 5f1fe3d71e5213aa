package dev.bulwark.store.sql;

import dev.bulwark.api.store.KeyStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.PostgresSupport;
import dev.bulwark.testing.store.KeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlKeyStore} on the machine's PostgreSQL server passes the store contract. */
class PostgresKeyStoreTest extends KeyStoreContract {

    @RegisterExtension
    static final PostgresSupport PG = new PostgresSupport();

    private static SqlDatabase database;

    @BeforeAll
    static void openDatabase() {
        database = SqlDatabase.postgresql(PG.url(), PG.username(), PG.password(), PG.schema());
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
