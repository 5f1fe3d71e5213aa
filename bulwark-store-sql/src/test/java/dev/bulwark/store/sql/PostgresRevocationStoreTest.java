package dev.bulwark.store.sql;

import dev.bulwark.api.store.RevocationStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.PostgresSupport;
import dev.bulwark.testing.store.RevocationStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlRevocationStore} on the machine's PostgreSQL server passes the store contract. */
class PostgresRevocationStoreTest extends RevocationStoreContract {

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
    protected RevocationStore createStore(FakeClock clock) {
        return new SqlRevocationStore(database, clock);
    }
}
