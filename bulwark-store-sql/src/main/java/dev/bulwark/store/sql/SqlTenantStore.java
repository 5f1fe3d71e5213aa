package dev.bulwark.store.sql;

import dev.bulwark.api.store.Page;
import dev.bulwark.api.store.Tenant;
import dev.bulwark.api.store.TenantStatus;
import dev.bulwark.api.store.TenantStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A {@link TenantStore} in the {@code bulwark_tenants} table of a {@link SqlDatabase}.
 *
 * <p>Creation is one {@code INSERT ... ON CONFLICT DO NOTHING} (the primary key makes exactly one of any number of
 * concurrent creations of an id insert); a status change is one {@code UPDATE} followed by a {@code SELECT} of the
 * row as it now is. Listing is keyset-paginated on the id. Timestamps come from the injected clock, in
 * milliseconds. Thread-safe; work runs off the caller's thread and failures complete stages with
 * {@link dev.bulwark.api.store.StoreUnavailableException}.
 */
public final class SqlTenantStore implements TenantStore {

    private static final String COLUMNS = "id, name, status, created_at, updated_at";
    private static final String INSERT = "INSERT INTO bulwark_tenants (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM bulwark_tenants WHERE id = ?";
    private static final String SET_STATUS = "UPDATE bulwark_tenants SET status = ?, updated_at = ? WHERE id = ?";
    private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM bulwark_tenants ORDER BY id LIMIT ?";
    private static final String NEXT_PAGE = "SELECT " + COLUMNS + " FROM bulwark_tenants WHERE id > ?"
            + " ORDER BY id LIMIT ?";

    private final SqlDatabase database;
    private final Clock clock;

    /**
     * @param database the migrated database
     * @param clock    the clock timestamps are taken from
     */
    public SqlTenantStore(SqlDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Optional<Tenant>> create(String id, String name) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        Tenant tenant = new Tenant(id, name, TenantStatus.ACTIVE, now, now);
        return database.async("create tenant", connection -> {
            boolean inserted = Jdbc.insertIgnoringDuplicate(connection, INSERT, id, name, tenant.status().name(),
                    now.toEpochMilli(), now.toEpochMilli());
            return inserted ? Optional.of(tenant) : Optional.empty();
        });
    }

    @Override
    public CompletionStage<Optional<Tenant>> findById(String id) {
        Objects.requireNonNull(id, "id");
        return database.async("find tenant", connection -> Jdbc.queryOne(connection, BY_ID, SqlTenantStore::tenant, id));
    }

    @Override
    public CompletionStage<Optional<Tenant>> setStatus(String id, TenantStatus status) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        long now = clock.millis();
        return database.async("set tenant status", connection -> {
            if (Jdbc.update(connection, SET_STATUS, status.name(), now, id) == 0) {
                return Optional.empty();
            }
            return Jdbc.queryOne(connection, BY_ID, SqlTenantStore::tenant, id);
        });
    }

    @Override
    public CompletionStage<Page<Tenant>> list(String after, int limit) {
        Page.checkLimit(limit);
        return database.async("list tenants", connection -> {
            // One row more than asked says whether a next page exists without a second query.
            List<Tenant> rows = after == null
                    ? Jdbc.query(connection, FIRST_PAGE, SqlTenantStore::tenant, limit + 1)
                    : Jdbc.query(connection, NEXT_PAGE, SqlTenantStore::tenant, after, limit + 1);
            if (rows.size() <= limit) {
                return new Page<>(rows, null);
            }
            List<Tenant> page = rows.subList(0, limit);
            return new Page<>(page, page.get(limit - 1).id());
        });
    }

    private static Tenant tenant(ResultSet row) throws SQLException {
        return new Tenant(row.getString("id"), row.getString("name"), TenantStatus.valueOf(row.getString("status")),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("updated_at")));
    }
}
