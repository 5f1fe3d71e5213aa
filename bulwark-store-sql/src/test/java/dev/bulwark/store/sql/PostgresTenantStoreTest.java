package dev.bulwark.store.sql;

import dev.bulwark.api.store.TenantStore;
import dev.bulwark.testing.FakeClock;
import dev.bulwark.testing.PostgresSupport;
import dev.bulwark.testing.store.TenantStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlTenantStore} on the machine's PostgreSQL server passes the store contract. */
class PostgresTenantStoreTest extends TenantStoreContract {

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
    protected TenantStore createStore(FakeClock clock) {
        return new SqlTenantStore(database, clock);
    }
}
