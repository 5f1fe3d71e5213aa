package dev.bulwark.store.sql;

import dev.bulwark.api.store.ApiKeyStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.PostgresSupport;
import dev.bulwark.testing.store.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlApiKeyStore} on the machine's PostgreSQL server passes the store contract. */
class PostgresApiKeyStoreTest extends ApiKeyStoreContract {

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
    protected ApiKeyStore createStore(FakeClock clock) {
        return new SqlApiKeyStore(database, clock);
    }
}
